import oscar.apps.dashboard.apps as apps


class DashboardConfig(apps.DashboardConfig):
    """Oscar's dashboard, forked (label ``dashboard``) so that Oscar finds our classes here.

    Oscar loads the dashboard's classes through ``get_class("dashboard.…")``;
    with this fork it looks in ``shop.dashboard`` first and falls back to its
    own: ``shop/dashboard/views.py`` (the home page a seller's staff see) and
    the sub-apps ``shop/dashboard/catalogue`` and ``shop/dashboard/orders``.
    """

    name = "shop.dashboard"
