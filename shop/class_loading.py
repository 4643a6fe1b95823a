"""Oscar's class loader (OSCAR_DYNAMIC_CLASS_LOADER), with classes of ours for apps not forked.

Oscar's middleware and views load their collaborators by name through
``get_class``. For an app the project forks, Oscar finds our module itself.
Two changes reach apps that are not forked, whose models would otherwise have
to be copied for one class each: "My orders" shows an enterprise order only to
a current member, and every CSV report neutralises formula-like cells.
"""

from django.utils.module_loading import import_string
from oscar.core.loading import default_class_loader

OVERRIDES = {
    # "My orders": an enterprise order only while its buyer is still a member
    ("customer.views", "OrderHistoryView"): "shop.views.account_orders.OrderHistoryView",
    ("customer.views", "OrderDetailView"): "shop.views.account_orders.OrderDetailView",
    ("customer.views", "OrderLineView"): "shop.views.account_orders.OrderLineView",
    # CSV reports: every cell through security.formulas (shop/csv_reports.py)
    **{
        (label, name): f"shop.csv_reports.{name}"
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
