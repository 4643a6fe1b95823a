"""Downloads of the team's report tables: the page's rows and figures, safe cells, private files.

Figures are checked against what the lots and order lines say (worked out in
tests.farmers.test_team_world), and row for row against what the page shows.
"""

import csv
import datetime
import io
import os
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from oscar.test.factories import UserFactory

from farmers.models import Household
from farmers.reports.exports import (
    neutralise_cell,
    report_export_write,
    sales_params,
)
from farmers.reports.ledger import ReportFilters
from farmers.reports.monitored import monitored_households_income
from farmers.reports.sales import sales_report_page
from farmers.team_dashboard import services
from farmers.team_dashboard.models import ReportExport
from farmers.team_dashboard.tasks import report_export_run_task
from shop.models import EnterpriseMember
from shop.reports.pledges import pledges_progress
from shop.roles import WORK_TEAM, role_assign
from tests.farmers.test_team_world import build_world, expected_by_household, team_user

pytestmark = pytest.mark.django_db

CENT = Decimal("0.01")
HEADERS_ZH = {
    "household": [
        "农户",
        "户主",
        "村",
        "监测类别",
        "数量",
        "销售额",
        "农户收入",
        "订单",
        "最近销售",
    ],
    "village": ["村", "数量", "销售额", "农户收入", "订单", "农户", "最近销售"],
    "seller": ["商家", "数量", "销售额", "农户收入", "订单", "农户", "最近销售"],
    "product": ["商品", "数量", "销售额", "农户收入", "订单", "农户", "最近销售"],
    "enterprise": ["企业", "数量", "销售额", "农户收入", "订单", "农户", "最近销售"],
}


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
def world():
    return build_world()


@pytest.fixture
def member(client):
    user = team_user()
    client.force_login(user)
    return user


def other_member():
    user = UserFactory(is_staff=True, email="other-team@report.example")
    role_assign(user=user, role=WORK_TEAM)
    return user


def export_url(report: str) -> str:
    return reverse("team-dashboard:team-export", kwargs={"report": report})


def xlsx_rows(content: bytes) -> list[list]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]


def csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark, for Excel
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def money(value) -> Decimal:
    return Decimal(str(value)).quantize(CENT)


# --- neutralising cells ------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["=1+1", "+41", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd", '=HYPERLINK("http://x")']
)
def test_cells_starting_like_a_formula_get_an_apostrophe(text):
    assert neutralise_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["莲塘村", "a=b", "", " =x", "'=x", 12, Decimal("-3.50"), None])
def test_other_cells_are_kept_as_they_are(value):
    assert neutralise_cell(value) == value


# --- immediate downloads -------------------------------------------------------


