"""A CSV cell over the csv module's 131,072-character limit is a refusal, not a server error."""

from django.core.files.uploadedfile import SimpleUploadedFile

from farmers.models import LotImport

LONG = ("SKU,数量\nA," + "9" * 131_073 + "\n").encode()


def test_quick_order_refuses_the_oversized_field_with_a_message(client, buyer):
    client.force_login(buyer)
    response = client.post(
        "/quick-order/", {"purchase_list": SimpleUploadedFile("list.csv", LONG), "action": "check"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "131,072" in body and "超过" in body and "longer than" in body


def test_lot_import_refuses_the_oversized_field_with_a_message(client, ours):
    client.force_login(ours.user)
    response = client.post(
        "/dashboard/seller/import/",
        {"seller": ours.seller.pk, "sheet": SimpleUploadedFile("lots.csv", LONG)},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "131,072" in body and "longer than" in body
    assert LotImport.objects.count() == 0
