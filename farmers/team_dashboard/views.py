import datetime

from django.conf import settings
from django.views.generic import TemplateView

from farmers.models import AttributionShortfall
from outbox.services import outbox_stuck


class ReconciliationView(TemplateView):
    """What the pipeline could not finish by itself: shortfalls and stuck messages."""

    template_name = "farmers/team_dashboard/reconciliation.html"

    def get_context_data(self, **kwargs):
        stuck_after = datetime.timedelta(minutes=settings.RECONCILE_SETTLE_MINUTES)
        return super().get_context_data(
            shortfalls=AttributionShortfall.objects.filter(resolved_at__isnull=True).select_related(
                "line__order", "line__partner"
            )[:200],
            stuck=outbox_stuck(older_than=stuck_after)[:200],
            stuck_minutes=settings.RECONCILE_SETTLE_MINUTES,
            **kwargs,
        )
