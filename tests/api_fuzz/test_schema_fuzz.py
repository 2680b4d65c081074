"""Schemathesis over the whole OpenAPI schema, as a signed-in user with a working (fake) model provider: no
request, however odd, may get a 5xx. Bounded (FUZZ_EXAMPLES per operation, fixed seed) to keep `make test` short."""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings

from tests.conftest import jwt_client

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "8"))

schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


@pytest.fixture
def bearer(db, fake_llm) -> dict[str, str]:
    from tests.accounts.factories import UserFactory

    user = UserFactory(email="fuzzer@example.com", name="Fuzzer")
    return {"Authorization": jwt_client(user)._credentials["HTTP_AUTHORIZATION"]}


@pytest.mark.django_db(transaction=True)
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_no_request_gets_a_server_error(case, bearer):
    case.call_and_validate(headers=bearer, checks=[schemathesis.checks.not_a_server_error])
