"""Rate limits, the 429 page (also the login cool-off's), the upload size cap and Permissions-Policy."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from security.throttle import rate_limit_clients, rate_limit_hit
from security.uploads import megabytes


def minutes(seconds: int) -> int:
    return max(1, (seconds + 59) // 60)


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get(
        "Accept", ""
    )


def too_many_requests(request: HttpRequest, *, seconds: int, message: str) -> HttpResponse:
    if _wants_json(request):
        response = JsonResponse({"detail": message}, status=429)
    else:
        response = render(
            request, "security/throttled.html", {"message": message, "seconds": seconds}, status=429
        )
    response["Retry-After"] = str(seconds)
    return response


def request_too_large(request: HttpRequest) -> HttpResponse:
    mb = megabytes(settings.TAIBAO_UPLOAD_MAX_BYTES)
    message = f"上传内容超过 {mb} MB 上限 / The upload is over the {mb} MB limit"
    if _wants_json(request):
        return JsonResponse({"detail": message}, status=413)
    return render(request, "security/throttled.html", {"message": message}, status=413)


class SecurityMiddleware:
    """After authentication in MIDDLEWARE (per-user limits need ``request.user``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self._refuse_large_upload(request) or self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response

    def _refuse_large_upload(self, request: HttpRequest) -> HttpResponse | None:
        if not request.content_type.startswith("multipart/"):
            return None
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        return request_too_large(request) if length > settings.TAIBAO_UPLOAD_MAX_BYTES else None

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if request.method != "POST" or request.resolver_match is None:
            return None
        scope = settings.TAIBAO_RATE_LIMITED_VIEWS.get(request.resolver_match.view_name)
        if scope is None:
            return None
        clients = rate_limit_clients(
            request, recipient_field=settings.TAIBAO_RATE_LIMIT_RECIPIENT_FIELDS.get(scope)
        )
        seconds = max(rate_limit_hit(scope=scope, client=client) for client in clients)
        if not seconds:
            return None
        return too_many_requests(
            request,
            seconds=seconds,
            message=_("Too many requests. Please wait %(minutes)d minutes and try again.")
            % {"minutes": minutes(seconds)},
        )
