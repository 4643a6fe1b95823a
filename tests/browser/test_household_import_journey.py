"""The work team imports the town's household list and confirms it."""

import datetime
from pathlib import Path

import pytest
from oscar.test.factories import UserFactory

from demo.personal_data import demo_id_number
from farmers.models import Household
from shop.roles import WORK_TEAM, role_assign
from testing.factories import VillageFactory
from tests.sheets.builders import xlsx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
HEADER = [
    "序号",
    "农户编号",
    "户主姓名",
    "所在村",
    "家庭人口",
    "监测类别",
    "纳入监测日期",
    "联系电话",
    "身份证号",
]


def test_team_imports_the_household_list(page, live_server, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "exports": {
            "BACKEND": "farmers.team_dashboard.storage.PrivateFileStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
    VillageFactory(name="上坪村")
    VillageFactory(name="沙坪村")
    user = UserFactory(is_staff=True, email="team-import@taibao.example")
    user.set_password("import-list-2026")
    user.save()
    role_assign(user=user, role=WORK_TEAM)
    sheet = tmp_path / "花名册.xlsx"
    id_a = demo_id_number(datetime.date(1968, 2, 3), 456)
    sheet.write_bytes(
        xlsx(
            (
                "花名册",
                [
                    ["太保镇农户花名册（2026年12月）"],
                    HEADER,
                    [
                        1,
                        "TB-SP-101",
                        "邓国强",
                        "上坪村",
                        4,
                        "边缘易致贫户",
                        "2026年3月1日",
                        "13712345678",
                        id_a,
                    ],
                    [2, "TB-SHP-201", "黄美玲", "沙坪村", 3, "", None, "", ""],
                    ["制表人：李红"],
                ],
            ),
            merged=["A1:I1"],
        )
    )
    SHOTS.mkdir(parents=True, exist_ok=True)

    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_login-username", "team-import@taibao.example")
    page.fill("#id_login-password", "import-list-2026")
    page.click("button[name=login_submit]")
    page.wait_for_load_state()
    page.goto(live_server.url + "/dashboard/households/")
    page.click("#household_import_link")
    page.wait_for_url("**/households/import/")
    page.set_input_files("input[name=sheet]", str(sheet))
    page.click("form[enctype] button[type=submit]")
    page.wait_for_load_state()
    preview = page.locator(".farm-import-preview").inner_text()
    assert "2" in preview and id_a not in page.content()
    assert "序号" in page.locator(".farm-sheet-ignored").inner_text()
    page.screenshot(path=str(SHOTS / "household-import-preview-1280.png"), full_page=True)
    page.set_viewport_size({"width": 375, "height": 800})
    page.screenshot(path=str(SHOTS / "household-import-preview-375.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.click("#household_import_commit")
    page.wait_for_url("**/dashboard/households/")
    assert Household.objects.count() == 2
    assert "13712345678" not in page.content()
