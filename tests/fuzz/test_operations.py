"""Fuzz every operation of botocore's glacier model: no request may make the double answer 500.

Inputs are drawn by walking each operation's input shape (strings of every awkward kind,
numbers out of range, blobs, nested JSON bodies, wrong types, members left out), often naming
the ids of a state built first (vaults, archives, an upload with a part, jobs, a vault lock,
policies, tags, capacity), so handlers go past their 404s. A client with
``parameter_validation=False`` sends what botocore would refuse; a few examples also rewrite
the body or a header as a hand-written client could. Every answer must be a success or an
AWS-shaped 4xx error that changed no state; after a success everything is read back, so a
state the request corrupted shows too.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st

from pytest_glacier import Glacier

from .harness import Harness
from .strategies import (
    OPERATIONS,
    PLANS,
    SIMPLE_PLAN,
    TAMPERING,
    Ref,
    Tamper,
    requests_of,
    select_job,
)

#: the wall clock: under the frozen one, each ``complete_jobs()`` would tell hypothesis that
#: hours went by, and it would stop shrinking a failure after its first step
pytestmark = pytest.mark.glacier(clock="real")


@pytest.fixture
def harness(glacier: Glacier) -> Harness:
    return Harness.on(glacier)


@pytest.mark.parametrize("operation", OPERATIONS)
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],  # no slow "explain"
)
@given(data=st.data())
def test_no_request_is_answered_with_a_500(
    harness: Harness, operation: str, data: st.DataObject
) -> None:
    harness.build(data.draw(PLANS, label="state"))
    params = data.draw(requests_of(operation), label="params")
    event(harness.exchange(operation, params, data.draw(TAMPERING, label="tamper")))


#: requests the fuzzing found answered with a 500, minimised: each stays checked as found
FOUND = [
    pytest.param(
        "SetVaultAccessPolicy",
        {"vaultName": "vault", "policy": {"Policy": "\ud800"}},
        None,
        id="access policy with a lone surrogate",
    ),
    pytest.param(
        "InitiateVaultLock",
        {"vaultName": "vault", "policy": {"Policy": "\ud800"}},
        None,
        id="lock policy with a lone surrogate",
    ),
    pytest.param(
        "SetVaultAccessPolicy",
        {"vaultName": "vault", "policy": {"Policy": "[" * 5000 + "]" * 5000}},
        None,
        id="access policy nested 5000 deep",
    ),
    pytest.param(
        "InitiateJob",
        {"vaultName": "vault"},
        Tamper(body=b"[" * 100_000 + b"]" * 100_000),
        id="job body nested 100000 deep",
    ),
    pytest.param(
        "AddTagsToVault",
        {"vaultName": "vault"},
        Tamper(body=b'{"Tags":' * 5000),
        id="tags body nested 5000 deep",
    ),
    pytest.param(
        "InitiateJob",
        {"vaultName": "vault", "jobParameters": select_job(Ref("archive"), prefix="\ud800")},
        None,
        id="select prefix with a lone surrogate",
    ),
    pytest.param(
        "InitiateJob",
        {
            "vaultName": "vault",
            "jobParameters": select_job(
                Ref("archive"), expression="SELECT 9223372036854775808 FROM archive"
            ),
        },
        None,
        id="select literal beyond INT64",
    ),
    pytest.param(
        "UploadArchive",
        {"vaultName": "vault", "body": b"x"},
        Tamper(header=("x-amz-content-sha256", "\xe9")),
        id="archive content hash not ASCII",
    ),
    pytest.param(
        "UploadMultipartPart",
        {"vaultName": "vault", "uploadId": Ref("upload"), "range": "bytes 0-0/*", "body": b"x"},
        Tamper(header=("x-amz-content-sha256", "\xe9")),
        id="part content hash not ASCII",
    ),
]


@pytest.mark.parametrize(("operation", "params", "tamper"), FOUND)
def test_requests_the_fuzzing_found(
    harness: Harness, operation: str, params: dict[str, Any], tamper: Tamper | None
) -> None:
    harness.build(SIMPLE_PLAN)
    harness.exchange(operation, params, tamper)
