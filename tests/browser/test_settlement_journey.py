"""A payout run: the seller pays every balance through the bank, the team sees them cleared."""

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from stdnum import luhn

from farmers.models import Household, PayoutLine, Seller
from farmers.reports.settlement import balances
from farmers.services.settlement import payee_set

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
PHONE = {"width": 375, "height": 812}


def card(n: int) -> str:
    body = f"62284800000{n:07d}"
    return body + luhn.calc_check_digit(body)


def log_in(page, url, email, password):
    page.goto(url + "/accounts/login/")
    page.fill("#id_login-username", email)
    page.fill("#id_login-password", password)
    page.click("button[name=login_submit]")
    page.wait_for_load_state()


def test_seller_pays_through_the_bank_file_and_the_team_sees_balances_cleared(
    browser, live_server, settings, tmp_path
):
    from demo.world import demo_world_load

    settings.MEDIA_ROOT = tmp_path / "media"
    SHOTS.mkdir(parents=True, exist_ok=True)
    demo_world_load()
    fengle = Seller.objects.get(partner__name="丰乐蔬菜种植农民专业合作社")
    staff = get_user_model().objects.get(username="seller@fengle.example")
    for household in Household.objects.filter(memberships__seller=fengle):
        payee_set(
            household=household,
            method="bank",
            bank_name="中国农业银行连山支行",
            account=card(household.pk),
            changed_by=staff,
        )
    owed = {r.household_id: r.balance for r in balances(seller_ids=[fengle.pk]) if r.balance > 0}
    assert owed, "the demo world's lots are owed to 丰乐's households"

    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log_in(page, live_server.url, "seller@fengle.example", settings.TAIBAO_DEMO_PASSWORD)
    page.goto(live_server.url + "/dashboard/seller/settlement/")
    page.wait_for_selector(".farm-balances")
    page.screenshot(path=str(SHOTS / "settlement-seller-1280.png"), full_page=True)
    page.click("button.farm-batch-all")
    page.wait_for_url("**/batches/*/")
    with page.expect_download() as download:
        page.click("a.farm-bank-csv")
    bank = Path(download.value.path()).read_bytes().decode("utf-8-sig").splitlines()
    assert bank[0] == "序号,收款人,账号,开户行,金额,用途"
    assert len(bank) - 1 == len(owed)
    result = ["账号,金额,状态,银行流水号"] + [
        f"{row.split(',')[2]},{row.split(',')[4]},成功,ABC{n:04d}" for n, row in enumerate(bank[1:])
    ]
    result_file = tmp_path / "bank-result.csv"
    result_file.write_bytes("\n".join(result).encode("gbk"))
    page.set_input_files("input[name=result]", str(result_file))
    page.click("button.farm-result-upload")
    page.wait_for_load_state()
    assert "已付款" in page.locator(".farm-lines").inner_text() or "paid" in page.content()
    page.screenshot(path=str(SHOTS / "settlement-batch-1280.png"), full_page=True)
    assert set(PayoutLine.objects.values_list("status", flat=True)) == {"confirmed"}
    context.close()

    team_context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    team = team_context.new_page()
    log_in(team, live_server.url, "team@taibao.example", settings.TAIBAO_DEMO_PASSWORD)
    team.goto(live_server.url + "/dashboard/team/settlement/")
    team.wait_for_selector(".team-balances")
    listed = team.locator(".team-balances tbody tr[data-household]").evaluate_all(
        "rows => rows.map(r => r.dataset.household)"
    )
    still_owed = {r.household_id for r in balances() if r.balance > 0}  # by other sellers
    codes = dict(Household.objects.values_list("pk", "code"))
    assert set(listed) == {codes[h] for h in still_owed}
    cleared = {codes[h] for h in set(owed) - still_owed}
    assert cleared and not cleared & set(listed)  # 丰乐's households: nothing unpaid
    team.screenshot(path=str(SHOTS / "settlement-team-1280.png"), full_page=True)
    team.set_viewport_size(PHONE)
    team.reload()
    team.screenshot(path=str(SHOTS / "settlement-team-375.png"), full_page=True)
    team_context.close()
    assert all(r.balance == 0 for r in balances(seller_ids=[fengle.pk]))
