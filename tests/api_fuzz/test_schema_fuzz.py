"""Schemathesis over the whole OpenAPI schema, as a signed-in user and as staff with an API key, with a working
(fake) model provider: no request, however odd, may get a 5xx. Bounded (FUZZ_EXAMPLES per operation, fixed seed)
to keep `make test` short; `FUZZ_EXAMPLES=20` is the attack round's setting."""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings

from tests.conftest import jwt_client

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "8"))

schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


@pytest.fixture(params=["user", "staff"])
def credentials(request, db, fake_llm) -> dict[str, str]:
    """A user's JWT, or a staff API key (staff reach every operation: AI configs, game stats, scans)."""
    from accounts.models import Role
    from accounts.services import api_key_create
    from tests.accounts.factories import UserFactory

    if request.param == "user":
        user = UserFactory(email="fuzzer@example.com", name="Fuzzer")
        return {"Authorization": jwt_client(user)._credentials["HTTP_AUTHORIZATION"]}
    staff = UserFactory(email="staff-fuzzer@example.com", name="Staff fuzzer", role=Role.ADMIN)
    _, key = api_key_create(user=staff, name="fuzz")
    return {"Authorization": f"Api-Key {key}"}


@pytest.mark.django_db(transaction=True)
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_no_request_gets_a_server_error(case, credentials):
    case.call_and_validate(headers=credentials, checks=[schemathesis.checks.not_a_server_error])
