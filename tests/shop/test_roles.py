"""The four roles: defined once (shop/roles.py), created by a migration, checked as permissions."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from oscar.test.factories import UserFactory

from shop.models import Enterprise, EnterpriseMember
from shop.roles import (
    ENTERPRISE_ADMIN,
    ENTERPRISE_BUYER,
    MANAGE_ENTERPRISE,
    ROLES,
    SELLER_STAFF,
    USE_ENTERPRISE,
    WORK_TEAM,
    role_assign,
    roles_sync,
    users_with_permission,
)

pytestmark = pytest.mark.django_db


def permission_names(group: Group) -> set[str]:
    return {
        f"{app_label}.{codename}"
        for app_label, codename in group.permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


def test_the_migration_created_every_role_with_exactly_its_permissions():
    for role in ROLES:
        assert permission_names(Group.objects.get(name=role.name)) == set(role.permissions)


def test_syncing_again_puts_back_what_was_removed_and_takes_away_what_was_added():
    team = Group.objects.get(name=WORK_TEAM.name)
    team.permissions.remove(Permission.objects.get(codename="view_household"))
    team.permissions.add(Permission.objects.get(codename="delete_household"))
    roles_sync()
    assert permission_names(team) == set(WORK_TEAM.permissions)


def test_a_work_team_member_is_staff_with_the_teams_permissions():
    user = UserFactory(is_staff=False)
    role_assign(user=user, role=WORK_TEAM)
    user.refresh_from_db()
    assert user.is_staff
    assert user.has_perms(WORK_TEAM.permissions)
    assert [u.pk for u in users_with_permission("shop.add_transferreceipt")] == [user.pk]


def test_seller_staff_reach_the_dashboard_but_not_the_teams_pages():
    user = UserFactory(is_staff=False)
    role_assign(user=user, role=SELLER_STAFF)
    user.refresh_from_db()
    assert user.has_perm("partner.dashboard_access") and not user.is_staff
    assert not user.has_perm("farmers.view_household")


def test_an_enterprise_role_comes_from_the_membership_not_a_group():
    with pytest.raises(ValueError):
        role_assign(user=UserFactory(), role=ENTERPRISE_ADMIN)


def _member(role: str):
    enterprise = Enterprise.objects.create(name=f"E-{role}", uscc=f"91440101MA5{role[:1]}XXXX0X")
    user = UserFactory()
    EnterpriseMember.objects.create(enterprise=enterprise, user=user, role=role)
    return user


def test_enterprise_members_hold_their_roles_permissions_and_outsiders_none():
    admin = _member(EnterpriseMember.Role.ADMIN)
    buyer = _member(EnterpriseMember.Role.BUYER)
    outsider = UserFactory()
    assert admin.has_perms(ENTERPRISE_ADMIN.permissions)
    assert buyer.has_perms(ENTERPRISE_BUYER.permissions)
    assert buyer.has_perm(USE_ENTERPRISE) and not buyer.has_perm(MANAGE_ENTERPRISE)
    assert not outsider.has_perm(USE_ENTERPRISE)


def test_what_the_enterprise_admin_group_holds_is_what_admins_may_do(client):
    admin = _member(EnterpriseMember.Role.ADMIN)
    client.force_login(admin)
    assert client.get(reverse("shop:invoice-profile")).status_code == 200
    Group.objects.get(name=ENTERPRISE_ADMIN.name).permissions.remove(
        Permission.objects.get(content_type__app_label="shop", codename="change_enterprise")
    )
    assert client.get(reverse("shop:invoice-profile")).status_code == 403
