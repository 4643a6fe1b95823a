from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The Taibao demo world and its ``load_demo`` command; nothing in the product uses it."""

    name = "demo"
    label = "demo"
    verbose_name = "Taibao demo"
