"""A request id for every request: on each log line it writes, in the tasks it sends, in the answer.

Outermost middleware. A sane ``X-Request-ID`` from the proxy in front is kept
(so its access log and ours share the id); otherwise one is made. The response
carries it back in ``X-Request-ID``.
"""

from config.logs import bound, request_id_from

HEADER = "X-Request-ID"


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id_from(request.headers.get(HEADER))
        with bound(request_id=request.request_id):
            response = self.get_response(request)
        response[HEADER] = request.request_id
        return response
