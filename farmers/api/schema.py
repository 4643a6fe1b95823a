"""The API's OpenAPI schema documents the errors it really answers with.

drf-spectacular documents only the success response. Clients (and the
schema fuzz test, tests/api/test_schema_fuzz.py) also meet 400 for invalid
input, 401 without a token, 403 for another seller's stock, 404 for an
unknown id or page, and 429 when a throttle applies; each is added here with
DRF's error body.
"""

from drf_spectacular.openapi import AutoSchema
from rest_framework.permissions import AllowAny

DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
VALIDATION = {
    "type": "object",
    "description": "Each invalid field (or non_field_errors / detail) with its messages.",
    "additionalProperties": True,
}
DESCRIPTIONS = {
    "400": "Invalid input",
    "401": "No valid token",
    "403": "Not allowed",
    "404": "Not found",
    "429": "Too many requests",
}


class ErrorDocumentingAutoSchema(AutoSchema):
    def _error_codes(self) -> list[str]:
        codes = []
        if self.method in ("POST", "PUT", "PATCH") or self._is_list_view():
            codes.append("400")
        if not all(isinstance(p, AllowAny) for p in self.view.get_permissions()):
            codes += ["401", "403"]
        if "{" in self.path or self._is_list_view():  # an unknown id; a page past the end
            codes.append("404")
        if self.view.get_throttles():
            codes.append("429")
        return codes

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code in self._error_codes():
            body = VALIDATION if code == "400" else DETAIL
            responses.setdefault(
                code,
                {
                    "description": DESCRIPTIONS[code],
                    "content": {"application/json": {"schema": body}},
                },
            )
        return responses
