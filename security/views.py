from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.throttling import ScopedRateThrottle

from security.throttle import client_ip, login_failures_clear


class ThrottledObtainAuthToken(ObtainAuthToken):
    """The API's token login: DRF's, rate limited (scope "login"); a success clears the cool-off."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        if response.status_code == 200:
            login_failures_clear(
                identity=str(request.data.get("username", "")), ip=client_ip(request)
            )
        return response


obtain_auth_token = ThrottledObtainAuthToken.as_view()
