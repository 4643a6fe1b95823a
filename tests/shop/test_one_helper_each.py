"""The invoice fields and the payment sources each have one definition that every user shares."""

from decimal import Decimal

import pytest
from oscar.test.factories import create_order

from shop.checkout.forms import EnterpriseOrderForm
from shop.forms import InvoiceProfileForm
from shop.models import INVOICE_FIELDS
from shop.order.models import PaymentMethod
from shop.payment_sources import order_payment_source, payment_source_new


def test_both_invoice_forms_ask_the_profiles_fields_with_the_profiles_rules():
    profile_form, order_form = InvoiceProfileForm(), EnterpriseOrderForm()
    # the profile page also holds the enterprise's PO rule, which is not an invoice field
    assert tuple(profile_form.fields) == (*INVOICE_FIELDS, "requires_po_number")
    for name in INVOICE_FIELDS:
        asked, profile = order_form.fields[name], profile_form.fields[name]
        assert (type(asked), str(asked.label)) == (type(profile), str(profile.label)), name
        assert getattr(asked, "max_length", None) == getattr(profile, "max_length", None), name
        assert not asked.required, name  # asked only when an invoice is wanted
    order_form = EnterpriseOrderForm(
        data={"payment_method": "bank_transfer", "taxpayer_id": "91440101MA59XXXX0X"}
    )
    assert "taxpayer_id" in order_form.errors  # the profile's check digit rule


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "code"),
    [(PaymentMethod.BANK_TRANSFER, "bank-transfer"), (PaymentMethod.ONLINE, "stripe")],
)
def test_an_orders_source_is_made_once_per_payment_method(method, code):
    source = payment_source_new(
        method=method, order_number="100001", amount=Decimal("12.30"), currency="CNY"
    )
    assert (source.pk, source.source_type.code, source.amount_allocated) == (
        None,
        code,
        Decimal("12.30"),
    )
    order = create_order()
    first = order_payment_source(order=order, method=method)
    assert order_payment_source(order=order, method=method).pk == first.pk
    assert first.amount_allocated == order.total_incl_tax and first.reference == order.number
