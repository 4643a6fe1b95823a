"""Every import refuses files too big, of the wrong type, or whose content is not what the name says."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from farmers.models import LotImport
from security.uploads import MB, import_file_validate, megabytes


def xlsx_bytes() -> bytes:
    book = Workbook()
    book.active.append(["SKU", "数量"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
REFUSED = [
    ("list.pdf", b"%PDF-1.4", "不是 .xlsx、.xls 或 .csv", "is not .xlsx, .xls or .csv"),
    ("list.xls", b"a,b\n1,2\n", "不是 .xls 表格", "is not an .xls spreadsheet"),
    ("list", b"a,b\n", "不是 .xlsx、.xls 或 .csv", "is not .xlsx, .xls or .csv"),
    ("list.xlsx", b"a,b\n1,2\n", "不是 .xlsx 表格", "is not an .xlsx spreadsheet"),
    ("list.csv", PNG, "不是 .csv 文本", "is not .csv text"),
    ("list.csv", xlsx_bytes(), "不是 .csv 文本", "is not .csv text"),
]


@pytest.mark.parametrize(("name", "content", "zh", "en"), REFUSED)
def test_the_validator_names_the_file_in_both_languages(name, content, zh, en):
    with pytest.raises(ValidationError) as refused:
        import_file_validate(SimpleUploadedFile(name, content))
    message = refused.value.messages[0]
    assert zh in message and en in message and name in message


def test_the_validator_accepts_real_sheets_and_leaves_the_file_readable():
    for upload in (
        SimpleUploadedFile("list.xlsx", xlsx_bytes()),
        SimpleUploadedFile("清单.CSV", "SKU,数量\nA,1\n".encode("gbk")),
    ):
        import_file_validate(upload)
        assert upload.tell() == 0


def test_the_validator_refuses_files_over_the_import_limit(settings):
    settings.TAIBAO_IMPORT_MAX_BYTES = MB
    with pytest.raises(ValidationError, match="over the 1 MB limit"):
        import_file_validate(SimpleUploadedFile("big.csv", b"a" * (MB + 1)))


def test_limits_are_said_in_the_one_unit_they_are_set_in():
    assert (megabytes(10 * MB), megabytes(5 * MB // 2), megabytes(10_000)) == ("10", "2.5", "0.01")


@pytest.mark.parametrize(("name", "content", "zh", "en"), REFUSED)
def test_the_quick_order_upload_refuses_it(client, buyer, name, content, zh, en):
    client.force_login(buyer)
    response = client.post(
        "/quick-order/",
        {"purchase_list": SimpleUploadedFile(name, content), "action": "check"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert zh in body and en in body
    assert not buyer.baskets.filter(lines__isnull=False).exists()


@pytest.mark.parametrize(("name", "content", "zh", "en"), REFUSED)
def test_the_lot_sheet_import_refuses_it(client, ours, name, content, zh, en):
    client.force_login(ours.user)
    response = client.post(
        "/dashboard/seller/import/",
        {"seller": ours.seller.pk, "sheet": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert zh in body and en in body
    assert LotImport.objects.count() == 0


def test_any_upload_over_the_request_cap_is_refused_before_it_is_read(client, buyer, settings):
    settings.TAIBAO_UPLOAD_MAX_BYTES = 10_000
    client.force_login(buyer)
    response = client.post(
        "/quick-order/",
        {"purchase_list": SimpleUploadedFile("list.csv", b"A,1\n" * 5000), "action": "check"},
    )
    assert response.status_code == 413
    assert "10000" not in response.content.decode()  # said in MB
    assert "上传内容超过" in response.content.decode()
