"""Quick order: every bad row named by row and field in Chinese and English; nothing added unasked."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import Workbook
from oscar.core.loading import get_model

from shop.models import PriceTier, PurchaseTerms
from shop.partner.strategy import Selector
from shop.services.quick_order import (
    PurchaseListError,
    QuickOrderRefused,
    purchase_list_parse_text,
    purchase_list_read,
    quick_order_add,
    quick_order_check,
)
from tests.shop.conftest import make_stock

pytestmark = pytest.mark.django_db

Basket = get_model("basket", "Basket")
SAMPLE = "/work/shared/samples/purchase-list-guoguang.xlsx"


@pytest.fixture
def stock():
    """Three products: plain, sold by the case of 10 from 20 with tiers, and scarce."""
    plain, cased, scarce = make_stock(n=3, num_in_stock=500, price="25.00")
    PurchaseTerms.objects.create(stockrecord=cased, min_quantity=20, quantity_step=10)
    PriceTier.objects.create(stockrecord=cased, min_quantity=50, price=Decimal("22.00"))
    scarce.num_in_stock = 8
    scarce.save()
    return plain, cased, scarce


def check_text(text: str, basket=None):
    return quick_order_check(
        rows=purchase_list_parse_text(text=text), strategy=Selector().strategy(), basket=basket
    )


def messages_of(check) -> list[str]:
    return [str(error) for error in check.errors]


def xlsx(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_valid_rows_are_priced_with_volume_tiers(stock):
    plain, cased, _ = stock
    check = check_text(f"{plain.partner_sku} 3\n{cased.partner_sku}\t60")
    assert check.errors == []
    assert [(r.sku, r.quantity, r.unit_price) for r in check.valid_rows] == [
        (plain.partner_sku, 3, Decimal("25.00")),
        (cased.partner_sku, 60, Decimal("22.00")),
    ]
    assert check.total == Decimal("1395.00")


def test_every_bad_row_is_named_by_row_and_field_in_both_languages(stock):
    plain, cased, scarce = stock
    text = "\n".join(
        [
            "NO-SUCH-SKU 5",  # 1 unknown
            f"{cased.partner_sku} 10",  # 2 below minimum
            "NO-SUCH-SKU-2",  # 3 quantity missing
            f"{plain.partner_sku} 0",  # 4 zero
            f"{plain.partner_sku} -3",  # 5 negative
            f"{plain.partner_sku} abc",  # 6 non-numeric
            f"{plain.partner_sku} 2.5",  # 7 not whole
            f"{scarce.partner_sku} 9",  # 8 more than left
            f"{plain.partner_sku} =A1*2",  # 9 formula
        ]
    )
    errors = messages_of(check_text(text))
    assert "第1行 商品编码: 未知商品编码 / Row 1, SKU: unknown SKU" in errors
    assert "第2行 数量: 最少订购20 / Row 2, quantity: the minimum order is 20" in errors
    assert "第3行 数量: 缺失 / Row 3, quantity: missing" in errors
    assert "第4行 数量: 至少为1 / Row 4, quantity: must be at least 1" in errors
    assert "第5行 数量: 至少为1 / Row 5, quantity: must be at least 1" in errors
    assert "第6行 数量: 不是整数 / Row 6, quantity: not a whole number" in errors
    assert "第7行 数量: 不是整数 / Row 7, quantity: not a whole number" in errors
    assert "第8行 数量: 仅剩8件 / Row 8, quantity: only 8 left" in errors
    assert (
        "第9行 数量: 不计算公式，请直接填写数字 / Row 9, quantity: formulas are not evaluated; enter the number itself"
        in errors
    )
    assert len(errors) == 9


def test_quantity_off_the_step_is_named(stock):
    _, cased, _ = stock
    errors = messages_of(check_text(f"SKU 数量\n{cased.partner_sku.lower()} 25"))
    assert errors == ["第2行 数量: 必须是10的倍数 / Row 2, quantity: must be a multiple of 10"]


def test_duplicated_skus_are_merged_and_the_total_checked(stock):
    plain, cased, _ = stock
    check = check_text(f"{cased.partner_sku} 30\n{plain.partner_sku} 1\n{cased.partner_sku} 30")
    first = check.rows[0]
    assert first.quantity == 60 and first.merged_rows == [3]
    assert first.unit_price == Decimal("22.00")  # the merged 60 earns the 50+ tier
    assert check.rows[2].merged_into == 1 and not check.rows[2].is_valid
    assert len(check.valid_rows) == 2


def test_the_sample_purchase_list_reads_with_chinese_headers(db):
    with open(SAMPLE, "rb") as handle:
        rows = purchase_list_read(name="purchase-list-guoguang.xlsx", content=handle.read())
    assert [(r.row, r.sku, r.quantity) for r in rows][:2] == [
        (2, "TB-CG-GIFT-2000", 200),
        (3, "TB-GLZ-R-250", 200),
    ]
    assert len(rows) == 6


def test_csv_in_gbk_with_english_headers(stock):
    plain, _, _ = stock
    content = f"Product name,SKU,Quantity\n马蹄,{plain.partner_sku},12\n".encode("gbk")
    rows = purchase_list_read(name="list.csv", content=content)
    assert [(r.row, r.sku, r.quantity) for r in rows] == [(2, plain.partner_sku, Decimal("12"))]


def test_formula_cells_in_a_sheet_are_refused_not_evaluated(stock):
    plain, _, _ = stock
    content = xlsx([["商品编码", "数量"], [plain.partner_sku, "=2*5"], ["=B1", 3]])
    check = quick_order_check(
        rows=purchase_list_read(name="list.xlsx", content=content), strategy=Selector().strategy()
    )
    errors = messages_of(check)
    assert any(e.startswith("第2行 数量:") and "formulas are not evaluated" in e for e in errors)
    assert any(
        e.startswith("第3行 商品编码:") and "formulas are not evaluated" in e for e in errors
    )
    assert check.valid_rows == []


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("list.xlsx", b"", "文件为空 / File: the file is empty"),
        ("list.csv", b"x" * (2 * 1024 * 1024 + 1), "the file is larger than 2 MB"),
        ("list.xls", b"\xd0\xcf\x11\xe0 old excel", "not a readable .xls file"),
        ("list.pdf", b"%PDF-1.4", "only .xlsx, .xls and .csv files are accepted"),
        ("list.xlsx", b"not a zip at all", "not a readable .xlsx file"),
        ("list.csv", b"\xff\xfe\xfa\xfb\x81\x30", "neither UTF-8 nor GBK"),
    ],
)
def test_files_that_cannot_be_read_are_refused_whole(db, name, content, expected):
    with pytest.raises(PurchaseListError) as refused:
        purchase_list_read(name=name, content=content)
    assert expected in str(refused.value)


def test_too_many_rows_are_refused(db, settings):
    settings.TAIBAO_QUICK_ORDER_MAX_ROWS = 5
    content = ("SKU,数量\n" + "A,1\n" * 6).encode()
    with pytest.raises(PurchaseListError, match="more than 5 rows"):
        purchase_list_read(name="list.csv", content=content)


def test_checking_adds_nothing_to_the_basket_and_adding_is_all_or_nothing(stock, buyer, client):
    plain, cased, scarce = stock
    client.force_login(buyer)
    response = client.post(
        reverse("shop:quick-order"),
        {"lines": f"{plain.partner_sku} 3\n{cased.partner_sku} 20\nNOPE 1", "action": "check"},
    )
    assert response.status_code == 200
    assert "第3行 商品编码: 未知商品编码 / Row 3, SKU: unknown SKU" in response.content.decode()
    assert not Basket.objects.filter(owner=buyer, lines__isnull=False).exists()

    basket = Basket.objects.create(owner=buyer)
    with pytest.raises(QuickOrderRefused):
        quick_order_add(
            basket=basket,
            items=[(plain.partner_sku, 3), (scarce.partner_sku, 99)],
            strategy=Selector().strategy(),
        )
    assert basket.lines.count() == 0

    response = client.post(
        reverse("shop:quick-order"),
        {
            "action": "add",
            "choose": ["1", "2"],
            "sku_1": plain.partner_sku,
            "quantity_1": "3",
            "sku_2": cased.partner_sku,
            "quantity_2": "20",
        },
    )
    assert response.status_code == 302
    lines = Basket.objects.get(owner=buyer, status="Open").lines.order_by("pk")
    assert [(line.stockrecord_id, line.quantity) for line in lines] == [
        (plain.pk, 3),
        (cased.pk, 20),
    ]


def test_upload_through_the_page_reports_an_empty_file(buyer, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(buyer)
    response = client.post(
        reverse("shop:quick-order"),
        {"purchase_list": SimpleUploadedFile("list.csv", b""), "action": "check"},
    )
    assert response.status_code == 200
    assert "文件为空" in response.content.decode() or "empty" in response.content.decode()


def purchase_office_list(plain, cased, total=25) -> bytes:
    """How purchasing offices make them: a title row, 序号 first, a department column, 合计."""
    return xlsx(
        [
            ["国光电器 2026年元旦福利采购清单"],
            ["序号", "商品编码", "商品名称", "数量", "收货部门"],
            [1, plain.partner_sku, "马蹄", 3, "行政部"],
            [2, cased.partner_sku, "菜干", 20, "工会"],
            [3, plain.partner_sku, "马蹄", 2, "工会"],
            ["合计", None, None, total],
        ]
    )


def test_a_list_with_a_title_row_reads_sku_and_quantity_not_the_row_numbers(stock):
    from shop.services.quick_order import purchase_list_read_sheet

    plain, cased, _ = stock
    sheet = purchase_list_read_sheet(name="清单.xlsx", content=purchase_office_list(plain, cased))
    assert sheet.header_row == 2 and sheet.ignored == ["序号", "商品名称"] and sheet.has_groups
    assert [(r.row, r.sku, r.quantity, r.group) for r in sheet.rows] == [
        (3, plain.partner_sku, Decimal(3), "行政部"),
        (4, cased.partner_sku, Decimal(20), "工会"),
        (5, plain.partner_sku, Decimal(2), "工会"),
    ]


def test_a_total_that_does_not_add_up_refuses_the_list(db, stock):
    plain, cased, _ = stock
    content = purchase_office_list(plain, cased, total=26)
    with pytest.raises(PurchaseListError) as refused:
        purchase_list_read(name="清单.xlsx", content=content)
    assert "第6行 合计「数量」: 表中为 26，逐行相加为 25" in str(refused.value)
    assert "Row 6, total of quantity: the sheet says 26, the rows add up to 25" in str(
        refused.value
    )


def test_each_delivery_group_gets_its_own_basket_line_carrying_the_group(stock, buyer):
    from shop.services.quick_order import basket_line_delivery_group

    plain, cased, scarce = stock
    basket = Basket.objects.create(owner=buyer)
    quick_order_add(
        basket=basket,
        items=[
            (plain.partner_sku, 3, "行政部"),
            (cased.partner_sku, 20, "工会"),
            (plain.partner_sku, 2, "工会"),
        ],
        strategy=Selector().strategy(),
    )
    lines = [
        (line.stockrecord_id, line.quantity, basket_line_delivery_group(line))
        for line in basket.lines.order_by("pk")
    ]
    assert lines == [(plain.pk, 3, "行政部"), (cased.pk, 20, "工会"), (plain.pk, 2, "工会")]
    # the groups' rows together count against the stock
    with pytest.raises(QuickOrderRefused, match="only 8 left"):
        quick_order_add(
            basket=Basket.objects.create(owner=buyer),
            items=[(scarce.partner_sku, 5, "行政部"), (scarce.partner_sku, 5, "工会")],
            strategy=Selector().strategy(),
        )


def test_the_preview_shows_the_sheet_the_ignored_columns_and_the_groups(stock, buyer, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    plain, cased, _ = stock
    client.force_login(buyer)
    upload = SimpleUploadedFile("清单.xlsx", purchase_office_list(plain, cased))
    response = client.post(
        reverse("shop:quick-order"), {"purchase_list": upload, "action": "check"}
    )
    body = response.content.decode()
    assert "Sheet" in body and "序号, 商品名称" in body
    assert body.count('class="shop-quick-group text-nowrap"') == 3 and "行政部" in body
    assert 'name="group_3" value="行政部"' in body
