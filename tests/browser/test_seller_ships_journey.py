"""A seller ships on a database with only migrations and ``load_demo``; the buyer sees it."""

import io

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import RunPython
from oscar.core.loading import get_model

from tests.browser.journeys import screenshot, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Order = get_model("order", "Order")
ShippingEvent = get_model("order", "ShippingEvent")
ShippingEventType = get_model("order", "ShippingEventType")


def replay_the_migration_that_creates_shipping_event_types() -> None:
    """Transactional tests empty every table when they end, rows written by migrations
    included; run again the data migration that writes the event types on every install
    (found by what it runs, whatever number it gets), so this database holds what
    migrations and load_demo write, and nothing else. (serialized_rollback would restore
    them too, but leaves the next test without Django's permissions.)"""
    loader = MigrationLoader(connection)
    for (app_label, _name), migration in loader.disk_migrations.items():
        for operation in migration.operations if app_label == "order" else ():
            if isinstance(operation, RunPython) and operation.code.__name__ == "create_event_types":
                operation.code(django_apps, None)
                return
    raise AssertionError("no migration of the order app creates the shipping event types")


def test_seller_ships_a_demo_order_and_the_buyer_sees_carrier_and_tracking_number(
    page, live_server, settings
):
    settings.TAIBAO_LOAD_DEMO = True  # the tests run with DEBUG off, as production does
    replay_the_migration_that_creates_shipping_event_types()
    assert list(ShippingEventType.objects.values_list("code", flat=True)) == ["shipped"]
    call_command("load_demo", stdout=io.StringIO())
    number = Order.objects.get(po_number="DEMO-PO-GG-W50").number  # 国光's, with a Fengle line

    sign_in(page, live_server, "seller@fengle.example")
    page.goto(live_server.url + "/dashboard/orders/")
    page.get_by_role("link", name=number, exact=True).first.click()
    page.wait_for_url(f"**/dashboard/orders/{number}/")
    row = page.locator("tr", has_text="芥菜干 500克袋装").first
    row.locator("input[name=selected_line]").check()
    page.check("#shipping_event_check")
    assert page.locator("#shipping_event_type_select option:checked").inner_text() == "已发货"
    page.fill("#carrier_input", "顺丰速运")
    page.fill("#reference_input", "SF1400223344")
    page.get_by_role("button", name="执行").click()
    page.wait_for_load_state()
    assert "发货记录已创建" in page.content()
    assert "无效" not in page.content()
    events = page.locator("table", has_text="SF1400223344")
    assert "顺丰速运" in events.inner_text()
    screenshot(page, "journey-1-seller-shipped")

    event = ShippingEvent.objects.get(order__number=number)
    assert (event.carrier, event.notes, event.event_type.code) == (
        "顺丰速运",
        "SF1400223344",
        "shipped",
    )

    sign_out(page, live_server)
    sign_in(page, live_server, "buyer@guoguang.example")
    page.goto(live_server.url + f"/enterprise/orders/{number}/")
    shipment = page.locator(".shop-shipments .shop-shipment")
    assert shipment.count() == 1
    assert shipment.locator(".shop-carrier").inner_text() == "顺丰速运"
    assert shipment.locator(".shop-tracking-number").inner_text() == "SF1400223344"
    assert "芥菜干 500克袋装 × 40" in shipment.inner_text()
    assert "已发货" in shipment.inner_text()
    screenshot(page, "journey-1-buyer-sees-shipment")
