"""API tokens expire: ``TAIBAO_API_TOKEN_HOURS`` after they were issued.

DRF's tokens live for ever. :class:`ExpiringTokenAuthentication` refuses a
token older than the setting (401, "token expired"), and the token login
(:func:`api_token_issue`) replaces an expired token with a new one.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed


def api_token_expired(token: Token) -> bool:
    lifetime = datetime.timedelta(hours=settings.TAIBAO_API_TOKEN_HOURS)
    return token.created + lifetime <= timezone.now()


@transaction.atomic
def api_token_issue(*, user) -> Token:
    """The user's token, a new one when theirs has expired."""
    token, created = Token.objects.select_for_update().get_or_create(user=user)
    if not created and api_token_expired(token):
        token.delete()
        token = Token.objects.create(user=user)
    return token


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if api_token_expired(token):
            raise AuthenticationFailed(
                _("The token has expired; sign in again at /api/v1/auth/token/.")
            )
        return user, token
