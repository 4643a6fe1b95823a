"""Oscar finds our dashboard classes through the fork alone; the class loader names only
classes of apps the project does not fork."""

from django.apps import apps
from django.conf import settings
from oscar.core.loading import default_class_loader, get_class


def test_the_class_loader_names_no_class_of_a_forked_app():
    from shop.class_loading import OVERRIDES

    assert settings.OSCAR_DYNAMIC_CLASS_LOADER == "shop.class_loading.class_loader"
    for (module_label, name), ours in OVERRIDES.items():
        # Oscar's own loader finds Oscar's class: the app is not forked, the loader is its seam.
        (found,) = default_class_loader(module_label, [name], "oscar.apps")
        assert found.__module__.startswith("oscar.apps."), (module_label, name)
        assert get_class(module_label, name).__module__ == ours.rsplit(".", 1)[0]


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
