"""农户结算: owed under 收购 and 代销, payee details, payout batches and their proof."""

import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from oscar.test.factories import UserFactory
from PIL import Image

from farmers.errors import SettlementError
from farmers.models import (
    LotDisposal,
    Payee,
    PayeeChange,
    PayoutBatch,
    PayoutLine,
    PayoutReversal,
    PersonalDataReveal,
    SettlementTerms,
)
from farmers.reports.settlement import balances
from farmers.services.attribution import order_attribution_reverse
from farmers.services.payouts import (
    payout_bank_file,
    payout_batch_create,
    payout_line_confirm,
    payout_line_confirm_cash,
    payout_line_fail,
    payout_line_reverse,
    payout_result_apply,
)
from farmers.services.settlement import (
    lot_unsold_dispose,
    payee_account_reveal,
    payee_set,
    settlement_terms_set,
)
from tests.farmers.settlement_world import CARDS, receive, sell, seller_staff, with_payees

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "exports": {
            "BACKEND": "farmers.team_dashboard.storage.PrivateFileStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }


@pytest.fixture
def staff(supply):
    user = seller_staff(supply.seller)
    with_payees(supply.households, user)
    return user


def owed(supply):
    return {
        (r.household_id, r.seller_id): (r.owed, r.paid, r.balance)
        for r in balances(seller_ids=[supply.seller.pk])
    }


def consignment(supply):
    """代销 since the start of the year (rows dated in the past are written directly)."""
    SettlementTerms.objects.create(
        seller=supply.seller, terms="consignment", effective_from=datetime.date(2026, 1, 1)
    )


# --- what is owed ------------------------------------------------------------------


def test_bought_at_intake_the_household_is_owed_the_lot_from_its_intake(supply):
    a, b, _c = supply.households
    receive(supply, a, 10, "100.00")
    receive(supply, b, 5, "62.50")
    assert owed(supply) == {
        (a.pk, supply.seller.pk): (Decimal("100.00"), 0, Decimal("100.00")),
        (b.pk, supply.seller.pk): (Decimal("62.50"), 0, Decimal("62.50")),
    }


def test_on_consignment_only_paid_units_are_owed_and_reversals_take_them_back(supply):
    consignment(supply)
    a = supply.households[0]
    receive(supply, a, 10, "100.00")
    assert owed(supply) == {}
    order = sell(supply, 4)
    assert owed(supply)[(a.pk, supply.seller.pk)][0] == Decimal("40.00")
    order_attribution_reverse(
        order_id=order.pk, cause="refund:1", line_units={order.lines.get().pk: 1}
    )
    assert owed(supply)[(a.pk, supply.seller.pk)][0] == Decimal("30.00")


def test_a_product_override_wins_over_the_sellers_terms(supply):
    SettlementTerms.objects.create(
        seller=supply.seller, terms="purchase", effective_from=datetime.date(2026, 1, 1)
    )
    SettlementTerms.objects.create(
        seller=supply.seller,
        stock_record=supply.stock_record,
        terms="consignment",
        effective_from=datetime.date(2026, 6, 1),
    )
    a = supply.households[0]
    receive(supply, a, 10, "100.00", day=datetime.date(2026, 5, 1))  # before the override
    receive(supply, a, 10, "200.00", day=datetime.date(2026, 7, 1))  # on consignment
    assert owed(supply)[(a.pk, supply.seller.pk)][0] == Decimal("100.00")
    sell(supply, 15)  # 10 from the first lot (already owed), 5 from the second
    assert owed(supply)[(a.pk, supply.seller.pk)][0] == Decimal("200.00")


def test_terms_cannot_be_changed_for_days_already_past(supply):
    with pytest.raises(SettlementError) as refused:
        settlement_terms_set(
            seller=supply.seller, terms="consignment", effective_from=datetime.date(2026, 11, 1)
        )
    assert "生效日期" in refused.value.message and "Effective from" in refused.value.message
    assert not SettlementTerms.objects.exists()
    settlement_terms_set(seller=supply.seller, terms="consignment")
    assert SettlementTerms.objects.get().effective_from == datetime.date(2026, 11, 20)


def test_unsold_units_returned_or_written_off_are_recorded_and_not_owed(supply):
    settlement_terms_set(seller=supply.seller, terms="consignment")
    a = supply.households[0]
    lot = receive(supply, a, 10, "100.00", day=datetime.date(2026, 11, 20))
    sell(supply, 3)
    lot_unsold_dispose(lot=lot, units=5, disposition="returned", note="霉变前退回")
    lot_unsold_dispose(lot=lot, units=2, disposition="written_off")
    lot.refresh_from_db()
    assert lot.units_remaining == 3  # the 3 sold wait for shipping
    assert list(LotDisposal.objects.order_by("pk").values_list("disposition", "units")) == [
        ("returned", 5),
        ("written_off", 2),
    ]
    assert owed(supply)[(a.pk, supply.seller.pk)][0] == Decimal("30.00")


def test_the_age_of_the_oldest_unpaid_fen(supply, staff):
    a = supply.households[0]
    receive(supply, a, 10, "100.00", day=datetime.date(2026, 9, 1))
    receive(supply, a, 10, "50.00", day=datetime.date(2026, 10, 1))
    (row,) = balances(seller_ids=[supply.seller.pk], with_age=True)
    assert row.oldest_unpaid == datetime.date(2026, 9, 1)
    assert row.age_days(datetime.date(2026, 11, 20)) == 80
    batch = payout_batch_create(seller=supply.seller, created_by=staff).batch
    line = batch.lines.get()
    payout_line_confirm(line=line, reference="B1", settled_by=staff)
    receive(supply, a, 1, "5.00", day=datetime.date(2026, 11, 10))
    (row,) = balances(seller_ids=[supply.seller.pk], with_age=True)
    assert (row.balance, row.oldest_unpaid) == (Decimal("5.00"), datetime.date(2026, 11, 10))


# --- payee details -------------------------------------------------------------------


def test_payee_accounts_are_validated_encrypted_masked_and_every_change_logged(supply):
    user = UserFactory()
    a = supply.households[0]
    with pytest.raises(SettlementError) as refused:
        payee_set(
            household=a,
            method="bank",
            bank_name="农行",
            account="6217000000000000005",
            changed_by=user,
        )
    assert "校验位" in refused.value.message and "check digit" in refused.value.message
    assert not Payee.objects.exists() and not PayeeChange.objects.exists()
    payee_set(
        household=a,
        method="bank",
        bank_name="农行连山支行",
        account="6217 0000 0000 0000 004",
        changed_by=user,
    )
    payee = Payee.objects.get()
    assert payee.account_masked == "6217 **** **** 0004"
    assert "6217000000000000004" not in payee.account_encrypted
    payee_set(household=a, method="wechat", account="13812345678", changed_by=user)
    changes = list(
        PayeeChange.objects.order_by("pk").values_list("old_value", "new_value", "changed_by")
    )
    assert changes[0][0] == "" and "6217 **** **** 0004" in changes[0][1]
    assert "6217 **** **** 0004" in changes[1][0] and "138****5678" in changes[1][1]
    assert all(c[2] == user.pk for c in changes)


def test_revealing_an_account_needs_the_permission_and_is_audited(supply, staff):
    a = supply.households[0]
    with pytest.raises(PermissionDenied):
        payee_account_reveal(household=a, reason="核对", user=staff)
    assert not PersonalDataReveal.objects.exists()
    team = UserFactory(is_staff=True, is_superuser=True)
    assert payee_account_reveal(household=a, reason="银行退回，核对卡号", user=team) == CARDS[0]
    reveal = PersonalDataReveal.objects.get()
    assert (reveal.field, reveal.revealed_by) == ("payee_account", team)


# --- batches -----------------------------------------------------------------------


def test_a_batch_pays_each_balance_and_a_household_is_in_one_open_batch(supply, staff):
    a, b, c = supply.households
    receive(supply, a, 10, "100.00")
    receive(supply, b, 3, "33.33")
    created = payout_batch_create(seller=supply.seller, created_by=staff)
    assert created.lines == 2 and created.total == Decimal("133.33")
    assert list(created.batch.lines.values_list("household_id", "amount", "account_masked")) == [
        (a.pk, Decimal("100.00"), "6217 **** **** 0004"),
        (b.pk, Decimal("33.33"), "6228 **** **** 0000"),
    ]
    receive(supply, a, 1, "1.00")
    receive(supply, c, 1, "7.00")
    second = payout_batch_create(seller=supply.seller, created_by=staff)
    assert [line.household_id for line in second.batch.lines.all()] == [c.pk]
    with pytest.raises(SettlementError) as refused:
        payout_batch_create(seller=supply.seller, household_ids=[a.pk], created_by=staff)
    assert a.code in refused.value.message and "open batch" in refused.value.message
    assert PayoutBatch.objects.count() == 2


def test_confirmed_failed_and_reversed_lines_move_the_balance_as_they_should(supply, staff):
    a, b, _c = supply.households
    receive(supply, a, 10, "100.00")
    receive(supply, b, 10, "80.00")
    batch = payout_batch_create(seller=supply.seller, created_by=staff).batch
    line_a, line_b = batch.lines.order_by("position")
    payout_line_confirm(line=line_a, reference="ABC123", settled_by=staff)
    payout_line_fail(line=line_b, reason="账户已销户", settled_by=staff)
    batch.refresh_from_db()
    assert batch.closed_at is not None
    state = owed(supply)
    assert state[(a.pk, supply.seller.pk)] == (Decimal("100.00"), Decimal("100.00"), 0)
    assert state[(b.pk, supply.seller.pk)] == (Decimal("80.00"), 0, Decimal("80.00"))
    with pytest.raises(SettlementError) as refused:
        payout_line_fail(line=line_a, reason="x", settled_by=staff)
    assert "reversed" in refused.value.message
    line_a.refresh_from_db()
    assert (line_a.status, line_a.reference) == ("confirmed", "ABC123")
    payout_line_reverse(line=line_a, reason="银行退回", reversed_by=staff)
    assert owed(supply)[(a.pk, supply.seller.pk)] == (Decimal("100.00"), 0, Decimal("100.00"))
    line_a.refresh_from_db()
    assert line_a.status == "confirmed"  # never edited: the reversal is a new entry
    with pytest.raises(SettlementError):
        payout_line_reverse(line=line_a, reason="again", reversed_by=staff)
    assert PayoutReversal.objects.count() == 1


def test_negative_or_zero_balances_are_not_paid(supply, staff):
    settlement_terms_set(seller=supply.seller, terms="consignment")
    with pytest.raises(SettlementError) as refused:
        payout_batch_create(seller=supply.seller, created_by=staff)
    assert "Nothing to pay" in refused.value.message
    assert not PayoutBatch.objects.exists()


# --- files ---------------------------------------------------------------------------


def paid_batch(supply, staff):
    a, b, _c = supply.households
    receive(supply, a, 10, "100.00")
    receive(supply, b, 10, "80.50")
    return payout_batch_create(seller=supply.seller, created_by=staff, purpose="11月货款").batch


def test_the_bank_file_has_the_documented_columns_in_csv_and_xlsx(supply, staff):
    Payee.objects.filter(household=supply.households[1]).update(holder_name="=HYPERLINK(1)")
    batch = paid_batch(supply, staff)
    _name, _type, content = payout_bank_file(batch=batch, file_format="csv", user=staff)
    text = content.decode("utf-8-sig").splitlines()
    assert text[0] == "序号,收款人,账号,开户行,金额,用途"
    assert (
        text[1]
        == f"1,{supply.households[0].head_name},{CARDS[0]},中国农业银行连山支行,100.00,11月货款"
    )
    assert text[2].startswith("2,'=HYPERLINK(1)," + CARDS[1])
    _name, _type, content = payout_bank_file(batch=batch, file_format="xlsx", user=staff)
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("序号", "收款人", "账号", "开户行", "金额", "用途")
    assert rows[1][2] == CARDS[0] and rows[1][4] == 100
    assert batch.downloads.count() == 2


def result_csv(*rows) -> bytes:
    lines = ["账号,金额,状态,银行流水号,失败原因", *(",".join(r) for r in rows)]
    return "\n".join(lines).encode("gbk")


def test_the_banks_result_file_confirms_and_fails_lines_and_lists_the_rest(supply, staff):
    a, b, c = supply.households
    receive(supply, c, 1, "9.00")
    batch = paid_batch(supply, staff)
    applied = payout_result_apply(
        batch=batch,
        file_name="result.csv",
        content=result_csv(
            (CARDS[0], "100.00", "成功", "R-1", ""), (CARDS[1], "80.50", "失败", "", "户名不符")
        ),
        settled_by=staff,
    )
    assert (applied.confirmed, applied.failed) == (1, 1)
    assert [line.household_id for line in applied.unmatched] == [c.pk]
    lines = {line.household_id: line for line in batch.lines.all()}
    assert (lines[a.pk].status, lines[a.pk].reference) == ("confirmed", "R-1")
    assert (lines[b.pk].status, lines[b.pk].failure_reason) == ("failed", "户名不符")


@pytest.mark.parametrize(
    ("rows", "said"),
    [
        (((CARDS[2], "100.00", "成功", "R", ""),), "Row 2, account"),
        (((CARDS[0], "99.99", "成功", "R", ""),), "Row 2, amount: 99.99"),
        (
            ((CARDS[0], "100.00", "成功", "R", ""), (CARDS[0], "100.00", "成功", "R", "")),
            "Row 3: repeats row 2",
        ),
        (((CARDS[0], "-100.00", "成功", "R", ""),), "above zero"),
        (((CARDS[0], "100.00", "成功", "", ""),), "Row 2, reference"),
    ],
    ids=["unknown-account", "wrong-amount", "duplicated-line", "negative-amount", "no-reference"],
)
def test_a_bad_result_file_is_refused_whole_naming_the_rows(supply, staff, rows, said):
    batch = paid_batch(supply, staff)
    good = (CARDS[1], "80.50", "成功", "R-2", "")
    with pytest.raises(SettlementError) as refused:
        payout_result_apply(
            batch=batch, file_name="r.csv", content=result_csv(*rows, good), settled_by=staff
        )
    assert any(said in problem for problem in refused.value.problems), refused.value.problems
    assert all(" / " in problem for problem in refused.value.problems)  # Chinese and English
    assert set(batch.lines.values_list("status", flat=True)) == {"pending"}


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(out, format="PNG")
    return out.getvalue()


def test_cash_needs_a_photo_of_the_signed_receipt(supply, staff):
    Payee.objects.filter(household=supply.households[0]).update(
        method="cash", account_encrypted="", account_masked=""
    )
    receive(supply, supply.households[0], 10, "100.00")
    line = payout_batch_create(seller=supply.seller, created_by=staff).batch.lines.get()
    with pytest.raises(SettlementError) as refused:
        payout_line_confirm(line=line, reference="x", settled_by=staff)
    assert "receipt" in refused.value.message
    for fake in (b"%PDF-1.4 not a photo", b"GIF89a" + b"\0" * 20, b""):
        with pytest.raises(SettlementError) as refused:
            payout_line_confirm_cash(
                line=line, receipt=SimpleUploadedFile("r.jpg", fake), settled_by=staff
            )
        assert (
            "收据须为照片" in refused.value.message and "must be a photo" in refused.value.message
        )
    line.refresh_from_db()
    assert line.status == "pending" and not line.receipt
    payout_line_confirm_cash(
        line=line, receipt=SimpleUploadedFile("r.png", png_bytes()), settled_by=staff
    )
    line.refresh_from_db()
    assert line.status == "confirmed" and line.receipt.name.endswith(".png")
    assert PayoutLine.objects.get().status == "confirmed"


def test_the_slip_pdf_escapes_every_value_put_into_its_paragraphs():
    from farmers.reports.slip_pdf import slip_pdf

    nasty = "<b>黄&石生</i>"
    figures = {
        "household": nasty,
        "household_code": nasty,
        "village": nasty,
        "seller": nasty,
        "period_from": "2026-11-01",
        "period_to": "2026-11-20",
        "lots": [
            {
                "date": "2026-11-01",
                "product": nasty,
                "trace_code": nasty,
                "units": 1,
                "amount": "1.00",
                "terms": "purchase",
            }
        ],
        "units_sold": 1,
        "opening_balance": "0.00",
        "owed": {"purchase": "1.00", "consignment": "0.00", "surplus": "0.00", "total": "1.00"},
        "payments": [
            {
                "date": "2026-11-02",
                "method": nasty,
                "account": nasty,
                "reference": nasty,
                "amount": "1.00",
            }
        ],
        "paid": "1.00",
        "balance": "0.00",
    }
    assert slip_pdf(
        figures=figures, verification_code="<&>", verify_url="https://x/?a=1&b=<2>"
    ).startswith(b"%PDF")


def test_a_batch_can_pay_only_what_was_owed_by_a_cut_off_day(supply, staff):
    a = supply.households[0]
    receive(supply, a, 10, "100.00", day=datetime.date(2026, 10, 15))
    receive(supply, a, 10, "40.00", day=datetime.date(2026, 11, 5))
    created = payout_batch_create(
        seller=supply.seller, created_by=staff, owed_until=datetime.date(2026, 10, 31)
    )
    assert created.total == Decimal("100.00")
    payout_line_confirm(line=created.batch.lines.get(), reference="OCT", settled_by=staff)
    assert owed(supply)[(a.pk, supply.seller.pk)] == (
        Decimal("140.00"),
        Decimal("100.00"),
        Decimal("40.00"),
    )
    with pytest.raises(SettlementError):
        payout_batch_create(
            seller=supply.seller, created_by=staff, owed_until=datetime.date(2026, 12, 1)
        )


def test_the_registers_audited_reveal_shows_the_payee_account_not_the_phone(client, supply, staff):
    from django.urls import reverse

    from farmers.services.households import household_personal_data_set

    a = supply.households[0]
    household_personal_data_set(household=a, phone="13812345678")
    team = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(team)
    url = reverse("household-register:register-household-reveal", kwargs={"pk": a.pk})
    response = client.post(url, {"field": "payee_account", "reason": "银行退回，核对卡号"})
    text = response.content.decode()
    assert CARDS[0] in text and "13812345678" not in text
    assert PersonalDataReveal.objects.get().field == "payee_account"
