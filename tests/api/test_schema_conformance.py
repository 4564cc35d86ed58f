"""Schemathesis runs every operation of /api/schema/ against the app in-process, with and without credentials:
no 5xx, and every status code, content type and body is the one the schema documents.

Bounded for `make test` (about 3,900 requests, one to two minutes on a 2-core machine): as an
administrator, schemathesis's coverage phase (each operation's documented boundary values, ~3,100
requests over the 78 operations) plus `FUZZ_EXAMPLES` random cases per operation, valid and invalid;
anonymously, 3 random cases per operation. Derandomized, without an example database: every run sends the same requests.

The requests go through Django's WSGI handler, in the test's transaction: the rows made below, and whatever
a request creates, are rolled back after each operation.
Agent state and transfer operations reach Redis under the test session's key prefix (tests/conftest.py);
database connections are tested against a SQLite file over ODBC, through a pool on a prefix of its own.
"""

from datetime import timedelta

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from calls.models import AcdEvent, CallRecord
from scripts_app.services.scripts import script_publish, script_save_draft
from tests.factories import AgentFactory, DNISFactory, GroupFactory, IRNFactory, ServiceFactory, SkillFactory
from tests.scripts_app.models_and_services import graphs

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

# Not negative_data_rejection: DRF is lenient by design where the schema is strict (an unusable `page_size`
# is ignored, a form's "0"/"1" is a boolean), which is no defect.
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
FUZZ_EXAMPLES = 8
# A request that takes this long is a defect (the slowest here, an audio upload through sox, takes ~0.1 s).
DEADLINE = timedelta(seconds=10)
# Each operation's examples share one test (and its fixtures): that is the intent, not a hazard.
HEALTH_CHECKS = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much]


class TransactionSafeWSGI:
    """Django's WSGI handler without the per-request `close_old_connections`, which would end the test's
    transaction (Django's own test client disconnects the same receivers)."""

    def __init__(self) -> None:
        self.handler = WSGIHandler()

    def __call__(self, environ, start_response):
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            response = self.handler(environ, start_response)
            try:
                return [b"".join(response)]
            finally:
                response.close()
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)


# The coverage phase sends each operation's boundary values (positive mode only: its invalid values, another
# ~4,300 requests, would double the run; the fuzzing phase sends invalid values too).
CONFIG = {"generation": {"deterministic": True}, "phases": {"coverage": {"generation": {"mode": "positive"}}}}
schema = schemathesis.openapi.from_wsgi(
    "/api/schema/?format=json", TransactionSafeWSGI(), config=schemathesis.Config.from_dict(CONFIG)
)


@pytest.fixture
def token(django_user_model, settings) -> str:
    """An administrator's API token (no password: hashing one per operation would be most of the run)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # /api/auth/token/ hashes
    user = django_user_model.objects.create_superuser("fuzz-admin", "fuzz-admin@example.com", None)
    return Token.objects.create(user=user).key


@pytest.fixture
def rows(sqlite_crm, sql_pool):
    """One row of each kind at id 1 (the id generated most often), so detail operations find something."""
    group, skill = GroupFactory(pk=1), SkillFactory(pk=1)
    agent = AgentFactory(pk=1)
    agent.groups.add(group)
    agent.agent_skills.create(skill=skill, level=3)
    service = ServiceFactory(pk=1)
    service.service_groups.create(group=group, position=1)
    dnis = DNISFactory(pk=1)
    IRNFactory(pk=1, destination_service=service, dnis=dnis)
    script = script_save_draft(data={"name": "Welcome", "graph": graphs.greeting()})
    script_publish(script=script)
    record = CallRecord.objects.create(pk=1, call_id="c1", ani="+15551230002", dnis=dnis.number, service="S")
    AcdEvent.objects.create(call_id=record.call_id, kind="queued", service=service.name, position=1)


@schema.parametrize()
@settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=DEADLINE,
    derandomize=True,
    database=None,
    suppress_health_check=HEALTH_CHECKS,
)
def test_every_operation_answers_as_documented(case, token, rows):
    """As an administrator: no 5xx, every answer (errors included) as the schema documents it."""
    case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)


@schema.parametrize()
@settings(
    max_examples=3,
    phases=[Phase.generate],
    deadline=DEADLINE,
    derandomize=True,
    database=None,
    suppress_health_check=HEALTH_CHECKS,
)
def test_without_credentials_every_operation_is_401_but_the_token_one(case):
    """Anonymous: 401 not_authenticated in the error shape, except the operation that hands out tokens
    (and a path no URL matches, such as an id of 1.5: 404 not_found, in the same shape)."""
    response = case.call_and_validate(checks=CHECKS)
    if case.operation.path == "/api/auth/token/":
        assert response.status_code in (200, 400)
    elif response.status_code == 404:
        assert case.meta.generation.mode.is_negative and response.json()["code"] == "not_found"
    else:
        assert response.status_code == 401, response.text
        assert response.json()["code"] == "not_authenticated"
