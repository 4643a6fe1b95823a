"""农户结算 reads: owed, paid and balance per household and seller, to the fen.

Owed is derived from three sources, never kept as a running figure:

- lots on 收购 terms: the lot's farmgate amount, owed from its intake date;
- lots on 代销 terms: the attribution ledger's household income of the lot
  (farmgate value of the units paid for; reversals are negative rows),
  owed when the row was written;
- confirmed surplus returns (二次返利), owed from their confirmation.

Paid is confirmed payout lines less their reversals; pending lines are money
"in payment". Balance = owed − paid. A lot's terms are the most recent
``SettlementTerms`` row effective on its intake day: the product's override
first, else the seller's, else 收购.

All sums are done by the database, grouped by (household, seller), in a few
queries however long the ledger is.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from farmers.models import (
    Attribution,
    Household,
    Lot,
    Payee,
    PayoutLine,
    PayoutReversal,
    Seller,
    SettlementTerms,
    SurplusAllocation,
    Terms,
)
from farmers.reports.ledger import day_start, monitored_household_ids

ZERO = Decimal("0.00")
FAR_FUTURE = datetime.date(9999, 12, 31)
Key = tuple[int, int]
"""(household id, seller id)"""


@dataclass
class Balance:
    household_id: int
    seller_id: int
    owed: Decimal = ZERO
    paid: Decimal = ZERO
    pending: Decimal = ZERO
    oldest_unpaid: datetime.date | None = None

    @property
    def balance(self) -> Decimal:
        return self.owed - self.paid

    @property
    def payable(self) -> Decimal:
        """What a new batch may pay now: the balance less lines already in payment."""
        return self.balance - self.pending

    def age_days(self, today: datetime.date) -> int | None:
        return (today - self.oldest_unpaid).days if self.oldest_unpaid else None


@dataclass(frozen=True)
class Period:
    """Local days, both inclusive; None is open-ended."""

    since: datetime.date | None = None
    until: datetime.date | None = None


ALL_TIME = Period()


# --- terms -------------------------------------------------------------------


def _day_span(prefix: str, start: datetime.date, end: datetime.date) -> dict:
    """Lots received on start <= day < end (no upper bound for the open end)."""
    span = {f"{prefix}received_on__gte": start}
    if end != FAR_FUTURE:
        span[f"{prefix}received_on__lt"] = end
    return span


def _terms_on(timeline: list[tuple[datetime.date, str]], day: datetime.date) -> str | None:
    found = None
    for start, terms in timeline:
        if start <= day:
            found = terms
    return found


@dataclass
class TermsMap:
    """Every terms row, read once; answers "which terms for this lot" and builds the SQL filter."""

    partner_of: dict[int, int] = field(default_factory=dict)  # seller id → partner id
    seller_of_partner: dict[int, int] = field(default_factory=dict)
    seller_rows: dict[int, list] = field(default_factory=lambda: defaultdict(list))
    product_rows: dict[int, list] = field(default_factory=lambda: defaultdict(list))
    product_seller: dict[int, int] = field(default_factory=dict)

    @classmethod
    def load(cls) -> "TermsMap":
        terms = cls()
        for seller_id, partner_id in Seller.objects.values_list("pk", "partner_id"):
            terms.partner_of[seller_id] = partner_id
            terms.seller_of_partner[partner_id] = seller_id
        for row in SettlementTerms.objects.order_by("effective_from").values(
            "seller_id", "stock_record_id", "terms", "effective_from"
        ):
            if row["stock_record_id"]:
                terms.product_rows[row["stock_record_id"]].append(
                    (row["effective_from"], row["terms"])
                )
                terms.product_seller[row["stock_record_id"]] = row["seller_id"]
            else:
                terms.seller_rows[row["seller_id"]].append((row["effective_from"], row["terms"]))
        return terms

    def terms_for(self, *, seller_id: int, stock_record_id: int, day: datetime.date) -> str:
        return (
            _terms_on(self.product_rows.get(stock_record_id, []), day)
            or _terms_on(self.seller_rows.get(seller_id, []), day)
            or Terms.PURCHASE
        )

    def _consignment_spans(self, timeline: list) -> list[tuple[datetime.date, datetime.date]]:
        """[start, end) day spans of a merged timeline that are consignment."""
        spans = []
        timeline = sorted(timeline)
        for i, (start, terms) in enumerate(timeline):
            end = timeline[i + 1][0] if i + 1 < len(timeline) else FAR_FUTURE
            if terms == Terms.CONSIGNMENT and start < end:
                spans.append((start, end))
        return spans

    def consignment_q(self, prefix: str = "") -> Q:
        """Lots (through ``prefix``, e.g. "lot__") on consignment terms on their intake day."""
        p = prefix
        q = Q(pk__in=[])
        for seller_id, rows in self.seller_rows.items():
            overridden = [sr for sr, s in self.product_seller.items() if s == seller_id]
            for start, end in self._consignment_spans(rows):
                span = Q(
                    **{
                        f"{p}stock_record__partner_id": self.partner_of.get(seller_id),
                        **_day_span(p, start, end),
                    }
                )
                if overridden:
                    span &= ~Q(**{f"{p}stock_record_id__in": overridden})
                q |= span
        for stock_record_id, rows in self.product_rows.items():
            seller_rows = self.seller_rows.get(self.product_seller[stock_record_id], [])
            # The product's own rows win from their first day; before it, the seller's apply.
            first = min(start for start, _ in rows)
            merged = [(s, t) for s, t in seller_rows if s < first] + rows
            for start, end in self._consignment_spans(merged):
                q |= Q(**{f"{p}stock_record_id": stock_record_id, **_day_span(p, start, end)})
        return q


# --- owed, paid, balances ------------------------------------------------------


def _instant_range(period: Period, column: str) -> Q:
    q = Q()
    if period.since:
        q &= Q(**{f"{column}__gte": day_start(period.since)})
    if period.until:
        q &= Q(**{f"{column}__lt": day_start(period.until + datetime.timedelta(days=1))})
    return q


def _day_range(period: Period, column: str) -> Q:
    q = Q()
    if period.since:
        q &= Q(**{f"{column}__gte": period.since})
    if period.until:
        q &= Q(**{f"{column}__lte": period.until})
    return q


def _scope(
    terms: TermsMap, *, seller_ids, household_ids, household_column: str, partner_column: str
) -> Q:
    q = Q()
    if seller_ids is not None:
        q &= Q(**{f"{partner_column}__in": [terms.partner_of.get(s) for s in seller_ids]})
    if household_ids is not None:
        q &= Q(**{f"{household_column}__in": list(household_ids)})
    return q


def owed_parts(
    *,
    seller_ids: Iterable[int] | None = None,
    household_ids: Iterable[int] | None = None,
    period: Period = ALL_TIME,
    terms: TermsMap | None = None,
) -> dict[str, dict[Key, Decimal]]:
    """Owed per (household, seller), split by source: purchase, consignment, surplus."""
    terms = terms or TermsMap.load()
    seller_ids = list(seller_ids) if seller_ids is not None else None
    household_ids = list(household_ids) if household_ids is not None else None
    consignment = terms.consignment_q()
    purchase = (
        Lot.objects.filter(
            _scope(
                terms,
                seller_ids=seller_ids,
                household_ids=household_ids,
                household_column="household_id",
                partner_column="stock_record__partner_id",
            ),
            _day_range(period, "received_on"),
        )
        .exclude(consignment)
        .values_list("household_id", "stock_record__partner_id")
        .annotate(amount=Sum("farmgate_amount"))
        .order_by()
    )
    sold = (
        Attribution.objects.filter(
            _scope(
                terms,
                seller_ids=seller_ids,
                household_ids=household_ids,
                household_column="household_id",
                partner_column="lot__stock_record__partner_id",
            ),
            _instant_range(period, "created_at"),
            terms.consignment_q("lot__"),
        )
        .values_list("household_id", "lot__stock_record__partner_id")
        .annotate(amount=Sum("household_income"))
        .order_by()
    )
    surplus = SurplusAllocation.objects.filter(
        _instant_range(period, "surplus_return__confirmed_at"),
        surplus_return__confirmed_at__isnull=False,
    )
    if seller_ids is not None:
        surplus = surplus.filter(surplus_return__seller_id__in=seller_ids)
    if household_ids is not None:
        surplus = surplus.filter(household_id__in=household_ids)
    parts: dict[str, dict[Key, Decimal]] = {"purchase": {}, "consignment": {}, "surplus": {}}
    for name, rows in (("purchase", purchase), ("consignment", sold)):
        if name == "consignment" and not terms.seller_rows and not terms.product_rows:
            continue  # nothing is on consignment: skip the ledger scan
        for household_id, partner_id, amount in rows:
            key = (household_id, terms.seller_of_partner[partner_id])
            parts[name][key] = parts[name].get(key, ZERO) + (amount or ZERO)
    for household_id, seller_id, amount in (
        surplus.values_list("household_id", "surplus_return__seller_id")
        .annotate(amount=Sum("amount"))
        .order_by()
    ):
        parts["surplus"][(household_id, seller_id)] = amount or ZERO
    return parts


def owed_totals(**kwargs) -> dict[Key, Decimal]:
    totals: dict[Key, Decimal] = defaultdict(lambda: ZERO)
    for part in owed_parts(**kwargs).values():
        for key, amount in part.items():
            totals[key] += amount
    return dict(totals)


def _line_scope(lines, *, seller_ids, household_ids, prefix: str = ""):
    if seller_ids is not None:
        lines = lines.filter(**{f"{prefix}seller_id__in": list(seller_ids)})
    if household_ids is not None:
        lines = lines.filter(**{f"{prefix}household_id__in": list(household_ids)})
    return lines


def paid_totals(
    *,
    seller_ids: Iterable[int] | None = None,
    household_ids: Iterable[int] | None = None,
    period: Period = ALL_TIME,
) -> dict[Key, Decimal]:
    """Confirmed payouts less their reversals, per (household, seller)."""
    seller_ids = list(seller_ids) if seller_ids is not None else None
    household_ids = list(household_ids) if household_ids is not None else None
    totals: dict[Key, Decimal] = defaultdict(lambda: ZERO)
    confirmed = _line_scope(
        PayoutLine.objects.filter(
            _instant_range(period, "settled_at"), status=PayoutLine.Status.CONFIRMED
        ),
        seller_ids=seller_ids,
        household_ids=household_ids,
    )
    for household_id, seller_id, amount in (
        confirmed.values_list("household_id", "seller_id").annotate(Sum("amount")).order_by()
    ):
        totals[(household_id, seller_id)] += amount
    reversals = _line_scope(
        PayoutReversal.objects.filter(_instant_range(period, "reversed_at")),
        seller_ids=seller_ids,
        household_ids=household_ids,
        prefix="line__",
    )
    for household_id, seller_id, amount in (
        reversals.values_list("line__household_id", "line__seller_id")
        .annotate(Sum("amount"))
        .order_by()
    ):
        totals[(household_id, seller_id)] -= amount
    return dict(totals)


def pending_totals(
    *, seller_ids: Iterable[int] | None = None, household_ids: Iterable[int] | None = None
) -> dict[Key, Decimal]:
    pending = _line_scope(
        PayoutLine.objects.filter(status=PayoutLine.Status.PENDING),
        seller_ids=seller_ids,
        household_ids=household_ids,
    )
    return {
        (h, s): amount
        for h, s, amount in pending.values_list("household_id", "seller_id")
        .annotate(Sum("amount"))
        .order_by()
    }


def balances(
    *,
    seller_ids: Iterable[int] | None = None,
    household_ids: Iterable[int] | None = None,
    with_age: bool = False,
    owed_until: datetime.date | None = None,
) -> list[Balance]:
    """Every (household, seller) with anything owed, paid or in payment, sorted by key.

    ``owed_until`` counts only what became owed up to the end of that day (a
    month-end cut-off); payments count whenever they were made.
    """
    seller_ids = list(seller_ids) if seller_ids is not None else None
    household_ids = list(household_ids) if household_ids is not None else None
    scope = {"seller_ids": seller_ids, "household_ids": household_ids}
    owed = owed_totals(period=Period(None, owed_until), **scope)
    paid = paid_totals(**scope)
    pending = pending_totals(**scope)
    rows = [
        Balance(h, s, owed.get((h, s), ZERO), paid.get((h, s), ZERO), pending.get((h, s), ZERO))
        for h, s in sorted(set(owed) | set(paid) | set(pending))
    ]
    if with_age:
        balance_ages(rows)
    return rows


def balance_ages(rows: list[Balance]) -> None:
    """Fill ``oldest_unpaid``: the day the oldest fen still unpaid became owed.

    Payouts and reversals of sales settle the oldest amounts first, so the
    unpaid fen are the newest ones owed: walking the days an amount became
    owed from the oldest, the first day at which the running total passes
    (all owed − balance) is the age's start.
    """
    open_rows = {(r.household_id, r.seller_id): r for r in rows if r.balance > 0}
    if not open_rows:
        return
    terms = TermsMap.load()
    households = {h for h, _ in open_rows}
    sellers = {s for _, s in open_rows}
    days: dict[Key, dict[datetime.date, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    partner_in = [terms.partner_of[s] for s in sellers]
    lots = (
        Lot.objects.filter(household_id__in=households, stock_record__partner_id__in=partner_in)
        .exclude(terms.consignment_q())
        .values_list("household_id", "stock_record__partner_id", "received_on")
        .annotate(amount=Sum("farmgate_amount"))
        .order_by()
    )
    sales = (
        Attribution.objects.filter(
            terms.consignment_q("lot__"),
            household_id__in=households,
            lot__stock_record__partner_id__in=partner_in,
            kind=Attribution.Kind.SALE,
        )
        .annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .values_list("household_id", "lot__stock_record__partner_id", "day")
        .annotate(amount=Sum("household_income"))
        .order_by()
    )
    for rows_ in (lots, sales):
        for household_id, partner_id, day, amount in rows_:
            days[(household_id, terms.seller_of_partner[partner_id])][day] += amount
    for household_id, seller_id, confirmed_at, amount in SurplusAllocation.objects.filter(
        household_id__in=households,
        surplus_return__seller_id__in=sellers,
        surplus_return__confirmed_at__isnull=False,
    ).values_list(
        "household_id", "surplus_return__seller_id", "surplus_return__confirmed_at", "amount"
    ):
        days[(household_id, seller_id)][timezone.localtime(confirmed_at).date()] += amount
    for key, row in open_rows.items():
        per_day = days.get(key, {})
        settled = sum(per_day.values(), ZERO) - row.balance
        running = ZERO
        for day in sorted(per_day):
            running += per_day[day]
            if running > settled:
                row.oldest_unpaid = day
                break


def balances_by_household(
    *, household_ids: Iterable[int] | None = None, seller_ids: Iterable[int] | None = None
) -> dict[int, Balance]:
    """Each household's balance over all its sellers (the team's view), oldest unpaid day kept."""
    merged: dict[int, Balance] = {}
    for row in balances(household_ids=household_ids, seller_ids=seller_ids, with_age=True):
        total = merged.setdefault(row.household_id, Balance(row.household_id, 0))
        total.owed += row.owed
        total.paid += row.paid
        total.pending += row.pending
        if row.oldest_unpaid and (
            total.oldest_unpaid is None or row.oldest_unpaid < total.oldest_unpaid
        ):
            total.oldest_unpaid = row.oldest_unpaid
    return merged


# --- what the pages show ---------------------------------------------------------------


@dataclass
class HouseholdBalance:
    household: Household
    balance: Balance
    payee: Payee | None
    monitored: bool = False

    def age_days(self, today: datetime.date) -> int | None:
        return self.balance.age_days(today)


def settlement_sellers_for_user(*, user):
    """Sellers whose payouts this user runs: their partner's staff, and the work team for the
    town assistance shop (消费帮扶馆), which has no staff of its own."""
    own = Q(partner__users=user)
    if user.is_staff and user.has_perm("farmers.add_payoutbatch"):
        own |= Q(kind=Seller.Kind.ASSISTANCE_SHOP)
    return Seller.objects.filter(own).select_related("partner").distinct().order_by("partner__name")


def seller_household_balances(*, seller: Seller) -> list[HouseholdBalance]:
    """The seller's member households (and any other it owes), each with its balance and payee."""
    rows = {r.household_id: r for r in balances(seller_ids=[seller.pk], with_age=True)}
    ids = set(rows) | set(seller.memberships.values_list("household_id", flat=True))
    households = Household.objects.filter(pk__in=ids).select_related("village").order_by("code")
    payees = {p.household_id: p for p in Payee.objects.filter(household_id__in=ids)}
    return [
        HouseholdBalance(h, rows.get(h.pk) or Balance(h.pk, seller.pk), payees.get(h.pk))
        for h in households
    ]


