"""Permission sets answered from the cache, and dropped whenever permissions change."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

User = get_user_model()


@pytest.fixture(autouse=True)
def _cached(settings):
    settings.TAIBAO_SHARED_CACHE_SECONDS = 300


@pytest.fixture
def dashboard_access():
    return Permission.objects.get(codename="dashboard_access", content_type__app_label="partner")


@pytest.fixture
def staff_group(dashboard_access):
    group = Group.objects.create(name="卖家员工")
    group.permissions.add(dashboard_access)
    return group


def can_open_dashboard(user_pk: int) -> bool:
    """As a new request would ask: a fresh user object, nothing remembered on it."""
    return User.objects.get(pk=user_pk).has_perm("partner.dashboard_access")


def permission_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if "auth_permission" in q["sql"]]


@pytest.mark.django_db
def test_a_page_asks_the_database_for_permissions_once_then_the_cache(client, staff_group):
    user = User.objects.create_user("s@a.example", "s@a.example", "pw")
    client.force_login(user)
    client.get("/basket/")  # the header asks for partner.dashboard_access
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/basket/")
    assert response.status_code == 200
    assert permission_queries(queries) == []
    assert not response.wsgi_request.user.has_perm("partner.dashboard_access")


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks):
    """Make a change and commit it (its after-commit steps run), then ask as a new request."""

    def change_then_ask(change, user_pk: int) -> bool:
        with django_capture_on_commit_callbacks(execute=True):
            change()
        return can_open_dashboard(user_pk)

    return change_then_ask


@pytest.mark.django_db
def test_joining_and_leaving_a_group_is_seen_at_once(staff_group, after_commit):
    user = User.objects.create_user("s@a.example", "s@a.example", "pw")
    assert can_open_dashboard(user.pk) is False  # cached: no access
    assert after_commit(lambda: user.groups.add(staff_group), user.pk) is True
    assert after_commit(lambda: user.groups.remove(staff_group), user.pk) is False
    assert after_commit(lambda: user.groups.add(staff_group), user.pk) is True
    assert after_commit(user.groups.clear, user.pk) is False


@pytest.mark.django_db
def test_a_groups_permissions_and_a_users_own_are_seen_at_once(
    staff_group, dashboard_access, after_commit
):
    member = User.objects.create_user("m@a.example", "m@a.example", "pw")
    assert after_commit(lambda: member.groups.add(staff_group), member.pk) is True
    assert (
        after_commit(lambda: staff_group.permissions.remove(dashboard_access), member.pk) is False
    )

    loner = User.objects.create_user("l@a.example", "l@a.example", "pw")
    assert can_open_dashboard(loner.pk) is False
    assert after_commit(lambda: loner.user_permissions.add(dashboard_access), loner.pk) is True

    assert after_commit(lambda: staff_group.permissions.add(dashboard_access), member.pk) is True
    assert after_commit(staff_group.delete, member.pk) is False


@pytest.mark.django_db
def test_a_change_is_not_announced_before_it_commits(staff_group):
    """Until the commit, other requests still read the old set: it must not outlive the commit."""
    user = User.objects.create_user("s@a.example", "s@a.example", "pw")
    assert can_open_dashboard(user.pk) is False
    user.groups.add(staff_group)  # not committed: the on-commit step has not run
    assert can_open_dashboard(user.pk) is False  # the cached (old) answer, as other sessions see


@pytest.mark.django_db
def test_superusers_and_inactive_users(django_capture_on_commit_callbacks):
    user = User.objects.create_user("u@a.example", "u@a.example", "pw")
    assert can_open_dashboard(user.pk) is False
    User.objects.filter(pk=user.pk).update(is_superuser=True)
    assert can_open_dashboard(user.pk) is True  # the flag is part of the key
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert can_open_dashboard(user.pk) is False  # checked on the user, never cached


@pytest.mark.django_db
def test_without_a_shared_cache_every_request_asks_the_database(settings, staff_group):
    settings.TAIBAO_SHARED_CACHE_SECONDS = 0
    user = User.objects.create_user("s@a.example", "s@a.example", "pw")
    can_open_dashboard(user.pk)
    with CaptureQueriesContext(connection) as queries:
        assert can_open_dashboard(user.pk) is False
    assert len(permission_queries(queries)) == 2
