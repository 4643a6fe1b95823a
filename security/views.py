from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response

from security.api_tokens import api_token_issue
from security.login_failures import lockout_response


class LoginPolicyObtainAuthToken(ObtainAuthToken):
    """The API's token login: DRF's, under the site's one login policy.

    Its failures count in django-axes like any other login, and its posts in
    the "login" rate limit (``TAIBAO_RATE_LIMITED_VIEWS``), both keyed on the
    trusted client address. A refused attempt answers 429 with the wait. An
    expired token is replaced by a new one (``security.api_tokens``).
    """

    throttle_classes = []

    @extend_schema(
        responses={
            200: AuthTokenSerializer,
            400: OpenApiResponse(description="Wrong e-mail or password / 账号或密码错误"),
            429: OpenApiResponse(
                description="Too many failed logins from this address: wait (Retry-After)"
            ),
        }
    )
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token = api_token_issue(user=serializer.validated_data["user"])
        return Response({"token": token.key})

    def handle_exception(self, exc):
        if getattr(self.request, "axes_locked_out", False):
            return lockout_response(
                self.request, None, {"username": self.request.data.get("username")}
            )
        return super().handle_exception(exc)


obtain_auth_token = LoginPolicyObtainAuthToken.as_view()
