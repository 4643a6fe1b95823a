"""The platform's roles, defined once: each is a group of Django permissions.

| role | who | holds it through |
|---|---|---|
| work team (``assistance_team``) | the town assistance work team (工作队) | membership of the group |
| seller staff (``seller_staff``) | a cooperative's or shop's staff (their partner's users) | membership of the group |
| enterprise admin (``enterprise_admin``) | an enterprise's administrators | their ``EnterpriseMember.role`` |
| enterprise buyer (``enterprise_buyer``) | an enterprise's buyers | their ``EnterpriseMember.role`` |

Each role's group is created with its permissions by a data migration
(``shop/migrations/…_roles``) and can be re-synchronised with
:func:`roles_sync`; :func:`role_assign` puts a user in a group role. An
enterprise member's permissions are those of the group named by their role
in their enterprise (:class:`EnterpriseRoleBackend`): the role stays one field
of the membership, and which enterprise they act for is always the
membership's. Code checks permissions (``user.has_perm``), never group names.
Whose rows a user may see (their partner's, their enterprise's) is decided by
the views' scoping, not by the role.
"""

from dataclasses import dataclass

from django.apps import apps as django_apps
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Role:
    name: str  # the group's name
    label: str
    permissions: tuple[str, ...]  # "app_label.codename"
    staff: bool = False  # its members use Oscar's dashboard as staff


# The team's household register, pages and reconciliation (farmers), and the payments it
# confirms or refunds (shop).
WORK_TEAM = Role(
    "assistance_team",
    _("Town assistance work team"),
    (
        "farmers.view_household",
        "farmers.add_household",
        "farmers.change_household",
        "farmers.reveal_personal_data",
        "farmers.view_monitoringperiod",
        "farmers.add_monitoringperiod",
        "farmers.change_monitoringperiod",
        "farmers.view_membership",
        "farmers.add_membership",
        "farmers.delete_membership",
        "farmers.view_seller",
        "farmers.view_village",
        "farmers.view_attribution",
        "farmers.view_attributionshortfall",
        "farmers.change_attributionshortfall",
        # Household settlement: the team sees every batch and runs the town shop's payouts.
        "farmers.view_payoutbatch",
        "farmers.add_payoutbatch",
        "farmers.change_payoutbatch",
        "farmers.view_payoutline",
        "farmers.change_payoutline",
        "farmers.view_payee",
        "farmers.add_payee",
        "farmers.change_payee",
        "farmers.view_settlementslip",
        "farmers.add_settlementslip",
        "shop.view_transferreceipt",
        "shop.add_transferreceipt",
        "online_payments.view_paymentattempt",
        "online_payments.view_refund",
        "online_payments.add_refund",
    ),
    staff=True,
)
# Their own stock, lots and order lines in the dashboard (scoped to their partner).
SELLER_STAFF = Role("seller_staff", _("Seller staff"), ("partner.dashboard_access",))
ENTERPRISE_BUYER = Role(
    "enterprise_buyer",
    _("Enterprise buyer"),
    (
        "shop.view_enterprise",
        "shop.view_pairingagreement",
        "shop.view_invoiceprofile",
        "shop.view_enterpriseaddress",
        "shop.view_invoicerequest",
        "shop.add_invoicerequest",
    ),
)
ENTERPRISE_ADMIN = Role(
    "enterprise_admin",
    _("Enterprise administrator"),
    (
        *ENTERPRISE_BUYER.permissions,
        "shop.change_enterprise",
        "shop.view_enterprisemember",
        "shop.change_enterprisemember",
        "shop.delete_enterprisemember",
        "shop.add_enterpriseinvitation",
        "shop.change_invoiceprofile",
        "shop.add_enterpriseaddress",
        "shop.change_enterpriseaddress",
        "shop.delete_enterpriseaddress",
    ),
)
ROLES = (WORK_TEAM, SELLER_STAFF, ENTERPRISE_ADMIN, ENTERPRISE_BUYER)
ENTERPRISE_ROLES = {"admin": ENTERPRISE_ADMIN, "buyer": ENTERPRISE_BUYER}  # EnterpriseMember.Role

