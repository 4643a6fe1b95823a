"""The OpenAPI schema, fuzzed: no 5xx and no answer the schema does not describe.

Schemathesis loads /api/schema/ from the live WSGI app and generates requests
for every operation, as a seller's staff and as an enterprise buyer (each with
an API token). The number of examples per operation is bounded so the run
stays within a minute or two in CI; raise FUZZ_EXAMPLES locally for a deeper run.
"""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.farmers.conftest import ours  # noqa: F401  (a seller's staff with stock and a lot)
from tests.shop.conftest import buyer, enterprise  # noqa: F401

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def load_schema():
    """The schema, served by the WSGI app in this process (no database needed)."""
    from config.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/schema/", application)


@pytest.fixture(autouse=True)
def _requests_keep_the_test_connection(db):
    """As Django's test client does: a request must not close the test's connection."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


schema = load_schema()
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,  # the same requests on every run: a failure is reproducible
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)


@schema.parametrize()
@FUZZ
def test_api_as_a_seller(case, ours):  # noqa: F811
    token = Token.objects.get_or_create(user=ours.user)[0]
    case.call_and_validate(headers={"Authorization": f"Token {token.key}"}, checks=CHECKS)


@schema.parametrize()
@FUZZ
def test_api_as_a_buyer(case, buyer):  # noqa: F811
    token = Token.objects.get_or_create(user=buyer)[0]
    case.call_and_validate(headers={"Authorization": f"Token {token.key}"}, checks=CHECKS)
