"""The work team imports the town's household list: all rows or none, updates by code, no-op twice."""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from oscar.test.factories import UserFactory

from demo.personal_data import demo_id_number
from farmers.crypto import field_decrypt
from farmers.models import Household, MonitoringCategory
from farmers.services.household_import import (
    HouseholdSheetRejected,
    household_sheet_check,
    household_sheet_import,
)
from shop.roles import WORK_TEAM, role_assign
from testing.factories import HouseholdFactory, VillageFactory
from tests.sheets.builders import xlsx

pytestmark = pytest.mark.usefixtures("frozen")

ID_A = demo_id_number(datetime.date(1968, 2, 3), 456)
ID_B = demo_id_number(datetime.date(1975, 7, 9), 123)
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


@pytest.fixture
def frozen():
    with time_machine.travel(datetime.datetime(2026, 12, 2, 9, 0, tzinfo=datetime.UTC)):
        yield


@pytest.fixture
def villages(db):
    return VillageFactory(name="上坪村"), VillageFactory(name="沙坪村")


def register_list(*rows, title=True) -> bytes:
    body = [["太保镇防返贫监测户花名册（2026年12月）"]] if title else []
    return xlsx(("花名册", [*body, HEADER, *rows, ["合计", None, None, None, None]]))


ROW_A = [1, "TB-SP-101", "邓国强", "上坪村", 4, "边缘易致贫户", "2026年3月1日", "13712345678", ID_A]
ROW_B = [2, "TB-SHP-201", "黄美玲", "沙坪村", 3, "", None, "", ID_B]


def state():
    return [
        (
            h.code,
            h.head_name,
            h.village.name,
            h.members_count,
            h.id_number_digest,
            h.phone_encrypted and field_decrypt(h.phone_encrypted),
            [(p.category, p.started_on, p.ended_on) for p in h.monitoring_periods.order_by("pk")],
            h.updated_at,
        )
        for h in Household.objects.order_by("code")
    ]


def test_the_town_list_registers_every_household_with_its_personal_data_encrypted(villages):
    content = register_list(ROW_A, ROW_B)
    preview = household_sheet_check(file_name="花名册.xlsx", content=content)
    assert preview.ok and preview.created == ["TB-SP-101", "TB-SHP-201"]
    assert preview.header_row == 2 and preview.ignored == ["序号"]
    assert Household.objects.count() == 0  # the preview keeps nothing
    household_sheet_import(file_name="花名册.xlsx", content=content)
    a = Household.objects.get(code="TB-SP-101")
    assert (a.head_name, a.village.name, a.members_count) == ("邓国强", "上坪村", 4)
    assert ID_A not in a.id_number_encrypted and field_decrypt(a.id_number_encrypted) == ID_A
    assert a.phone_masked == "137****5678"
    assert [(p.category, p.started_on) for p in a.monitoring_periods.all()] == [
        (MonitoringCategory.MARGINAL_AT_RISK, datetime.date(2026, 3, 1))
    ]
    assert not Household.objects.get(code="TB-SHP-201").monitoring_periods.exists()


def test_the_same_list_twice_changes_nothing(villages):
    content = register_list(ROW_A, ROW_B)
    household_sheet_import(file_name="a.xlsx", content=content)
    before = state()
    again = household_sheet_import(file_name="a.xlsx", content=content)
    assert again.unchanged == ["TB-SP-101", "TB-SHP-201"] and not again.updated
    assert state() == before


def test_a_changed_row_updates_that_household_by_its_code(villages):
    household_sheet_import(file_name="a.xlsx", content=register_list(ROW_A, ROW_B))
    moved = [*ROW_A]
    moved[4], moved[5], moved[6], moved[7] = 5, "突发严重困难户", "2026-11-01", ""
    check = household_sheet_import(file_name="b.xlsx", content=register_list(moved, ROW_B))
    assert check.updated == ["TB-SP-101"] and check.unchanged == ["TB-SHP-201"]
    a = Household.objects.get(code="TB-SP-101")
    assert a.members_count == 5
    assert field_decrypt(a.phone_encrypted) == "13712345678"  # an empty cell keeps the phone
    assert [
        (p.category, p.started_on, p.ended_on) for p in a.monitoring_periods.order_by("pk")
    ] == [
        (
            MonitoringCategory.MARGINAL_AT_RISK,
            datetime.date(2026, 3, 1),
            datetime.date(2026, 11, 1),
        ),
        (MonitoringCategory.SUDDEN_HARDSHIP, datetime.date(2026, 11, 1), None),
    ]


