"""Order placement for bulk baskets that never oversells.

Stock Oscar's ``OrderCreator`` checks availability before its transaction
and then increments ``num_allocated`` with ``F()``, so two buyers can both
pass the check for the last units (django-oscar #1811, #2102); it also writes
each line with about 13 queries. This one, inside one transaction:

1. writes the order, then all its lines, line prices and attributes in bulk;
2. locks the stock records the basket needs in primary-key order
   (``SELECT … ORDER BY id FOR UPDATE``), so concurrent bulk orders take the
   locks in the same order and cannot deadlock;
3. re-checks availability under the lock and raises ``StockShortage`` naming
   every short line (everything above is rolled back);
4. allocates with one UPDATE and records ``order.placed`` in the outbox.

The lock is taken as late as possible, after the inserts, so it is held for
the re-check and one UPDATE only.
"""

from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _
from oscar.apps.order import utils as oscar_utils
from oscar.core.loading import get_model

from outbox.services import outbox_record
from shop.offer.applicator import offer_state
from shop.order.exceptions import ShortLine, StockShortage

OrderNumberGenerator = oscar_utils.OrderNumberGenerator
OrderDispatcher = oscar_utils.OrderDispatcher

Order = get_model("order", "Order")
Line = get_model("order", "Line")
LinePrice = get_model("order", "LinePrice")
LineAttribute = get_model("order", "LineAttribute")
StockRecord = get_model("partner", "StockRecord")
ProductRecord = get_model("analytics", "ProductRecord")
UserRecord = get_model("analytics", "UserRecord")


