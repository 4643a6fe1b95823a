"""Oscar's dashboard home, with a seller's staff shown figures from their own lines only.

The dashboard app is forked here (``shop.dashboard``), so Oscar's
``get_class("dashboard.views", "IndexView")`` finds this view; the login view
is still Oscar's. Platform staff get Oscar's page and figures unchanged.
"""

from django.conf import settings
from django.utils import timezone
from oscar.apps.dashboard import views
from oscar.apps.dashboard.nav import default_access_fn

from farmers.reports.settlement import team_settlement
from farmers.selectors import low_stock_records_for_user
from shop.dashboard.orders.selectors import is_seller_staff_only
from shop.dashboard.selectors import seller_home

HOME_LINKS = {
    "order_list": "dashboard:order-list",
    "catalogue": "dashboard:catalogue-product-list",
    "stock_alerts": "dashboard:stock-alert-list",
}


def dashboard_links(*, user) -> dict[str, bool]:
    """Which of the home page's buttons this user may follow (Oscar's own permission
    check for dashboard pages, the one its menu uses)."""
    return {name: default_access_fn(user, url_name) for name, url_name in HOME_LINKS.items()}


class IndexView(views.IndexView):
    seller_template_name = "shop/dashboard/seller_index.html"

    def get_template_names(self):
        if is_seller_staff_only(self.request.user):
            return [self.seller_template_name]
        return super().get_template_names()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["dashboard_links"] = dashboard_links(user=self.request.user)
        if is_seller_staff_only(self.request.user):
            ctx["low_stock"] = low_stock_records_for_user(user=self.request.user)
        return ctx

    def get_stats(self):
        user = self.request.user
        if is_seller_staff_only(user):
            # Oscar's figures sum whole orders, customers and baskets: none of them theirs.
            return {"seller_home": seller_home(user=user, now=timezone.now())}
        stats = super().get_stats()
        if user.has_perm("farmers.view_payoutbatch"):
            # The work team's first question: has every household been paid what it is owed?
            today = timezone.localdate()
            summary = team_settlement(
                today=today, overdue_days=settings.TAIBAO_PAYOUT_OVERDUE_DAYS, limit=1
            )
            for row in [*summary.rows, *summary.overdue_monitored]:
                row.age = row.age_days(today)
            stats["team_settlement"] = summary
            stats["overdue_days"] = settings.TAIBAO_PAYOUT_OVERDUE_DAYS
        return stats
