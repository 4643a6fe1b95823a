"""Oscar's dashboard home, with a seller's staff shown figures from their own lines only.

Named in ``shop.class_loading`` (the dashboard app itself is not forked), so
Oscar's dashboard URLs serve this view. Platform staff get Oscar's page and
figures unchanged.
"""

from django.conf import settings
from django.utils import timezone
from oscar.apps.dashboard import views

from farmers.reports.settlement import team_settlement
from shop.dashboard.home.selectors import seller_home
from shop.dashboard.orders.selectors import is_seller_staff_only


class IndexView(views.IndexView):
    seller_template_name = "shop/dashboard/seller_index.html"

    def get_template_names(self):
        if is_seller_staff_only(self.request.user):
            return [self.seller_template_name]
        return super().get_template_names()

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
