"""The seller's dashboard, and the tenancy matrix: another seller's ids answer 404/403."""

import pytest
from django.contrib.auth.models import Permission
from oscar.core.loading import get_model
from oscar.test.factories import UserFactory

from farmers.models import Lot, LotImport
from tests.farmers.conftest import state

StockRecord = get_model("partner", "StockRecord")
BASE = "/dashboard/seller"


def test_staff_record_a_lot_from_their_phone_form(client, ours):
    client.force_login(ours.user)
    url = f"{BASE}/stock/{ours.stock_record.pk}/intake/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "household": ours.households[1].pk,
            "units": 15,
            "received_on": "2026-11-20",
            "farmgate_unit_price": "12.00",
            "trace_code": "FL-NEW",
            "certificate_number": "",
        },
    )
    assert response.status_code == 302
    assert ours.refresh().num_in_stock == 35
    assert Lot.objects.get(trace_code="FL-NEW").recorded_by == ours.user


def test_a_refused_intake_shows_the_reason_in_both_languages(client, ours):
    client.force_login(ours.user)
    response = client.post(
        f"{BASE}/stock/{ours.stock_record.pk}/intake/",
        {
            "household": ours.households[1].pk,
            "units": 15,
            "received_on": "2026-11-20",
            "farmgate_unit_price": "12.00",
            "farmgate_amount": "100",
            "trace_code": "X",
        },
    )
    assert response.status_code == 200
    assert "收购金额与收购单价须填写其中一项 / Give either" in response.content.decode()
    assert ours.refresh().num_in_stock == 20


def test_stocktake_and_damage_through_the_forms(client, ours):
    client.force_login(ours.user)
    assert (
        client.post(
            f"{BASE}/stock/{ours.stock_record.pk}/stocktake/", {"counted_units": 18, "note": "盘点"}
        ).status_code
        == 302
    )
    assert ours.refresh().num_in_stock == 18
    response = client.post(
        f"{BASE}/stock/{ours.stock_record.pk}/adjust/",
        {"reason": "damage", "units": 3, "lot": ours.lot.pk, "note": "压坏"},
    )
    assert response.status_code == 302
    ours.lot.refresh_from_db()
    assert ours.refresh().num_in_stock == 15 and ours.lot.units_remaining == 15


def test_lists_show_only_our_own(client, ours, theirs):
    client.force_login(ours.user)
    for path in ("/", "/lots/", "/adjustments/", "/members/"):
        html = client.get(BASE + path).content.decode()
        assert theirs.stock_record.partner_sku not in html and "THEIRS-1" not in html, path
        for household in theirs.households:
            assert household.head_name not in html, path
    stock = client.get(BASE + "/")
    assert list(stock.context["stock_records"]) == [ours.stock_record]
    assert "OURS-1" in client.get(BASE + "/lots/").content.decode()


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("get", "/stock/{sr}/", None),
        ("get", "/stock/{sr}/intake/", None),
        (
            "post",
            "/stock/{sr}/intake/",
            {
                "household": "{hh}",
                "units": 5,
                "received_on": "2026-11-20",
                "farmgate_unit_price": "1",
                "trace_code": "HACK",
            },
        ),
        ("get", "/stock/{sr}/stocktake/", None),
        ("post", "/stock/{sr}/stocktake/", {"counted_units": 0}),
        ("get", "/stock/{sr}/adjust/", None),
        ("post", "/stock/{sr}/adjust/", {"reason": "loss", "units": 1, "note": "x"}),
        ("get", "/stock/{sr}/threshold/", None),
        ("post", "/stock/{sr}/threshold/", {"low_stock_threshold": 999}),
        ("get", "/sellers/{seller}/threshold/", None),
        ("post", "/sellers/{seller}/threshold/", {"low_stock_threshold": 999}),
        ("post", "/import/commit/", {"seller": "{seller}", "sha256": "0" * 64}),
    ],
)
def test_another_sellers_ids_in_the_url_are_not_found(client, ours, theirs, method, path, data):
    client.force_login(ours.user)
    ids = {"sr": theirs.stock_record.pk, "seller": theirs.seller.pk, "hh": theirs.households[0].pk}
    before = state()
    url = BASE + path.format(**ids)
    payload = {k: str(v).format(**ids) for k, v in (data or {}).items()}
    response = getattr(client, method)(url, payload) if data else getattr(client, method)(url)
    assert response.status_code == 404
    assert state() == before


