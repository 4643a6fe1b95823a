"""A previewed lot sheet waits in private storage, and only until commit, refusal or an hour."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from farmers.models import Lot
from farmers.services.stock import lot_receive


@pytest.fixture(autouse=True)
def _private_root(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "exports": {
            "BACKEND": "farmers.team_dashboard.storage.PrivateFileStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
    return tmp_path / "private"


def sheet(ours, code="ST-1") -> bytes:
    household = ours.households[0]
    return (
        "产品编码,农户,数量,交付日期,收购金额,溯源码,身份证号\n"
        f"{ours.stock_record.partner_sku},{household.code},5,2026-11-20,50.00,{code},"
        "440101199001011234\n"
    ).encode()


def preview(client, ours, content):
    response = client.post(
        "/dashboard/seller/import/",
        {"seller": ours.seller.pk, "sheet": SimpleUploadedFile("lots.csv", content)},
    )
    assert response.status_code == 200
    assert response.context["check"].ok, response.context["check"].errors
    return response.context["check"].sha256


def files_under(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def commit(client, ours, sha256):
    return client.post(
        "/dashboard/seller/import/commit/",
        {"seller": ours.seller.pk, "sha256": sha256, "file_name": "lots.csv"},
    )


@pytest.fixture
def seller_client(client, ours):
    client.force_login(ours.user)
    return client


@time_machine.travel(datetime.datetime(2026, 12, 2, 10, 0, tzinfo=datetime.UTC), tick=True)
def test_the_waiting_sheet_is_private_and_gone_after_commit(seller_client, ours, settings):
    sha256 = preview(seller_client, ours, sheet(ours))
    assert files_under(Path(settings.MEDIA_ROOT)) == []  # nothing public
    private = files_under(Path(settings.STORAGES["exports"]["OPTIONS"]["location"]))
    assert [path.name for path in private] == [sha256]
    response = commit(seller_client, ours, sha256)
    assert response.status_code == 302
    assert Lot.objects.filter(trace_code="ST-1").exists()
    assert files_under(Path(settings.STORAGES["exports"]["OPTIONS"]["location"])) == []


@time_machine.travel(datetime.datetime(2026, 12, 2, 10, 0, tzinfo=datetime.UTC), tick=True)
def test_the_waiting_sheet_is_deleted_when_the_commit_is_refused(seller_client, ours, settings):
    sha256 = preview(seller_client, ours, sheet(ours, code="ST-2"))
    lot_receive(  # someone records the same trace code in between
        stock_record=ours.stock_record,
        household=ours.households[0],
        units=1,
        received_on=datetime.date(2026, 11, 20),
        trace_code="ST-2",
        farmgate_unit_price=Decimal("1"),
    )
    commit(seller_client, ours, sha256)
    assert not Lot.objects.filter(trace_code="ST-2", units_received=5).exists()
    assert files_under(Path(settings.STORAGES["exports"]["OPTIONS"]["location"])) == []


def test_the_waiting_sheet_is_deleted_after_an_hour(seller_client, ours, settings):
    from farmers.tasks import lot_sheets_pending_purge_task

    start = timezone.now()
    sha256 = preview(seller_client, ours, sheet(ours, code="ST-3"))
    root = Path(settings.STORAGES["exports"]["OPTIONS"]["location"])
    assert len(files_under(root)) == 1
    with time_machine.travel(start + datetime.timedelta(minutes=59)):
        assert lot_sheets_pending_purge_task() == 0
    with time_machine.travel(start + datetime.timedelta(minutes=61)):
        assert lot_sheets_pending_purge_task() == 1
    assert files_under(root) == []
    response = commit(seller_client, ours, sha256)
    assert response.status_code == 302 and not Lot.objects.filter(trace_code="ST-3").exists()


def test_a_sheet_older_than_an_hour_is_not_imported(seller_client, ours, settings):
    start = timezone.now()
    sha256 = preview(seller_client, ours, sheet(ours, code="ST-4"))
    with time_machine.travel(start + datetime.timedelta(minutes=61)):
        commit(seller_client, ours, sha256)
    assert not Lot.objects.filter(trace_code="ST-4").exists()
    assert files_under(Path(settings.STORAGES["exports"]["OPTIONS"]["location"])) == []
