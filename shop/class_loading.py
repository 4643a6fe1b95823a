"""Oscar's class loader (OSCAR_DYNAMIC_CLASS_LOADER), with classes of ours for apps not forked.

Oscar's middleware and views load their collaborators by name through
``get_class``. For an app the project forks, Oscar finds our module itself;
the offer app is not forked (its models and views are Oscar's), so its
applicator is named here instead, and so is the dashboard's home page (the
dashboard app is not forked; its child apps are forked one by one).
"""

from django.utils.module_loading import import_string
from oscar.core.loading import default_class_loader

OVERRIDES = {
    ("offer.applicator", "Applicator"): "shop.offers.Applicator",
    ("dashboard.views", "IndexView"): "shop.dashboard.home.views.IndexView",
    # "My orders": an enterprise order only while its buyer is still a member
    ("customer.views", "OrderHistoryView"): "shop.views.account_orders.OrderHistoryView",
    ("customer.views", "OrderDetailView"): "shop.views.account_orders.OrderDetailView",
    ("customer.views", "OrderLineView"): "shop.views.account_orders.OrderLineView",
    # CSV reports: every cell through security.formulas (shop/dashboard/reports.py)
    **{
        (label, name): f"shop.dashboard.reports.{name}"
        for label, name in (
            ("order.reports", "OrderReportGenerator"),
            ("analytics.reports", "ProductReportGenerator"),
            ("analytics.reports", "UserReportGenerator"),
            ("basket.reports", "OpenBasketReportGenerator"),
            ("basket.reports", "SubmittedBasketReportGenerator"),
            ("offer.reports", "OfferReportGenerator"),
            ("voucher.reports", "VoucherReportGenerator"),
            ("dashboard.offers.reports", "OrderDiscountCSVFormatter"),
        )
    },
}


def class_loader(module_label: str, classnames: list[str], module_prefix: str) -> list:
    classes = default_class_loader(module_label, classnames, module_prefix)
    return [
        import_string(OVERRIDES[(module_label, name)])
        if (module_label, name) in OVERRIDES
        else found
        for name, found in zip(classnames, classes, strict=True)
    ]
