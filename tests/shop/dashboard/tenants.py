"""Helpers for the dashboard's tenancy tests: a seller's staff and figures to look for."""

from django.contrib.auth.models import Permission
from oscar.test.factories import UserFactory


def seller_staff(partner_name):
    user = UserFactory(is_staff=False)
    user.user_permissions.add(
        Permission.objects.get(codename="dashboard_access", content_type__app_label="partner")
    )
    return user


def amounts(*values):
    """Plain figures, so no currency format can hide one from the assertions."""
    return [f"{value:.2f}" for value in values]