# What the checks ask. One name each, so that a view, a menu entry and a test agree.
CONFIRM_TRANSFERS = "shop.add_transferreceipt"  # the team's bank-transfer pages; told of orders
REFUND_ONLINE = "online_payments.add_refund"  # the team's online payments and refunds
USE_ENTERPRISE = "shop.view_enterprise"  # an enterprise's pages: orders, invoices, statements
MANAGE_ENTERPRISE = "shop.change_enterprise"  # members, roles, invoice profile
ENTERPRISE_PERMISSIONS = frozenset(ENTERPRISE_ADMIN.permissions)


def _permissions(apps, names: tuple[str, ...]) -> list:
    permission_model = apps.get_model("auth", "Permission")
    wanted = Q(pk__in=[])
    for name in names:
        app_label, codename = name.split(".")
        wanted |= Q(content_type__app_label=app_label, codename=codename)
    found = list(permission_model.objects.filter(wanted))
    missing = set(names) - {f"{p.content_type.app_label}.{p.codename}" for p in found}
    if missing:
        raise LookupError(f"permissions missing (run migrate first): {sorted(missing)}")
    return found


def _create_permissions(apps) -> None:
    """Django creates permissions after migrating; a migration that needs them creates them."""
    from django.contrib.auth.management import create_permissions

    for config in apps.get_app_configs():
        config.models_module = True
        create_permissions(config, verbosity=0, apps=apps)
        config.models_module = None


def roles_sync(*, apps=django_apps) -> None:
    """Each role's group exists with exactly its permissions (the data migration calls this)."""
    if apps is not django_apps:
        _create_permissions(apps)
    group_model = apps.get_model("auth", "Group")
    for role in ROLES:
        group, _created = group_model.objects.get_or_create(name=role.name)
        group.permissions.set(_permissions(apps, role.permissions))


def role_group(role: Role):
    """The role's group, created with its permissions should it be missing."""
    from django.contrib.auth.models import Group

    group = Group.objects.filter(name=role.name).first()
    if group is None:
        roles_sync()
        group = Group.objects.get(name=role.name)
    return group


def role_assign(*, user, role: Role) -> None:
    """Give ``user`` a group role (work team, seller staff): its group, and staff if it needs."""
    if role in ENTERPRISE_ROLES.values():
        raise ValueError("an enterprise role comes from the membership (EnterpriseMember.role)")
    user.groups.add(role_group(role))
    if role.staff and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])


def users_with_permission(permission: str) -> QuerySet:
    """Active users who hold ``permission`` through a group or directly (not by superuser)."""
    from django.contrib.auth import get_user_model

    app_label, codename = permission.split(".")
    held = Q(
        groups__permissions__content_type__app_label=app_label,
        groups__permissions__codename=codename,
    ) | Q(
        user_permissions__content_type__app_label=app_label,
        user_permissions__codename=codename,
    )
    users = get_user_model().objects.filter(is_active=True)
    return users.filter(pk__in=users.filter(held).values("pk"))


class EnterpriseRoleBackend:
    """An enterprise member holds the permissions of their role's group.

    Asked only about the enterprise roles' permissions (any other answer is
    left to the other backends, without a query); the member's role and its
    group's permissions are read once per request.
    """

    def authenticate(self, request, **credentials):
        return None

    def _enterprise_permissions(self, user_obj) -> set[str]:
        if not hasattr(user_obj, "_enterprise_perm_cache"):
            from django.contrib.auth.models import Group, Permission

            from shop.models import EnterpriseMember

            role = (
                EnterpriseMember.objects.filter(user=user_obj)
                .values_list("role", flat=True)
                .first()
            )
            permissions = set()
            if role in ENTERPRISE_ROLES:
                group = ENTERPRISE_ROLES[role].name
                permissions = {
                    f"{app_label}.{codename}"
                    for app_label, codename in Permission.objects.filter(
                        group__name=group
                    ).values_list("content_type__app_label", "codename")
                }
                if not permissions and not Group.objects.filter(name=group).exists():
                    # No group (a database flushed since migrating): the role as defined here.
                    permissions = set(ENTERPRISE_ROLES[role].permissions)
            user_obj._enterprise_perm_cache = permissions
        return user_obj._enterprise_perm_cache

    def get_all_permissions(self, user_obj, obj=None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        return self._enterprise_permissions(user_obj)

    def has_perm(self, user_obj, perm, obj=None) -> bool:
        if perm not in ENTERPRISE_PERMISSIONS:
            return False
        return perm in self.get_all_permissions(user_obj, obj)