def test_every_bad_row_is_named_and_nothing_is_kept(villages):
    HouseholdFactory(code="TB-OLD-1")
    before = state()
    bad_id = ID_A[:-1] + ("0" if ID_A[-1] != "0" else "1")
    rows = [
        ROW_A,
        [2, "TB-X-2", "", "上坪村", 2, "", None, "", ""],
        [3, "TB-X-3", "莫春花", "火星村", 2, "", None, "", ""],
        [4, "TB-X-4", "欧阳亮", "沙坪村", 2, "", None, "", bad_id],
        [5, "TB-X-5", "李四", "沙坪村", 2, "边缘易致贫户", None, "123", ""],
        [6, "TB-X-6", "王五", "沙坪村", 2, "穷", "2026-01-01", "", ""],
        [7, "TB-SP-101", "邓国强", "上坪村", 4, "", None, "", ""],
        [8, "TB-X-8", "赵六", "沙坪村", "=1+1", "", None, "", ""],
    ]
    check = household_sheet_check(file_name="bad.xlsx", content=register_list(*rows))
    text = "\n".join(error.message for error in check.errors)
    for fragment in (
        "第4行「户主姓名」: 不能为空 / Row 4, head of household: is required",
        "第5行「所在村」: 没有名为「火星村」的村 / Row 5, village: no village called '火星村'",
        "第6行「身份证号」",
        "Row 6, ID number",
        "第7行「纳入监测日期」",
        "第7行「联系电话」",
        "Row 8, monitoring category: must be",
        "第9行「农户编号」: 与第3行重复 / Row 9, household code: duplicates row 3",
        "Row 10, members: formulas are not accepted",
    ):
        assert fragment in text, text
    with pytest.raises(HouseholdSheetRejected):
        household_sheet_import(file_name="bad.xlsx", content=register_list(*rows))
    assert state() == before


def test_the_team_previews_and_commits_through_the_dashboard(client, villages, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "exports": {
            "BACKEND": "farmers.team_dashboard.storage.PrivateFileStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
    user = UserFactory(is_staff=True)
    role_assign(user=user, role=WORK_TEAM)
    client.force_login(user)
    upload = SimpleUploadedFile("花名册.xlsx", register_list(ROW_A, ROW_B))
    response = client.post("/dashboard/households/import/", {"sheet": upload})
    body = response.content.decode()
    assert response.status_code == 200 and "farm-import-preview" in body
    assert ID_A not in body and "13712345678" not in body
    assert Household.objects.count() == 0
    response = client.post(
        "/dashboard/households/import/commit/",
        {"sha256": response.context["check"].sha256, "file_name": "花名册.xlsx"},
    )
    assert response.status_code == 302 and Household.objects.count() == 2
    assert not any((tmp_path / "private").rglob("*.*")) and not [
        p for p in (tmp_path / "private").rglob("*") if p.is_file()
    ]


def test_seller_staff_and_buyers_cannot_open_the_import(client, villages):
    user = UserFactory(is_staff=False)
    client.force_login(user)
    response = client.get("/dashboard/households/import/")
    assert response.status_code in (302, 403)
    staff_without_rights = UserFactory(is_staff=True)
    client.force_login(staff_without_rights)
    response = client.post(
        "/dashboard/households/import/",
        {"sheet": SimpleUploadedFile("a.xlsx", register_list(ROW_A))},
    )
    assert response.status_code in (302, 403) and Household.objects.count() == 0
