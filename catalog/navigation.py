"""The category menu every page shows, rendered once and cached (templates/oscar/partials/nav_primary.html)."""

from django.conf import settings
from django.core.cache import cache
from django.core.cache.utils import make_template_fragment_key

NAV_FRAGMENT = "nav_categories"


def category_menu_forget(**kwargs) -> None:
    """A category was saved or deleted: every language's menu is rendered afresh."""
    cache.delete_many(
        [make_template_fragment_key(NAV_FRAGMENT, [code]) for code, _name in settings.LANGUAGES]
    )
