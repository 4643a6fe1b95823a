"""Oscar's product form cannot type a stock level in: only lots change it."""

import pytest
from oscar.core.loading import get_model
from oscar.test.factories import UserFactory

from farmers.services.stock import stock_lot_mismatches

pytestmark = pytest.mark.django_db

StockRecord = get_model("partner", "StockRecord")


def product_form_data(response):
    """Every field of the rendered product form, as the browser would post it back."""
    form = response.context["form"]
    data = {name: ("" if value is None else value) for name, value in form.initial.items()}
    data.update({"title": form.instance.title, "upc": form.instance.upc})
    for formset_name in (
        "stockrecord_formset",
        "category_formset",
        "image_formset",
        "recommended_formset",
        "attribute_option_formset",
    ):
        formset = response.context.get(formset_name)
        if formset is None:
            continue
        management = formset.management_form
        for field in management:
            data[f"{formset.prefix}-{field.name}"] = management[field.name].value()
        # Post back the existing rows only, as a user who adds nothing new.
        data[f"{formset.prefix}-TOTAL_FORMS"] = formset.initial_form_count()
        for form_ in formset.forms[: formset.initial_form_count()]:
            for field in form_:
                value = field.value()
                if value is not None and not isinstance(value, (list, dict)):
                    data[f"{form_.prefix}-{field.name}"] = value
    return data


def test_staff_cannot_overwrite_stock_in_the_product_form(client, demo_world):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    record = StockRecord.objects.get(partner_sku="TB-MT-2500")
    url = f"/dashboard/catalogue/products/{record.product_id}/"
    response = client.get(url)
    assert response.status_code == 200
    field = response.context["stockrecord_formset"].forms[0].fields["num_in_stock"]
    assert field.disabled
    data = product_form_data(response)
    prefix = response.context["stockrecord_formset"].forms[0].prefix
    data[f"{prefix}-num_in_stock"] = 99999
    data[f"{prefix}-price"] = "31.00"
    response = client.post(url, data)
    assert response.status_code == 302, response.context and {
        name: getattr(response.context.get(name), "errors", None)
        for name in (
            "form",
            "stockrecord_formset",
            "category_formset",
            "image_formset",
            "recommended_formset",
        )
    }
    record.refresh_from_db()
    assert str(record.price) == "31.00"  # other fields still edit
    assert record.num_in_stock != 99999
    assert stock_lot_mismatches() == []