@dataclass
class TeamSettlement:
    owed: Decimal
    paid: Decimal
    balance: Decimal
    households_owed: int
    overdue_monitored: list[HouseholdBalance]
    rows: list[HouseholdBalance]


def team_settlement(*, today: datetime.date, overdue_days: int, limit: int = 200) -> TeamSettlement:
    """Every household's unpaid balance over all sellers, oldest first; monitored ones overdue."""
    merged = balances_by_household()
    monitored = set(monitored_household_ids(day=today).values_list("household_id", flat=True))
    open_ids = [h for h, b in merged.items() if b.balance > 0]
    open_ids.sort(key=lambda h: (merged[h].oldest_unpaid or today, -merged[h].balance, h))
    shown = open_ids[:limit]
    overdue_ids = [
        h for h in open_ids if h in monitored and (merged[h].age_days(today) or 0) > overdue_days
    ]
    wanted = set(shown) | set(overdue_ids)
    households = Household.objects.filter(pk__in=wanted).select_related("village").in_bulk()
    payees = {p.household_id: p for p in Payee.objects.filter(household_id__in=wanted)}

    def row(h: int) -> HouseholdBalance:
        return HouseholdBalance(households[h], merged[h], payees.get(h), h in monitored)

    return TeamSettlement(
        owed=sum((b.owed for b in merged.values()), ZERO),
        paid=sum((b.paid for b in merged.values()), ZERO),
        balance=sum((b.balance for b in merged.values()), ZERO),
        households_owed=len(open_ids),
        overdue_monitored=[row(h) for h in overdue_ids],
        rows=[row(h) for h in shown],
    )


