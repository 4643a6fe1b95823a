"""The seller's REST API: token auth, the same rules as the dashboard, and tenancy."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from farmers.models import Lot, StockAdjustment
from tests.farmers.conftest import state


def api_for(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def test_token_is_issued_for_email_and_password(ours, settings):
    ours.user.set_password("pw-123456")
    ours.user.save()
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": ours.user.username, "password": "pw-123456"}
    )
    assert response.status_code == 200 and response.json()["token"]


def test_list_my_stock_records_only(ours, theirs):
    response = api_for(ours.user).get("/api/v1/stock-records/")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row["sku"] for row in rows] == [ours.stock_record.partner_sku]
    assert rows[0]["num_in_stock"] == 20 and rows[0]["available"] == 20


def test_record_an_intake(ours):
    response = api_for(ours.user).post(
        f"/api/v1/stock-records/{ours.stock_record.pk}/intakes/",
        {
            "household": ours.households[1].code,
            "units": 12,
            "received_on": "2026-11-20",
            "farmgate_amount": "144.00",
            "trace_code": "API-1",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["farmgate_unit_price"] == "12.00"
    assert ours.refresh().num_in_stock == 32


def test_refusals_name_the_field_in_both_languages(ours):
    api = api_for(ours.user)
    response = api.post(
        f"/api/v1/stock-records/{ours.stock_record.pk}/intakes/",
        {
            "household": ours.households[1].code,
            "units": 12,
            "received_on": "2026-11-20",
            "trace_code": "API-2",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "收购金额与收购单价须填写其中一项 / Give either" in response.json()["farmgate_amount"][0]
    response = api.post(
        f"/api/v1/stock-records/{ours.stock_record.pk}/adjustments/",
        {"reason": "damage", "units": 500, "note": "x"},
        format="json",
    )
    assert response.status_code == 400 and "units" in response.json()
    assert ours.refresh().num_in_stock == 20


def test_adjustment_from_named_lots_and_a_stocktake(ours):
    api = api_for(ours.user)
    response = api.post(
        f"/api/v1/stock-records/{ours.stock_record.pk}/adjustments/",
        {"reason": "loss", "units": 4, "lots": [{"lot": ours.lot.pk, "units": 4}], "note": "丢失"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["lots"] == [{"lot": ours.lot.pk, "units": -4}]
    response = api.post(
        f"/api/v1/stock-records/{ours.stock_record.pk}/stocktakes/",
        {"counted_units": 10},
        format="json",
    )
    assert response.status_code == 201 and response.json()["delta"] == -6
    assert ours.refresh().num_in_stock == 10


@pytest.mark.parametrize(
    ("path", "payload"),
    [
        (
            "/api/v1/stock-records/{sr}/intakes/",
            {
                "household": "{hh}",
                "units": 1,
                "received_on": "2026-11-20",
                "farmgate_amount": "1",
                "trace_code": "X",
            },
        ),
        ("/api/v1/stock-records/{sr}/adjustments/", {"reason": "loss", "units": 1, "note": "x"}),
        ("/api/v1/stock-records/{sr}/stocktakes/", {"counted_units": 0}),
    ],
)
def test_another_sellers_stock_record_is_not_found(ours, theirs, path, payload):
    ids = {"sr": theirs.stock_record.pk, "hh": theirs.households[0].code}
    before = state()
    body = {k: v.format(**ids) if isinstance(v, str) else v for k, v in payload.items()}
    response = api_for(ours.user).post(path.format(**ids), body, format="json")
    assert response.status_code == 404
    assert state() == before


def test_another_sellers_household_or_lot_is_forbidden(ours, theirs):
    api = api_for(ours.user)
    before = state()
    response = api.post(
        f"/api/v1/stock-records/{ours.stock_record.pk}/intakes/",
        {
            "household": theirs.households[0].code,
            "units": 1,
            "received_on": "2026-11-20",
            "farmgate_amount": "1",
            "trace_code": "X",
        },
        format="json",
    )
    assert response.status_code == 403
    response = api.post(
        f"/api/v1/stock-records/{ours.stock_record.pk}/adjustments/",
        {"reason": "loss", "units": 1, "lots": [{"lot": theirs.lot.pk, "units": 1}], "note": "x"},
        format="json",
    )
    assert response.status_code == 403
    assert state() == before


def test_lots_list_is_mine_only(ours, theirs):
    response = api_for(ours.user).get("/api/v1/lots/")
    assert [row["trace_code"] for row in response.json()["results"]] == ["OURS-1"]
    response = api_for(ours.user).get(f"/api/v1/lots/?stock_record={theirs.stock_record.pk}")
    assert response.json()["results"] == []
    response = api_for(ours.user).get(f"/api/v1/lots/?stock_record={ours.stock_record.pk}")
    assert [row["trace_code"] for row in response.json()["results"]] == ["OURS-1"]


@pytest.mark.parametrize("value", ["abc", "1.5", "0", "-3"])
def test_a_stock_record_filter_that_is_not_an_id_is_a_400_in_both_languages(ours, value):
    response = api_for(ours.user).get("/api/v1/lots/", {"stock_record": value})
    assert response.status_code == 400
    assert response.json()["stock_record"] == ["须为编号 / must be an id"]


def test_the_lot_lists_filter_is_in_the_schema(client, db):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    lots = schema.json()["paths"]["/api/v1/lots/"]["get"]
    (param,) = [p for p in lots["parameters"] if p["name"] == "stock_record"]
    assert param["in"] == "query" and param["schema"]["type"] == "integer"
    assert not param.get("required", False)


def test_anonymous_and_buyers_are_refused(ours, db):
    from oscar.test.factories import UserFactory

    assert APIClient().get("/api/v1/stock-records/").status_code == 401
    buyer = UserFactory()
    assert api_for(buyer).get("/api/v1/stock-records/").status_code == 403
    assert Lot.objects.count() == 1 and StockAdjustment.objects.count() == 0


def test_schema_and_docs_are_served_by_the_app(client, db):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    text = schema.content.decode()
    assert "/api/v1/stock-records/{id}/intakes/" in text
    docs = client.get("/api/docs/")
    assert docs.status_code == 200 and "swagger" in docs.content.decode().lower()


def test_a_bad_intake_for_a_member_household_is_a_400_not_a_403(ours):
    response = api_for(ours.user).post(
        f"/api/v1/stock-records/{ours.stock_record.pk}/intakes/",
        {
            "household": ours.households[1].code,
            "units": 0,
            "received_on": "2026-11-20",
            "farmgate_amount": "1",
            "trace_code": "Z",
        },
        format="json",
    )
    assert response.status_code == 400 and "units" in response.json()
    unknown = api_for(ours.user).post(
        f"/api/v1/stock-records/{ours.stock_record.pk}/intakes/",
        {
            "household": "NO-SUCH",
            "units": 1,
            "received_on": "2026-11-20",
            "farmgate_amount": "1",
            "trace_code": "Z",
        },
        format="json",
    )
    assert unknown.status_code == 400
