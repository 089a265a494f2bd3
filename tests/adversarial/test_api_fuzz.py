"""API fuzzing from the OpenAPI schema (schemathesis): valid and invalid requests to every operation
never get a 5xx, and every 4xx is an RFC 9457 problem with a one-line detail.

schemathesis's pytest plugin (`from_fixture`) does not run under pytest 9, so each operation's case
strategy is driven with hypothesis directly; the cases are derandomized, the same every run.
"""

import json

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable

from adversarial.api_support import PROBLEM_KEYS, make_client

EXAMPLES = 12  # per operation and mode; a valid generation with the tiny model takes about a second
CALL_TIMEOUT_S = 300  # a generation on a loaded 2-core machine can take tens of seconds
MUST_FUZZ = {
    "POST /v1/creatives",
    "POST /v1/uploads",
    "POST /v1/jobs",
    "GET /v1/creatives",
    "POST /v1/choose",
}
MODES = [schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE]


def check_response(case, response) -> None:
    """No 5xx; a 4xx is application/problem+json with the RFC 9457 members and a one-line detail."""
    where = f"{case.method} {case.formatted_path} -> {response.status_code}: {response.content[:300]!r}"
    assert response.status_code < 500, where
    if response.status_code >= 400:
        assert response.headers["content-type"] == ["application/problem+json"], where
        body = json.loads(response.content)
        assert PROBLEM_KEYS <= set(body) and body["status"] == response.status_code, where
        assert body["detail"] and "\n" not in body["detail"], where


@pytest.mark.parametrize("mode", MODES, ids=str)
def test_no_5xx_and_every_error_is_a_problem(tmp_path, mode):
    client = make_client(tmp_path / "data", queue_size=1, max_products_per_job=2)
    schema = schemathesis.openapi.from_asgi("/openapi.json", client.app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 14  # every route of the API is in the schema and fuzzed
    skipped = []
    try:
        for operation in operations:

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                derandomize=True,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            def run(case):
                check_response(case, case.call(timeout=CALL_TIMEOUT_S))

            try:
                run()
            except Unsatisfiable:  # an operation without parameters or body has no invalid form
                assert mode == schemathesis.GenerationMode.NEGATIVE, operation.label
                skipped.append(operation.label)
        assert not set(skipped) & MUST_FUZZ, skipped
    finally:
        client.__exit__(None, None, None)
