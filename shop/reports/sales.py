"""Sales per enterprise: the attribution ledger grouped by the order's enterprise."""

from django.utils.translation import gettext_lazy as _

from farmers.reports.sales import Dimension

ENTERPRISE = Dimension(
    "enterprise",
    _("Sales per enterprise"),
    "line__order__enterprise_id",
    "line__order__enterprise__name",
    heading=_("Enterprise"),
)
