"""Oscar's offer applicator, told by the shared cache when there is nothing to apply.

On every page with a basket Oscar asks the database for the site offers open
now and for the basket's vouchers, and the basket page asks again for its
upsell messages. Taibao prices by volume tiers (shop/partner/strategy.py), so
usually there are no offers and no vouchers at all. ``offer_state`` says
whether any site offer is open and whether any voucher exists; while the
answer is "none", the applicator skips those queries. The state is dropped
after any offer or voucher is saved or deleted (``forget_offer_state``), and
is kept no longer than ``TAIBAO_SHARED_CACHE_SECONDS`` nor past the start of
the next scheduled offer. Whenever there is something, Oscar's own queries
run unchanged.
"""

import datetime
import math

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone
from oscar.apps.offer.applicator import Applicator as OscarApplicator
from oscar.core.loading import get_model

STATE_KEY = "offers:state"


def _compute_offer_state() -> tuple[dict, float]:
    """The state now, and for how many seconds it holds at most."""
    offer = get_model("offer", "ConditionalOffer")
    voucher = get_model("voucher", "Voucher")
    now = timezone.now()
    site = offer.objects.filter(offer_type=offer.SITE, status=offer.OPEN)
    open_now = site.filter(
        Q(end_datetime__gte=now) | Q(end_datetime=None),
        Q(start_datetime__lte=now) | Q(start_datetime=None),
    ).exists()
    state = {"site_offers": open_now, "vouchers": voucher.objects.exists()}
    seconds = float(settings.TAIBAO_SHARED_CACHE_SECONDS)
    next_start = site.filter(start_datetime__gt=now).aggregate(at=Min("start_datetime"))["at"]
    if next_start is not None:
        seconds = min(seconds, (next_start - now) / datetime.timedelta(seconds=1))
    return state, seconds


def offer_state() -> dict:
    """{"site_offers": bool, "vouchers": bool}: whether Oscar has anything to look for."""
    if not settings.TAIBAO_SHARED_CACHE_SECONDS:
        return {"site_offers": True, "vouchers": True}  # no shared cache: always ask
    state = cache.get(STATE_KEY)
    if state is None:
        state, seconds = _compute_offer_state()
        if seconds >= 1:
            cache.set(STATE_KEY, state, math.floor(seconds))
    return state


def forget_offer_state(sender=None, **kwargs) -> None:
    """An offer or voucher changed: drop the state once the change is committed."""
    transaction.on_commit(lambda: cache.delete(STATE_KEY))


class Applicator(OscarApplicator):
    """Oscar's applicator; the two lookups are skipped while the state says there is nothing."""

    def get_site_offers(self):
        if not offer_state()["site_offers"]:
            return []
        return super().get_site_offers()

    def get_basket_offers(self, basket, user):
        if not offer_state()["vouchers"]:
            return []
        return super().get_basket_offers(basket, user)
