"""Oscar's dashboard reports, their CSV downloads written through the formula-neutralising writer.

Each report generator Oscar offers (orders, products, users, open and
submitted baskets, vouchers, offers) is named here for Oscar's class loader
(``shop.class_loading.OVERRIDES``): the same generator, whose CSV formatter
writes with :class:`security.formulas.NeutralisingCSVWriter`. Product titles,
e-mail addresses and voucher names are typed by sellers and buyers.
"""

from oscar.apps.analytics import reports as analytics
from oscar.apps.basket import reports as basket
from oscar.apps.dashboard.offers import reports as offer_discounts
from oscar.apps.offer import reports as offer
from oscar.apps.order import reports as order
from oscar.apps.voucher import reports as voucher

from security.formulas import NeutralisingCSVWriter


class NeutralisingCSVFormatterMixin:
    def get_csv_writer(self, file_handle, **kwargs):
        return NeutralisingCSVWriter(open_file=file_handle, **kwargs)


def _neutralising(generator: type) -> type:
    formatters = dict(generator.formatters)
    csv_formatter = formatters["CSV_formatter"]
    formatters["CSV_formatter"] = type(
        csv_formatter.__name__, (NeutralisingCSVFormatterMixin, csv_formatter), {}
    )
    return type(generator.__name__, (generator,), {"formatters": formatters})


OrderReportGenerator = _neutralising(order.OrderReportGenerator)
ProductReportGenerator = _neutralising(analytics.ProductReportGenerator)
UserReportGenerator = _neutralising(analytics.UserReportGenerator)
OpenBasketReportGenerator = _neutralising(basket.OpenBasketReportGenerator)
SubmittedBasketReportGenerator = _neutralising(basket.SubmittedBasketReportGenerator)
OfferReportGenerator = _neutralising(offer.OfferReportGenerator)
VoucherReportGenerator = _neutralising(voucher.VoucherReportGenerator)


class OrderDiscountCSVFormatter(
    NeutralisingCSVFormatterMixin, offer_discounts.OrderDiscountCSVFormatter
):
    pass