class OrderCreator(oscar_utils.OrderCreator):
    def place_order(
        self,
        basket,
        total,
        shipping_method,
        shipping_charge,
        user=None,
        shipping_address=None,
        billing_address=None,
        order_number=None,
        status=None,
        request=None,
        surcharges=None,
        invoice=None,
        lock_stock: bool = True,
        **kwargs,
    ):
        """Write the order; ``lock_stock=False`` exists only to prove the race test bites."""
        if basket.is_empty:
            raise ValueError(_("Empty baskets cannot be submitted"))
        if not order_number:
            order_number = OrderNumberGenerator().order_number(basket)
        if not status and hasattr(settings, "OSCAR_INITIAL_ORDER_STATUS"):
            status = settings.OSCAR_INITIAL_ORDER_STATUS
        if Order._default_manager.filter(number=order_number).exists():
            raise ValueError(_("There is already an order with number %s") % order_number)

        basket_lines = list(basket.all_lines())
        with transaction.atomic():
            kwargs["surcharges"] = surcharges
            order = self.create_order_model(
                user,
                basket,
                shipping_address,
                shipping_method,
                shipping_charge,
                billing_address,
                total,
                order_number,
                status,
                request,
                **kwargs,
            )
            self._record_vouchers_and_offers(order, basket, user, shipping_method)
            self.create_line_models_in_bulk(order, basket_lines)
            self.reserve_stock(basket_lines, lock=lock_stock)
            if invoice is not None:
                invoice.order = order
                invoice.amount = order.total_incl_tax
                invoice.save()
            outbox_record(topic="order.placed", payload={"order_id": order.pk})
            self.record_analytics(order, basket_lines, user)
        return order

    # -- offers and vouchers: Oscar's own logic, unchanged ----------------------------------

    def _record_vouchers_and_offers(self, order, basket, user, shipping_method):
        # While no voucher exists at all (shop.offer.applicator), no basket has one: no query for them.
        vouchers_exist = offer_state()["vouchers"]
        for voucher in basket.vouchers.select_for_update() if vouchers_exist else ():
            if not voucher.is_active():
                basket.vouchers.remove(voucher)
            else:
                available_to_user, msg = voucher.is_available_to_user(user=user)
                if not available_to_user:
                    raise ValueError(msg)
        for application in basket.offer_applications:
            application["message"] = application["offer"].apply_deferred_benefit(
                basket, order, application
            )
            if application["result"].affects_shipping:
                shipping_discount = shipping_method.discount(basket)
                if shipping_discount <= Decimal("0.00"):
                    continue
                application["discount"] = shipping_discount
            self.create_discount_model(order, application)
            self.record_discount(application)
        for voucher in basket.vouchers.all() if vouchers_exist else ():
            self.record_voucher_usage(order, voucher, user)

    # -- lines ------------------------------------------------------------------------------------

    def order_line_for(self, order, basket_line) -> "Line":
        product = basket_line.product
        stockrecord = basket_line.stockrecord
        if not stockrecord:
            raise oscar_utils.exceptions.UnableToPlaceOrder(
                f"Basket line #{basket_line.id} has no stockrecord"
            )
        partner = stockrecord.partner
        return Line(
            order=order,
            partner=partner,
            partner_name=partner.name,
            partner_sku=stockrecord.partner_sku,
            stockrecord=stockrecord,
            product=product,
            title=product.get_title(),
            upc=product.upc,
            quantity=basket_line.quantity,
            line_price_excl_tax=basket_line.line_price_excl_tax_incl_discounts,
            line_price_incl_tax=basket_line.line_price_incl_tax_incl_discounts,
            line_price_before_discounts_excl_tax=basket_line.line_price_excl_tax,
            line_price_before_discounts_incl_tax=basket_line.line_price_incl_tax,
            unit_price_incl_tax=basket_line.unit_price_incl_tax,
            unit_price_excl_tax=basket_line.unit_price_excl_tax,
            tax_code=basket_line.tax_code,
            num_allocated=basket_line.quantity,
            status=getattr(settings, "OSCAR_INITIAL_LINE_STATUS", ""),
        )

    def create_line_models_in_bulk(self, order, basket_lines) -> list:
        """All lines, prices and attributes in three INSERTs (plus discounts, if any)."""
        order_lines = Line._default_manager.bulk_create(
            [self.order_line_for(order, line) for line in basket_lines]
        )
        prices, attributes = [], []
        for order_line, basket_line in zip(order_lines, basket_lines, strict=True):
            for price_incl_tax, price_excl_tax, quantity in basket_line.get_price_breakdown():
                prices.append(
                    LinePrice(
                        order=order,
                        line=order_line,
                        quantity=quantity,
                        price_incl_tax=price_incl_tax,
                        price_excl_tax=price_excl_tax,
                        tax_code=basket_line.tax_code,
                    )
                )
            for attr in basket_line.attributes.all():
                attributes.append(
                    LineAttribute(
                        line=order_line, option=attr.option, type=attr.option.code, value=attr.value
                    )
                )
            if basket_line.has_discount:
                self.create_line_discount_models(order, order_line, basket_line)
            self.create_additional_line_models(order, order_line, basket_line)
        LinePrice._default_manager.bulk_create(prices)
        if attributes:
            LineAttribute._default_manager.bulk_create(attributes)
        return order_lines

    # -- stock ---------------------------------------------------------------------------------

    def reserve_stock(self, basket_lines, *, lock: bool = True) -> None:
        """Lock, re-check, allocate — or raise StockShortage naming every short line."""
        wanted: dict[int, int] = defaultdict(int)
        titles: dict[int, str] = {}
        for line in basket_lines:
            if line.product.get_product_class().track_stock:
                wanted[line.stockrecord_id] += line.quantity
                titles[line.stockrecord_id] = line.product.get_title()
        if not wanted:
            return
        rows = StockRecord.objects.filter(pk__in=wanted).order_by("pk")
        if lock:
            rows = rows.select_for_update(of=("self",))
        records = list(rows.only("pk", "partner_sku", "num_in_stock", "num_allocated"))
        short = [
            ShortLine(
                title=titles[record.pk],
                sku=record.partner_sku,
                wanted=wanted[record.pk],
                available=record.net_stock_level,
            )
            for record in records
            if wanted[record.pk] > record.net_stock_level
        ]
        if short:
            raise StockShortage(short)
        self.allocate(records, wanted)

    def allocate(self, records, wanted: dict[int, int]) -> None:
        for record in records:
            record.num_allocated = F("num_allocated") + wanted[record.pk]
        StockRecord.objects.bulk_update(records, ["num_allocated"])

    # -- analytics, in bulk instead of Oscar's per-line order_placed receiver --------------------

    def record_analytics(self, order, basket_lines, user) -> None:
        """Oscar's purchase counters, one upsert per table (in key order, as concurrent
        orders take the rows' locks alike)."""
        quantities: dict[int, int] = defaultdict(int)
        for line in basket_lines:
            quantities[line.product_id] += line.quantity
        ops = connection.ops
        products = ops.quote_name(ProductRecord._meta.db_table)
        users = ops.quote_name(UserRecord._meta.db_table)
        with connection.cursor() as cursor:
            if quantities:
                rows = sorted(quantities.items())
                cursor.execute(
                    f"INSERT INTO {products} AS t "
                    "(product_id, num_views, num_basket_additions, num_purchases, score) "
                    f"VALUES {', '.join(['(%s, 0, 0, %s, 0)'] * len(rows))} "
                    "ON CONFLICT (product_id) DO UPDATE "
                    "SET num_purchases = t.num_purchases + excluded.num_purchases",
                    [value for row in rows for value in row],
                )
            if user is not None and user.is_authenticated:
                cursor.execute(
                    f"INSERT INTO {users} AS t (user_id, num_product_views, num_basket_additions, "
                    "num_orders, num_order_lines, num_order_items, total_spent, date_last_order) "
                    "VALUES (%s, 0, 0, 1, %s, %s, %s, %s) "
                    "ON CONFLICT (user_id) DO UPDATE SET num_orders = t.num_orders + 1, "
                    "num_order_lines = t.num_order_lines + excluded.num_order_lines, "
                    "num_order_items = t.num_order_items + excluded.num_order_items, "
                    "total_spent = t.total_spent + excluded.total_spent, "
                    "date_last_order = excluded.date_last_order",
                    [
                        user.pk,
                        len(basket_lines),
                        sum(line.quantity for line in basket_lines),
                        ops.adapt_decimalfield_value(order.total_incl_tax, 12, 2),
                        ops.adapt_datetimefield_value(order.date_placed),
                    ],
                )