@pytest.mark.parametrize("dimension", ["household", "village", "seller", "product", "enterprise"])
def test_xlsx_export_has_chinese_headers_and_the_pages_rows_and_figures(
    client, world, member, dimension
):
    page = client.get(reverse(f"team-dashboard:team-sales-{dimension}"))
    response = client.post(export_url(f"sales-{dimension}"), {"format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    header, *rows = xlsx_rows(response.content)
    assert header == HEADERS_ZH[dimension]
    shown = page.context["report"].rows
    assert len(rows) == len(shown) == page.context["report"].count
    units, sales, income = header.index("数量"), header.index("销售额"), header.index("农户收入")
    for got, want in zip(rows, shown, strict=True):
        assert got[units] == want["units"]
        assert isinstance(got[sales], float | int) and isinstance(got[income], float | int)
        assert money(got[sales]) == want["sales_amount"]
        assert money(got[income]) == want["household_income"]
        assert got[header.index("订单")] == want["orders"]
    # The same figures, independently: what the paid order lines add up to.
    total = sum(line.line_price_incl_tax for o in world.orders for line in o.lines.all())
    assert sum(money(r[sales]) for r in rows) == total
    assert sum(r[units] for r in rows) == sum(
        line.quantity for o in world.orders for line in o.lines.all()
    )


def test_household_export_matches_the_lots_and_lines(client, world, member):
    expected = expected_by_household(world)
    response = client.post(export_url("sales-household"), {"format": "xlsx"})
    _header, *rows = xlsx_rows(response.content)
    codes = {h.code: h for h in world.households}
    assert {r[0] for r in rows} == {h.code for h in world.households if h.pk in expected}
    for row in rows:
        household = codes[row[0]]
        want = expected[household.pk]
        assert row[1] == household.head_name and row[2] == household.village.name
        assert row[4] == want["units"]
        assert abs(money(row[5]) - want["sales"]) < CENT
        assert money(row[6]) == want["income"].quantize(CENT)
    monitored = next(r for r in rows if r[0] == world.households[2].code)
    assert monitored[3] == "脱贫不稳定户"


def test_csv_export_is_utf8_with_bom_chinese_headers_and_two_decimal_amounts(client, world, member):
    response = client.post(export_url("sales-village"), {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    header, *rows = csv_rows(response.content)
    assert header == HEADERS_ZH["village"]
    expected = expected_by_household(world)
    for village in world.villages:
        row = next(r for r in rows if r[0] == village.name)
        ids = [h.pk for h in world.households if h.village_id == village.pk and h.pk in expected]
        assert int(row[1]) == sum(expected[i]["units"] for i in ids)
        assert row[2] == f"{Decimal(row[2]):.2f}"  # two decimals, no currency sign
        assert abs(Decimal(row[2]) - sum(expected[i]["sales"] for i in ids)) < CENT


def test_export_follows_the_pages_filters_and_sort(client, world, member):
    query = f"?village={world.villages[0].pk}&sort=units&page=1"
    page = client.get(reverse("team-dashboard:team-sales-household") + query)
    response = client.post(export_url("sales-household") + query, {"format": "xlsx"})
    _header, *rows = xlsx_rows(response.content)
    assert [r[0] for r in rows] == [row["code"] for row in page.context["report"].rows]
    assert [r[4] for r in rows] == sorted(r[4] for r in rows)
    assert {r[2] for r in rows} == {world.villages[0].name}


def test_headers_follow_the_active_language(client, world, member):
    response = client.post(
        export_url("sales-product"), {"format": "csv"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    header, *_rows = csv_rows(response.content)
    assert header[:3] == ["Product", "Units", "Sales amount"]


def test_formula_like_names_are_neutralised_in_both_formats(client, world, member):
    household = world.households[0]
    Household.objects.filter(pk=household.pk).update(head_name='=HYPERLINK("http://evil")')
    line = world.orders[0].lines.first()
    type(line).objects.filter(product_id=line.product_id).update(title="@SUM(1+1)")
    _header, *rows = xlsx_rows(
        client.post(export_url("sales-household"), {"format": "xlsx"}).content
    )
    row = next(r for r in rows if r[0] == household.code)
    assert row[1] == '\'=HYPERLINK("http://evil")'
    book = openpyxl.load_workbook(
        io.BytesIO(client.post(export_url("sales-household"), {"format": "xlsx"}).content)
    )
    assert all(cell.data_type != "f" for r in book.worksheets[0].iter_rows() for cell in r)
    _header, *rows = csv_rows(client.post(export_url("sales-product"), {"format": "csv"}).content)
    assert "'@SUM(1+1)" in [r[0] for r in rows]


def test_monitored_export_lists_the_pages_households_and_incomes(client, world, member):
    expected = expected_by_household(world)
    response = client.post(export_url("monitored"), {"format": "xlsx"})
    header, *rows = xlsx_rows(response.content)
    assert header[:5] == ["农户", "户主", "村", "监测类别", "近 30 天收入"]
    shown = monitored_households_income(threshold=Decimal("100.00"))
    assert [r[0] for r in rows] == [m.code for m in shown] == [world.households[2].code]
    assert money(rows[0][4]) == expected[world.households[2].pk]["income"].quantize(CENT)


def test_pledges_export_matches_the_pledges_page(client, world, member):
    response = client.post(export_url("pledges"), {"format": "xlsx"})
    header, *rows = xlsx_rows(response.content)
    assert header[0] == "企业" and header[3] == "年度采购承诺"
    shown = {p.enterprise: p for p in pledges_progress()}
    assert {r[0] for r in rows} == set(shown)
    village_pairing = next(r for r in rows if r[0] == world.enterprises[0].name)
    order = world.orders[0]
    assert money(village_pairing[4]) == sum(line.line_price_incl_tax for line in order.lines.all())
    assert money(village_pairing[3]) == Decimal("2000.00")


def test_wrong_filters_start_no_export_and_say_which_field(client, world, member):
    url = export_url("sales-village") + "?date_from=2026-05-01&date_to=2026-04-01"
    response = client.post(url, {"format": "xlsx"}, follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("team-dashboard:team-sales-village"))
    text = " ".join(str(m) for m in response.context["messages"])
    assert "导出未开始" in text and "结束日期" in text
    assert not ReportExport.objects.exists()


def test_small_exports_are_immediate_and_leave_no_record(client, world, member):
    response = client.post(export_url("sales-household"), {"format": "csv"})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert not ReportExport.objects.exists()


# --- background exports ----------------------------------------------------------


def test_big_export_runs_in_the_background_with_progress_and_only_the_owner_downloads(
    client, world, member, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.TAIBAO_EXPORT_BACKGROUND_ROWS = 2
    settings.TAIBAO_EXPORT_CHUNK_ROWS = 1
    sent, progress = [], []
    real_send = report_export_run_task.apply_async
    real_write = services.report_export_write

    def spy_send(*args, **kwargs):
        sent.append((kwargs.get("args"), kwargs.get("queue")))
        return real_send(*args, **kwargs)

    def spy_write(**kwargs):
        report = kwargs["on_progress"]

        def record(done):
            report(done)
            export = ReportExport.objects.get()
            progress.append((export.rows_done, export.rows_total, export.status))

        return real_write(**{**kwargs, "on_progress": record})

    monkeypatch.setattr(report_export_run_task, "apply_async", spy_send)
    monkeypatch.setattr(services, "report_export_write", spy_write)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(export_url("sales-household") + "?sort=units", {"format": "xlsx"})
    export = ReportExport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "team-dashboard:team-export-detail", kwargs={"pk": export.pk}
    )
    assert sent == [([export.pk], "default")]  # the id only: no filters, no names
    assert export.params == sales_params(filters=ReportFilters(), sort="units")
    assert progress == [(1, 4, "running"), (2, 4, "running"), (3, 4, "running"), (4, 4, "running")]
    assert export.status == "done" and export.rows_done == export.rows_total == 4
    assert export.requested_by == member

    page = client.get(response["Location"])
    assert page.status_code == 200
    body = page.content.decode()
    assert 'src="/static/taibao/report-export.js"' in body
    box = body[
        body.index('class="team-export"') : body.index("</div>", body.index('class="team-export"'))
    ]
    assert "<script" not in box and "style=" not in box and " on" not in box.replace(" on ", "")
    download = reverse("team-dashboard:team-export-download", kwargs={"pk": export.pk})
    assert download in body
    status = client.get(reverse("team-dashboard:team-export-status", kwargs={"pk": export.pk}))
    assert status.json() == {
        "id": export.pk,
        "status": "done",
        "status_display": "已就绪",
        "rows_done": 4,
        "rows_total": 4,
        "percent": 100,
        "finished": True,
        "download_url": download,
    }
    response = client.get(download)
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    _header, *rows = xlsx_rows(b"".join(response.streaming_content))
    shown = sales_report_page(dimension="household", filters=ReportFilters(), sort="units").rows
    assert [r[0] for r in rows] == [row["code"] for row in shown]
    assert [money(r[5]) for r in rows] == [row["sales_amount"] for row in shown]
    # The file is private: not under MEDIA_ROOT, and it has no URL.
    assert not export.file.path.startswith(str(settings.MEDIA_ROOT))
    with pytest.raises(NotImplementedError):
        export.file.url  # noqa: B018
    assert (
        client.get(reverse("team-dashboard:team-export-list")).content.decode().count(download) == 1
    )

    # Another team member, a non-team staff user, an enterprise buyer: nothing to see.
    urls = [
        reverse(f"team-dashboard:team-export-{name}", kwargs={"pk": export.pk})
        for name in ("detail", "status", "download")
    ]
    client.force_login(other_member())
    assert [client.get(url).status_code for url in urls] == [404, 404, 404]
    others = client.get(reverse("team-dashboard:team-export-list"))
    assert list(others.context["exports"]) == [] and download not in others.content.decode()
    client.force_login(UserFactory(is_staff=True, email="staff@report.example"))
    assert [client.get(url).status_code for url in urls] == [403, 403, 403]
    buyer = UserFactory(is_staff=False, email="buyer@report.example")
    EnterpriseMember.objects.create(enterprise=world.enterprises[0], user=buyer)
    client.force_login(buyer)
    for url in urls:
        response = client.get(url)
        assert response.status_code in {302, 403}
        assert response.status_code == 403 or "login" in response["Location"]


def test_a_background_export_runs_once_and_a_failure_is_recorded(world, member, monkeypatch):
    export = services.report_export_request(
        user=member, report="sales-village", params={}, file_format="csv", language="zh-hans"
    )
    assert report_export_run_task(export.pk) == "done"
    name = ReportExport.objects.get().file.name
    assert report_export_run_task(export.pk) == "done"  # a redelivered task writes nothing
    assert ReportExport.objects.get().file.name == name

    broken = services.report_export_request(
        user=member, report="sales-village", params={}, file_format="csv", language="zh-hans"
    )

    def fail(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "report_export_write", fail)
    assert report_export_run_task(broken.pk) == "failed"
    broken.refresh_from_db()
    assert broken.error == "RuntimeError: disk full" and broken.finished_at


def test_export_writer_uses_the_language_it_is_given(world):
    out = io.BytesIO()
    with translation.override("en"):
        report_export_write(report="sales-village", params={}, file_format="xlsx", out=out)
    assert xlsx_rows(out.getvalue())[0][:3] == ["Village", "Units", "Sales amount"]


@pytest.mark.parametrize("email", ["seller@fengle.example", "buyer@guoguang.example"])
def test_demo_seller_and_buyer_get_no_export_chart_or_export_list(client, demo_world, email):
    client.force_login(get_user_model().objects.get(email=email))
    for report in ("sales-household", "monitored", "pledges"):
        response = client.post(export_url(report), {"format": "csv"})
        assert response.status_code in {302, 403}, report
        assert "莲塘村" not in response.content.decode()
    for name in ("team-dashboard:team-charts", "team-dashboard:team-export-list"):
        response = client.get(reverse(name))
        assert response.status_code in {302, 403}, name
        assert "莲塘村" not in response.content.decode()


def test_monitored_export_needs_the_household_permission_like_its_page(client, world):
    user = UserFactory(is_staff=True, email="sales-only@report.example")
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="farmers", codename="view_attribution")
    )
    client.force_login(user)
    assert client.post(export_url("sales-village"), {"format": "csv"}).status_code == 200
    assert client.post(export_url("monitored"), {"format": "csv"}).status_code == 403


def test_export_list_costs_the_same_queries_however_many_exports(client, world, member):
    url = reverse("team-dashboard:team-export-list")
    ReportExport.objects.create(requested_by=member, report="pledges", file_format="csv")
    client.get(url)  # the session and the permission set, as after any first page
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for _ in range(5):
        ReportExport.objects.create(requested_by=member, report="monitored", file_format="xlsx")
    with CaptureQueriesContext(connection) as more:
        assert client.get(url).status_code == 200
    assert len(more) == len(few)


def test_a_waiting_export_page_refreshes_without_script_and_reports_pending(client, world, member):
    export = ReportExport.objects.create(
        requested_by=member, report="sales-village", file_format="csv", language="zh-hans"
    )
    body = client.get(
        reverse("team-dashboard:team-export-detail", kwargs={"pk": export.pk})
    ).content.decode()
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in body
    assert 'class="team-export-progress" max="1" value="0"' in body
    assert reverse("team-dashboard:team-export-download", kwargs={"pk": export.pk}) not in body
    status = client.get(reverse("team-dashboard:team-export-status", kwargs={"pk": export.pk}))
    assert status.json()["status"] == "pending" and status.json()["download_url"] is None
    download = reverse("team-dashboard:team-export-download", kwargs={"pk": export.pk})
    assert client.get(download).status_code == 404  # nothing to fetch yet


def test_an_export_the_broker_cannot_take_is_marked_failed(
    world, member, monkeypatch, django_capture_on_commit_callbacks
):
    def down(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(report_export_run_task, "apply_async", down)
    with django_capture_on_commit_callbacks(execute=True):
        export = services.report_export_request(
            user=member, report="pledges", params={"year": 2026}, file_format="csv", language="en"
        )
    export.refresh_from_db()
    assert export.status == "failed" and "broker down" in export.error


def test_old_exports_and_their_files_are_purged(world, member):
    old = services.report_export_request(
        user=member, report="sales-seller", params={}, file_format="csv", language="zh-hans"
    )
    services.report_export_run(export_id=old.pk)
    old.refresh_from_db()
    path = old.file.path
    ReportExport.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=8)
    )
    recent = ReportExport.objects.create(
        requested_by=member, report="pledges", file_format="csv", language="zh-hans"
    )
    assert services.report_exports_purge(older_than=datetime.timedelta(days=7)) == 1
    assert list(ReportExport.objects.all()) == [recent]
    assert not os.path.exists(path)


@pytest.mark.parametrize("year", ["abc", "0", "123456"])
def test_a_wrong_year_starts_no_pledges_export(client, world, member, year):
    response = client.post(export_url("pledges") + f"?year={year}", {"format": "csv"})
    assert response.status_code == 302
    response = client.get(reverse("team-dashboard:team-export-list"))  # shows the message
    assert "年份" in " ".join(str(m) for m in response.context["messages"])
    assert not ReportExport.objects.exists()