@pytest.mark.parametrize(
    ("path", "data"),
    [
        (
            "/stock/{sr}/intake/",
            {
                "household": "{their_hh}",
                "units": 5,
                "received_on": "2026-11-20",
                "farmgate_unit_price": "1",
                "trace_code": "HACK",
            },
        ),
        ("/stock/{sr}/adjust/", {"reason": "loss", "units": 1, "lot": "{their_lot}", "note": "x"}),
    ],
)
def test_another_sellers_ids_in_a_form_are_forbidden(client, ours, theirs, path, data):
    client.force_login(ours.user)
    ids = {
        "sr": ours.stock_record.pk,
        "their_hh": theirs.households[0].pk,
        "their_lot": theirs.lot.pk,
    }
    before = state()
    response = client.post(
        BASE + path.format(**ids), {k: str(v).format(**ids) for k, v in data.items()}
    )
    assert response.status_code == 403
    assert state() == before


def test_importing_into_another_seller_is_forbidden(client, ours, theirs):
    client.force_login(ours.user)
    sheet = f"SKU,household,units,date,farmgate price,trace code\n{theirs.stock_record.partner_sku},{theirs.households[0].code},5,2026-11-01,1,T\n"
    from django.core.files.uploadedfile import SimpleUploadedFile

    before = state()
    response = client.post(
        BASE + "/import/",
        {"seller": theirs.seller.pk, "sheet": SimpleUploadedFile("a.csv", sheet.encode())},
    )
    assert response.status_code == 403
    assert state() == before


def test_import_preview_then_commit(client, ours, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(ours.user)
    sku, code = ours.stock_record.partner_sku, ours.households[2].code
    good = (
        f"SKU,household,units,date,farmgate price,trace code\n{sku},{code},9,2026-11-02,3,IMP-1\n"
    )
    bad = good + f"{sku},nobody,1,2026-11-02,3,IMP-2\n"

    response = client.post(
        BASE + "/import/",
        {"seller": ours.seller.pk, "sheet": SimpleUploadedFile("bad.csv", bad.encode())},
    )
    html = response.content.decode()
    assert "第3行「农户」" in html and "Row 3, household" in html
    assert ours.refresh().num_in_stock == 20

    response = client.post(
        BASE + "/import/",
        {"seller": ours.seller.pk, "sheet": SimpleUploadedFile("good.csv", good.encode())},
    )
    check = response.context["check"]
    assert check.ok and ours.refresh().num_in_stock == 20  # the preview changes nothing
    response = client.post(
        BASE + "/import/commit/",
        {"seller": ours.seller.pk, "sha256": check.sha256, "file_name": "good.csv"},
    )
    assert response.status_code == 302
    assert ours.refresh().num_in_stock == 29
    # The same sheet again adds nothing.
    response = client.post(
        BASE + "/import/",
        {"seller": ours.seller.pk, "sheet": SimpleUploadedFile("good.csv", good.encode())},
    )
    assert "imported before" in response.content.decode()
    assert ours.refresh().num_in_stock == 29


def test_import_refuses_a_file_over_the_limit(client, ours, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.TAIBAO_IMPORT_MAX_BYTES = 100
    client.force_login(ours.user)
    response = client.post(
        BASE + "/import/",
        {"seller": ours.seller.pk, "sheet": SimpleUploadedFile("big.csv", b"x" * 500)},
    )
    assert "over the 0 MB limit" in response.content.decode() or "上限" in response.content.decode()
    assert LotImport.objects.count() == 0


def test_people_without_a_seller_see_nothing(client, ours):
    buyer = UserFactory(is_staff=False)
    client.force_login(buyer)
    assert client.get(BASE + "/").status_code in (302, 403)
    partnerless = UserFactory(is_staff=False)
    partnerless.user_permissions.add(
        Permission.objects.get(codename="dashboard_access", content_type__app_label="partner")
    )
    client.force_login(partnerless)
    assert list(client.get(BASE + "/").context["stock_records"]) == []
    assert client.get(f"{BASE}/stock/{ours.stock_record.pk}/").status_code == 404
