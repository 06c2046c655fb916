"""API fuzzing: schemathesis generates requests from the served OpenAPI schema for every
/api/v1/ operation, signed in as a shopper, a vendor owner and staff in turn. No answer may be
a 5xx, and every documented answer must match its own schema."""

import pytest
from hypothesis import HealthCheck, given, settings
from schemathesis import openapi
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from testing.clients import client_for

MAX_EXAMPLES = 10


@pytest.fixture
def wsgi_in_test_transaction(db):
    """As Django's test client does: keep the test's transaction open across WSGI requests."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def role_headers(make_user):
    """Authorization headers of a shopper, an approved vendor's owner and a staff member."""
    from agora.vendors.tests.factories import VendorMembershipFactory

    users = [make_user(), VendorMembershipFactory().user, make_user(is_staff=True)]
    return [client_for(u)._credentials["HTTP_AUTHORIZATION"] for u in users]


@pytest.mark.slow
def test_api_never_answers_5xx_and_keeps_its_schema(wsgi_in_test_transaction, role_headers):
    from config.wsgi import application

    schema = openapi.from_wsgi("/api/schema/", application).include(path_regex=r"^/api/v1/")
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 5

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def exercise(case):
            for authorization in role_headers:
                response = case.call(headers={"Authorization": authorization})
                case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])

        try:
            exercise()
        except Exception as exc:  # noqa: BLE001 - collect every operation's failure, report all at once
            failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:1500]}")
    assert not failures, "\n\n".join(failures)
