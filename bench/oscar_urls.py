"""The project's URLs plus django-oscar's own Haystack catalogue view at /oscar-catalogue/."""

from django.urls import path
from oscar.apps.search.views import CatalogueView as OscarCatalogueView

from config.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    path("oscar-catalogue/", OscarCatalogueView.as_view(), name="oscar-catalogue"),
    *project_urlpatterns,
]
