"""Enterprises, their members and invitations, invoice profiles and delivery addresses."""

import secrets

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from outbox.errors import PermanentError
from shop.models import (
    Enterprise,
    EnterpriseAddress,
    EnterpriseInvitation,
    EnterpriseMember,
    InvoiceProfile,
)


class EnterpriseRefused(PermanentError):
    """A change to an enterprise that would break one of its rules; the message says which."""


def enterprise_register(*, user, name: str, uscc: str) -> Enterprise:
    """A signed-in user registers their enterprise and becomes its administrator."""
    if EnterpriseMember.objects.filter(user=user).exists():
        raise EnterpriseRefused(_("You already belong to an enterprise."))
    with transaction.atomic():
        enterprise = Enterprise(name=name.strip(), uscc=uscc.strip().upper())
        enterprise.full_clean()
        enterprise.save()
        EnterpriseMember.objects.create(
            enterprise=enterprise, user=user, role=EnterpriseMember.Role.ADMIN
        )
        InvoiceProfile.objects.create(
            enterprise=enterprise, invoice_title=enterprise.name, taxpayer_id=enterprise.uscc
        )
    return enterprise


def member_invite(
    *, enterprise: Enterprise, invited_by, email: str, role: str, accept_url_template: str
) -> EnterpriseInvitation:
    """Invite someone by e-mail; ``accept_url_template`` has ``{token}`` where the token goes."""
    email = email.strip().lower()
    if EnterpriseMember.objects.filter(enterprise=enterprise, user__email__iexact=email).exists():
        raise EnterpriseRefused(_("%(email)s is already a member.") % {"email": email})
    invitation = EnterpriseInvitation.objects.create(
        enterprise=enterprise,
        email=email,
        role=role,
        token=secrets.token_urlsafe(32),
        invited_by=invited_by,
    )
    url = accept_url_template.format(token=invitation.token)
    subject = _("Invitation to buy for %(enterprise)s on Taibao Market") % {
        "enterprise": enterprise.name
    }
    # No text the inviter chose (their name, a note): the platform must not relay it to any
    # address. Only the enterprise's registered name, the role and our own link.
    body = _(
        "You are invited to join %(enterprise)s on Taibao Market as %(role)s.\n\n"
        "Sign in (or register with this e-mail address) and open:\n%(url)s\n\n"
        "If you do not know this enterprise, ignore this message.\n"
    ) % {
        "enterprise": enterprise.name,
        "role": invitation.get_role_display(),
        "url": url,
    }
    transaction.on_commit(
        lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])
    )
    return invitation


def invitation_accept(*, token: str, user) -> EnterpriseMember:
    with transaction.atomic():
        invitation = (
            EnterpriseInvitation.objects.select_for_update()
            .filter(token=token, accepted_at__isnull=True)
            .first()
        )
        if invitation is None:
            raise EnterpriseRefused(_("This invitation is not valid or was already used."))
        if invitation.email.lower() != (user.email or "").lower():
            raise EnterpriseRefused(
                _("This invitation was sent to %(email)s; sign in with that address.")
                % {"email": invitation.email}
            )
        if EnterpriseMember.objects.filter(user=user).exists():
            raise EnterpriseRefused(_("You already belong to an enterprise."))
        member = EnterpriseMember.objects.create(
            enterprise=invitation.enterprise, user=user, role=invitation.role
        )
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
    return member


def _other_admins(member: EnterpriseMember) -> bool:
    return (
        EnterpriseMember.objects.filter(
            enterprise_id=member.enterprise_id, role=EnterpriseMember.Role.ADMIN
        )
        .exclude(pk=member.pk)
        .exists()
    )


def member_set_role(*, member: EnterpriseMember, role: str) -> EnterpriseMember:
    with transaction.atomic():
        if (
            member.role == EnterpriseMember.Role.ADMIN
            and role != EnterpriseMember.Role.ADMIN
            and not _other_admins(member)
        ):
            raise EnterpriseRefused(_("An enterprise needs at least one administrator."))
        member.role = role
        member.save(update_fields=["role"])
    return member


def member_remove(*, member: EnterpriseMember) -> None:
    with transaction.atomic():
        if member.role == EnterpriseMember.Role.ADMIN and not _other_admins(member):
            raise EnterpriseRefused(_("An enterprise needs at least one administrator."))
        member.delete()


def invoice_profile_save(*, enterprise: Enterprise, fields: dict) -> InvoiceProfile:
    profile, _created = InvoiceProfile.objects.update_or_create(
        enterprise=enterprise, defaults=fields
    )
    return profile


def enterprise_po_requirement_set(*, enterprise: Enterprise, required: bool) -> Enterprise:
    """Whether checkout refuses this enterprise's orders without a PO number."""
    if enterprise.requires_po_number != required:
        enterprise.requires_po_number = required
        enterprise.save(update_fields=["requires_po_number"])
    return enterprise


def address_save(
    *, enterprise: Enterprise, fields: dict, address: EnterpriseAddress | None = None
) -> EnterpriseAddress:
    """Create or change a delivery address; at most one is the default."""
    with transaction.atomic():
        if address is None:
            address = EnterpriseAddress(enterprise=enterprise)
        elif address.enterprise_id != enterprise.pk:
            raise EnterpriseRefused(_("Not an address of your enterprise."))
        for name, value in fields.items():
            setattr(address, name, value)
        if not enterprise.addresses.exclude(pk=address.pk).exists():
            address.is_default = True
        address.save()
        if address.is_default:
            enterprise.addresses.exclude(pk=address.pk).update(is_default=False)
    return address


def address_delete(*, enterprise: Enterprise, address: EnterpriseAddress) -> None:
    if address.enterprise_id != enterprise.pk:
        raise EnterpriseRefused(_("Not an address of your enterprise."))
    with transaction.atomic():
        was_default = address.is_default
        address.delete()
        if was_default:
            first = enterprise.addresses.order_by("pk").first()
            if first:
                first.is_default = True
                first.save(update_fields=["is_default"])
