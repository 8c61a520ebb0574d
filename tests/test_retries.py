"""botocore retries against injected faults: every attempt recorded, no wall time spent."""

from __future__ import annotations

import datetime as dt
import threading
import time
from typing import Any, ClassVar

import botocore.endpoint
import botocore.retries.bucket
import pytest
from botocore.config import Config
from botocore.retries.bucket import TokenBucket

from pytest_glacier import Glacier, mock_glacier
from pytest_glacier.doors.botocore_door import retry_backoff

START = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)


def _seconds(glacier: Glacier) -> float:
    return (glacier.now() - START).total_seconds()


class _WallWait(AssertionError):
    """botocore asked to wait on the wall clock: recorded, and the test stops there."""


class _RecordingCondition(threading.Condition):
    """The adaptive rate limiter's condition: a timed wait is recorded instead of waited."""

    waits: ClassVar[list[float]] = []

    def wait(self, timeout: float | None = None) -> bool:
        self.waits.append(-1.0 if timeout is None else timeout)
        raise _WallWait(f"the rate limiter waited {timeout} s of wall time")


@pytest.fixture
def wall_waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Every wall-clock wait botocore asks for while retrying: its sleeps between attempts
    and the adaptive limiter's waits for tokens. Checking none happened proves retries cost
    no wall time without measuring any."""
    waits: list[float] = []
    monkeypatch.setattr(time, "sleep", waits.append)
    monkeypatch.setattr(_RecordingCondition, "waits", waits)
    monkeypatch.setattr(botocore.retries.bucket.threading, "Condition", _RecordingCondition)
    return waits


@pytest.mark.parametrize(
    "retries",
    [
        {"mode": "legacy"},  # 5 attempts: botocore 1.43's default
        {"mode": "standard", "total_max_attempts": 5},
        {"mode": "standard", "max_attempts": 4},  # max_attempts counts retries
    ],
)
def test_four_throttles_then_success_on_the_fifth_attempt_without_waiting(
    retries: dict[str, Any], wall_waits: list[float]
) -> None:
    with mock_glacier() as glacier:
        client = glacier.client(config=Config(retries=retries))
        rule = glacier.inject("ThrottlingException", times=4)
        out = client.list_vaults()
        calls = glacier.calls
        simulated = _seconds(glacier)
    assert out["ResponseMetadata"]["RetryAttempts"] == 4
    assert [(c.operation, c.status, c.error_code) for c in calls] == [
        ("ListVaults", 400, "ThrottlingException")
    ] * 4 + [("ListVaults", 200, None)]
    assert len({c.request_id for c in calls}) == 5
    assert rule.hits == 4
    assert simulated == 1 + 2 + 4 + 8  # each retry sleep spent in simulated time
    assert wall_waits == []  # botocore alone would have slept between every two attempts


def test_todays_default_retries_see_two_failures_and_a_success(glacier: Glacier) -> None:
    client = glacier.client()  # botocore 1.44: standard mode, 3 attempts
    glacier.inject("ThrottlingException", times=2)
    out = client.list_vaults()
    assert out["ResponseMetadata"]["RetryAttempts"] == 2
    assert [c.error_code for c in glacier.calls] == ["ThrottlingException"] * 2 + [None]
    assert _seconds(glacier) == 1 + 2


def test_default_retries_give_up_after_three_attempts(glacier: Glacier) -> None:
    client = glacier.client()
    glacier.inject("ThrottlingException", times=3)
    with pytest.raises(client.exceptions.ClientError) as raised:
        client.list_vaults()
    assert raised.value.response["Error"]["Code"] == "ThrottlingException"
    assert raised.value.response["ResponseMetadata"]["RetryAttempts"] == 2
    assert len(glacier.calls) == 3


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("ServiceUnavailableException", 500),
        ("ThrottlingException", 400),
    ],
)
def test_retryable_faults_are_retried(glacier: Glacier, code: str, status: int) -> None:
    client = glacier.client()
    glacier.inject(code, operation="CreateVault", times=2)
    client.create_vault(vaultName="v")
    assert [(c.status, c.error_code) for c in glacier.calls] == [(status, code)] * 2 + [(201, None)]


def test_request_timeout_on_upload_is_retried_with_the_body_resent(glacier: Glacier) -> None:
    client = glacier.client()
    client.create_vault(vaultName="v")
    glacier.inject("RequestTimeoutException", operation="UploadArchive", times=2)
    archive_id = client.upload_archive(vaultName="v", body=b"resent")["archiveId"]
    assert [c.status for c in glacier.calls[1:]] == [408, 408, 201]
    assert bytes(glacier.archives("v")[archive_id].data) == b"resent"
    assert len(glacier.archives("v")) == 1


def test_client_errors_are_not_retried(glacier: Glacier) -> None:
    client = glacier.client()
    glacier.inject("InvalidParameterValueException", operation="ListVaults")
    with pytest.raises(client.exceptions.InvalidParameterValueException):
        client.list_vaults()
    assert len(glacier.calls) == 1
    assert glacier.now() == START


def test_adaptive_mode_rate_limit_waits_in_simulated_time(wall_waits: list[float]) -> None:
    with mock_glacier() as glacier:
        client = glacier.client(config=Config(retries={"mode": "adaptive"}))
        glacier.inject("ThrottlingException", times=2)
        client.list_vaults()
        glacier.inject("ThrottlingException", times=2)
        client.list_vaults()  # the limiter is now on: its token waits move the clock
        attempts = len(glacier.calls)
    assert attempts == 6
    assert wall_waits == []


def test_retry_backoff_is_botocores_ceiling_without_jitter() -> None:
    assert [retry_backoff(n).total_seconds() for n in range(1, 9)] == [
        1,
        2,
        4,
        8,
        16,
        20,
        20,
        20,
    ]


def test_other_services_keep_their_own_retry_sleeps(
    glacier: Glacier, monkeypatch: pytest.MonkeyPatch
) -> None:
    slept: list[float] = []
    monkeypatch.setattr(botocore.endpoint.time, "sleep", slept.append)
    s3 = _plain_client("s3")
    answers = iter([500, 200])

    def flaky(request: Any, **_: Any) -> Any:
        from botocore.awsrequest import AWSResponse

        class Raw:
            def stream(self, **_: Any) -> Any:
                yield b""

            def read(self, *_: Any, **__: Any) -> bytes:
                return b""

        return AWSResponse(request.url, next(answers), {}, Raw())

    s3.meta.events.register("before-send.s3", flaky)
    s3.list_buckets()
    assert len(slept) == 1  # botocore's real sleep, not ours
    assert glacier.now() == START


def _plain_client(service: str) -> Any:
    import botocore.session

    return botocore.session.Session().create_client(
        service,
        region_name="us-east-1",
        aws_access_key_id="AKIAPYTESTGLACIER000",
        aws_secret_access_key="x",
    )


def test_botocore_is_restored_when_the_double_stops() -> None:
    originals = (
        botocore.endpoint.Endpoint._needs_retry,
        botocore.endpoint.Endpoint._do_get_response,
        TokenBucket._acquire,
    )
    with mock_glacier():
        assert botocore.endpoint.Endpoint._needs_retry is not originals[0]
    assert (
        botocore.endpoint.Endpoint._needs_retry,
        botocore.endpoint.Endpoint._do_get_response,
        TokenBucket._acquire,
    ) == originals


@pytest.mark.glacier(clock="real")
def test_real_clock_retries_move_the_offset(glacier: Glacier) -> None:
    client = glacier.client()
    before = glacier.now()
    glacier.inject("ServiceUnavailableException", times=2)
    client.list_vaults()
    assert glacier.now() - before >= dt.timedelta(seconds=3)
