"""A view that breaks a unique constraint inside a transaction (the session stays alive)."""

from django.contrib.sites.models import Site
from django.db import transaction
from django.urls import path

calls: list[str] = []


def duplicate(request):
    calls.append(request.method)
    site = Site.objects.first()
    with transaction.atomic():
        Site.objects.create(pk=site.pk, domain="again.example", name="again")
    raise AssertionError("unreachable")


urlpatterns = [path("duplicate/", duplicate)]