def paid_out_share(*, ledger_rows) -> Decimal:
    """Of the household income in these ledger rows, how much households have been paid.

    For each household and seller the rows reach, the confirmed payouts are
    shared over what the seller owes the household in proportion: the rows'
    household income × min(1, paid ÷ owed), to the fen. Buyers' figures read
    this with the rows of their own purchases; it names no household.
    """
    per_key = {
        (h, p): income
        for h, p, income in ledger_rows.values_list("household_id", "lot__stock_record__partner_id")
        .annotate(income=Sum("household_income"))
        .order_by()
        if income
    }
    if not per_key:
        return ZERO
    terms = TermsMap.load()
    households = {h for h, _ in per_key}
    sellers = {terms.seller_of_partner[p] for _, p in per_key}
    scope = {"seller_ids": sellers, "household_ids": households}
    owed = owed_totals(terms=terms, **scope)
    paid = paid_totals(**scope)
    total = ZERO
    for (h, partner_id), income in per_key.items():
        key = (h, terms.seller_of_partner[partner_id])
        owed_here, paid_here = owed.get(key, ZERO), paid.get(key, ZERO)
        if owed_here <= 0 or paid_here <= 0 or income <= 0:
            continue
        share = min(Decimal(1), paid_here / owed_here)
        total += (income * share).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return total
