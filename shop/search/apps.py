import oscar.apps.search.apps as apps
from oscar.core.loading import get_class


class SearchConfig(apps.SearchConfig):
    """Oscar's search app, answering from the database instead of Haystack."""

    name = "shop.search"
    label = "search"

    def ready(self):
        self.search_view = get_class("catalogue.views", "ProductSearchView")
