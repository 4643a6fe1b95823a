"""What the order app's migrations write on every install."""

import pytest
from oscar.core.loading import get_model

ShippingEventType = get_model("order", "ShippingEventType")


@pytest.mark.django_db
def test_a_fresh_database_has_the_shipped_event_type_sellers_ship_with():
    shipped = ShippingEventType.objects.get(code="shipped")
    assert shipped.name == "Shipped"
