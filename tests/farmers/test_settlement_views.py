"""The settlement pages: a seller's own households and batches only; the team sees everything."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from oscar.test.factories import UserFactory

from farmers.models import (
    Attribution,
    PayoutBatch,
    PayoutLine,
    SettlementSlip,
    SurplusReturn,
)
from farmers.reports.ledger import ReportFilters, ledger_rows
from farmers.reports.settlement import paid_out_share
from farmers.services.payouts import payout_batch_create, payout_line_confirm
from shop.roles import WORK_TEAM, role_assign
from testing.factories import MonitoringPeriodFactory
from tests.farmers.conftest import Supply
from tests.farmers.settlement_world import CARDS, receive, sell, seller_staff, with_payees

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def ours(db):
    supply = Supply()
    supply.user = seller_staff(supply.seller)
    with_payees(supply.households, supply.user)
    receive(supply, supply.households[0], 10, "100.00", day=datetime.date(2026, 9, 1))
    receive(supply, supply.households[1], 10, "80.50", day=datetime.date(2026, 11, 1))
    return supply


@pytest.fixture
def theirs(db):
    supply = Supply()
    supply.user = seller_staff(supply.seller)
    with_payees(supply.households, supply.user)
    receive(supply, supply.households[0], 10, "55.00")
    supply.batch = payout_batch_create(seller=supply.seller, created_by=supply.user).batch
    return supply


@pytest.fixture
def team_member(db):
    user = UserFactory(is_staff=True)
    role_assign(user=user, role=WORK_TEAM)
    return user


def url(name, **kwargs):
    return reverse(f"seller-dashboard:{name}", kwargs=kwargs)


def test_seller_staff_see_their_households_balances_and_not_another_sellers(client, ours, theirs):
    client.force_login(ours.user)
    page = client.get(url("seller-settlement", pk=ours.seller.pk))
    assert page.status_code == 200
    text = page.content.decode()
    assert "¥100.00" in text and "6217 **** **** 0004" in text and CARDS[0] not in text
    assert client.get(url("seller-settlement", pk=theirs.seller.pk)).status_code == 404
    batch = url("seller-batch", pk=theirs.seller.pk, batch_pk=theirs.batch.pk)
    assert client.get(batch).status_code == 404
    # Their batch through our seller's URL is no better.
    assert (
        client.get(url("seller-batch", pk=ours.seller.pk, batch_pk=theirs.batch.pk)).status_code
        == 404
    )
    line = theirs.batch.lines.get()
    action = url(
        "seller-line-action",
        pk=ours.seller.pk,
        batch_pk=theirs.batch.pk,
        line_pk=line.pk,
        action="confirm",
    )
    assert client.post(action, {"reference": "X"}).status_code == 404
    bank = url("seller-bank-file", pk=theirs.seller.pk, batch_pk=theirs.batch.pk, file_format="csv")
    assert client.get(bank).status_code == 404
    payee = url("seller-payee", pk=ours.seller.pk, household_pk=theirs.households[0].pk)
    assert client.get(payee).status_code == 404
    line.refresh_from_db()
    assert line.status == "pending"


def test_the_seller_pays_all_balances_and_the_result_file_clears_them(client, ours):
    client.force_login(ours.user)
    response = client.post(
        url("seller-batch-create", pk=ours.seller.pk), {"scope": "all", "purpose": "11月货款"}
    )
    batch = PayoutBatch.objects.get(seller=ours.seller)
    assert response.url == url("seller-batch", pk=ours.seller.pk, batch_pk=batch.pk)
    csv = client.get(
        url("seller-bank-file", pk=ours.seller.pk, batch_pk=batch.pk, file_format="csv")
    )
    assert csv.status_code == 200 and CARDS[0] in csv.content.decode("utf-8-sig")
    result = "账号,金额,状态,银行流水号\n" + "\n".join(
        f"{line.split(',')[2]},{line.split(',')[4]},成功,R{n}"
        for n, line in enumerate(csv.content.decode("utf-8-sig").splitlines()[1:])
    )
    client.post(
        url("seller-batch-result", pk=ours.seller.pk, batch_pk=batch.pk),
        {"result": SimpleUploadedFile("result.csv", result.encode("gbk"))},
    )
    assert set(batch.lines.values_list("status", flat=True)) == {"confirmed"}
    page = client.get(url("seller-settlement", pk=ours.seller.pk)).content.decode()
    assert "<strong>¥0.00</strong>" in page


def test_a_receipt_that_is_not_an_image_is_refused_on_the_page(client, ours):
    from farmers.models import Payee

    Payee.objects.filter(household=ours.households[0]).update(
        method="cash", account_encrypted="", account_masked=""
    )
    batch = payout_batch_create(seller=ours.seller, created_by=ours.user).batch
    line = batch.lines.get(household=ours.households[0])
    client.force_login(ours.user)
    response = client.post(
        url(
            "seller-line-action",
            pk=ours.seller.pk,
            batch_pk=batch.pk,
            line_pk=line.pk,
            action="cash",
        ),
        {"receipt": SimpleUploadedFile("receipt.jpg", b"%PDF-1.7 pretending")},
        follow=True,
    )
    assert (
        "收据须为照片" in response.content.decode()
        and "must be a photo" in response.content.decode()
    )
    line.refresh_from_db()
    assert line.status == "pending"


def test_a_surplus_share_under_60_percent_is_refused_naming_the_law(client, ours):
    client.force_login(ours.user)
    response = client.post(
        url("seller-surplus-create", pk=ours.seller.pk),
        {"year": 2026, "distributable_surplus": "10000.00", "share_percent": "50"},
        follow=True,
    )
    text = response.content.decode()
    assert "第四十四条" in text and "Art. 44" in text
    assert not SurplusReturn.objects.exists()
    response = client.post(
        url("seller-surplus-create", pk=ours.seller.pk),
        {"year": 2026, "distributable_surplus": "-5.00", "share_percent": "60"},
        follow=True,
    )
    assert "cannot be negative" in response.content.decode()
    assert not SurplusReturn.objects.exists()
    client.post(
        url("seller-surplus-create", pk=ours.seller.pk),
        {"year": 2026, "distributable_surplus": "1000.00", "share_percent": "60"},
    )
    surplus = SurplusReturn.objects.get()
    assert surplus.amount == Decimal("600.00")
    assert sum(a.amount for a in surplus.allocations.all()) == Decimal("600.00")
    response = client.post(url("seller-surplus-confirm", pk=ours.seller.pk, surplus_pk=surplus.pk))
    batch = PayoutBatch.objects.get(kind="surplus")
    assert batch.lines.count() == 2 and sum(
        batch.lines.values_list("amount", flat=True)
    ) == Decimal("600.00")


def test_a_slip_prints_the_figures_escaped_and_its_code_verifies_them(client, ours):
    household = ours.households[0]
    household.head_name = "黄<b>石&生"
    household.save()
    line = payout_batch_create(
        seller=ours.seller, household_ids=[household.pk], created_by=ours.user
    ).batch.lines.get()
    payout_line_confirm(line=line, reference="BANK-77", settled_by=ours.user)
    client.force_login(ours.user)
    response = client.post(
        url("seller-slip-create", pk=ours.seller.pk),
        {"household": household.pk, "period_from": "2026-09-01", "period_to": "2026-11-20"},
    )
    slip = SettlementSlip.objects.get()
    pdf = client.get(response.url)
    assert pdf["Content-Type"] == "application/pdf"
    # An unescaped "<b>" without its end tag would stop ReportLab's paragraph parser.
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert slip.figures["household"] == "黄<b>石&生"
    assert slip.figures["payments"][0]["account"] == "6217 **** **** 0004"
    assert CARDS[0] not in str(slip.figures)
    verify = client.get(reverse("settlement-slip-verify", kwargs={"code": slip.verification_code}))
    page = verify.content.decode()
    assert verify.status_code == 200
    assert "¥100.00" in page and "BANK-77" in page and "黄&lt;b&gt;石&amp;生" in page
    assert (
        client.get(
            reverse("settlement-slip-verify", kwargs={"code": "AAAA-BBBB-CCCC-DDDD"})
        ).status_code
        == 404
    )


def test_the_team_sees_every_balance_and_overdue_monitored_households_flagged(
    client, ours, theirs, team_member, settings
):
    settings.TAIBAO_PAYOUT_OVERDUE_DAYS = 30
    MonitoringPeriodFactory(household=ours.households[0])  # owed since 2026-09-01: 80 days
    MonitoringPeriodFactory(household=ours.households[1])  # owed since 2026-11-01: 19 days
    client.force_login(team_member)
    page = client.get(reverse("team-dashboard:team-settlement")).content.decode()
    overdue = page.split("team-overdue")[1].split("</table>")[0]
    assert ours.households[0].code in overdue and ours.households[1].code not in overdue
    assert theirs.households[0].code in page  # another seller's household, in payment
    monitored = client.get(reverse("team-dashboard:team-monitored")).content.decode()
    assert "team-overdue-flag" in monitored and "1 户监测户待付超过 30 天" in monitored
    home = client.get(reverse("dashboard:index")).content.decode()
    assert "team-home-overdue" in home and ours.households[0].code in home
    # Seller staff never reach the team's page.
    client.force_login(ours.user)
    assert client.get(reverse("team-dashboard:team-settlement")).status_code in (302, 403)


def test_buyers_paid_out_figure_shares_confirmed_payouts_over_what_is_owed(ours):
    from farmers.models import SettlementTerms

    SettlementTerms.objects.create(
        seller=ours.seller, terms="consignment", effective_from=datetime.date(2026, 1, 1)
    )
    # Now on consignment: only sold units are owed. 10 units of the first lot at ¥10.
    order = sell(ours, 10)
    rows = ledger_rows(filters=ReportFilters()).filter(line__order=order)
    assert paid_out_share(ledger_rows=rows) == Decimal("0.00")
    line = payout_batch_create(seller=ours.seller, created_by=ours.user).batch.lines.get()
    assert line.amount == Decimal("100.00")
    payout_line_confirm(line=line, reference="R", settled_by=ours.user)
    assert paid_out_share(ledger_rows=rows) == Decimal("100.00")
    receive(ours, ours.households[0], 10, "100.00", day=datetime.date(2026, 10, 1))
    sell(ours, 10)  # another buyer, same household: owed doubles, paid stays, each order half paid
    assert Attribution.objects.count() == 2
    assert paid_out_share(ledger_rows=rows) == Decimal("50.00")
    assert PayoutLine.objects.count() == 1
