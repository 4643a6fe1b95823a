"""A user's permission set, kept in the shared cache between requests.

Every page asks one permission question (the header's dashboard link, Oscar's
``perms.partner.dashboard_access``), and Django answers it with two queries
per request. ``CachedPermissionsBackend`` answers from Redis instead: the set
is stored under a key that names the user and whether they are a superuser,
with the *permissions version* it was read under, and serves only while that
is still the current version (both read in one round trip). Any change that
can alter someone's set —
group membership, a user's or a group's permissions, a group or permission
deleted — replaces the version (``permissions_changed``), so every cached set
is dropped at once. Sets also expire after ``TAIBAO_SHARED_CACHE_SECONDS``,
which bounds how long a change could go unseen if Redis missed the new
version. Without a shared cache (SQLite demo, no REDIS_URL) the setting is 0
and nothing is cached: each process has its own memory, so it could not hear
of changes made by the others.
"""

import uuid

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache

VERSION_KEY = "permissions:version"


def permissions_changed() -> None:
    """Forget every cached permission set: a new version, and no stored set carries it."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def cached_permissions(user) -> set[str] | None:
    """The set stored for ``user`` under the current version, in one round trip; else None."""
    if not settings.TAIBAO_SHARED_CACHE_SECONDS:
        return None
    found = cache.get_many([VERSION_KEY, _key(user)])
    version, stored = found.get(VERSION_KEY), found.get(_key(user))
    if version is None:  # the first ask since Redis started (or lost its data)
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY)
    if version is None or stored is None or stored[0] != version:
        user._permissions_version = version  # what remember_permissions stores against
        return None
    return stored[1]


def remember_permissions(user, permissions: set[str]) -> None:
    version = getattr(user, "_permissions_version", None)
    if version is not None:
        cache.set(_key(user), (version, permissions), settings.TAIBAO_SHARED_CACHE_SECONDS)


def _key(user) -> str:
    return f"permissions:{user.pk}:{int(user.is_superuser)}"


class CachedPermissionsBackend:
    """Django's permission rules (ModelBackend's), with the answer kept in the cache.

    Listed before the backends that sign people in, it fills the user's
    per-request permission set, which Django's ModelBackend and Oscar's
    EmailBackend then read instead of querying. It signs nobody in: its
    ``authenticate`` answers None and it has no ``get_user``, so sessions and
    ``force_login`` never name it.
    """

    def authenticate(self, request, **credentials):
        return None

    def get_all_permissions(self, user_obj, obj=None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            permissions = cached_permissions(user_obj)
            if permissions is None:
                permissions = ModelBackend().get_all_permissions(user_obj)
                remember_permissions(user_obj, permissions)
            user_obj._perm_cache = permissions
        return user_obj._perm_cache

    def has_perm(self, user_obj, perm, obj=None) -> bool:
        return user_obj.is_active and perm in self.get_all_permissions(user_obj, obj)

    def has_module_perms(self, user_obj, app_label) -> bool:
        return user_obj.is_active and any(
            permission.partition(".")[0] == app_label
            for permission in self.get_all_permissions(user_obj)
        )
