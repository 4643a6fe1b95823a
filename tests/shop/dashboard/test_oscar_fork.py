"""Oscar finds our dashboard classes through the fork alone (no class loader of ours)."""

from django.apps import apps
from django.conf import settings
from oscar.core.loading import get_class


def test_oscars_default_class_loader_is_used():
    assert settings.OSCAR_DYNAMIC_CLASS_LOADER == "oscar.core.loading.default_class_loader"


def test_the_dashboard_home_and_its_sub_apps_views_come_from_the_fork():
    assert get_class("dashboard.views", "IndexView").__module__ == "shop.dashboard.views"
    orders = apps.get_app_config("orders_dashboard")
    catalogue = apps.get_app_config("catalogue_dashboard")
    assert orders.order_list_view.__module__ == "shop.dashboard.orders.views"
    assert orders.line_detail_view.__module__ == "shop.dashboard.orders.views"
    assert catalogue.product_createupdate_view.__module__ == "shop.dashboard.catalogue.views"
    # what the fork does not replace is Oscar's own
    assert get_class("dashboard.views", "LoginView").__module__ == "oscar.apps.dashboard.views"


def test_the_offer_applicator_comes_from_the_offer_fork():
    assert apps.get_app_config("offer").name == "shop.offer"
    assert get_class("offer.applicator", "Applicator").__module__ == "shop.offer.applicator"
