"""A double's life: each activation fresh, one in-process double at a time, nothing kept after
delete or expiry, and every misuse answered with a message that names the fix."""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import os
import threading
import tracemalloc
from typing import Any

import boto3
import pytest

from pytest_glacier import ConfigError, Glacier, mock_glacier
from pytest_glacier.core.usage import DoubleConflict, DoubleEnded

MIB = 1 << 20


def _client() -> Any:
    return boto3.client("glacier", region_name="us-east-1")


# -- 1. each activation is a fresh double --------------------------------------------------
decorated = mock_glacier()


@pytest.mark.parametrize("case", ["first", "second", "third"])
def test_a_decorated_function_gets_a_fresh_double_on_every_call(case: str) -> None:
    @decorated
    def create_and_list() -> list[str]:
        client = _client()
        client.create_vault(vaultName=case)
        return [v["VaultName"] for v in client.list_vaults()["VaultList"]]

    assert create_and_list() == [case]
    assert create_and_list() == [case]


def test_reentering_the_same_double_starts_afresh_with_time_at_start() -> None:
    double = mock_glacier(start="2024-05-01T00:00:00Z")
    with double:
        client = _client()
        client.create_vault(vaultName="v")
        double.advance(hours=3)
    with double:
        assert double.now() == dt.datetime(2024, 5, 1, tzinfo=dt.timezone.utc)
        assert double.calls == ()
        assert _client().list_vaults()["VaultList"] == []


# -- 2. an ended double: views read its final state, actions are refused -------------------
def test_views_of_an_ended_double_read_its_final_state() -> None:
    with mock_glacier() as double:
        client = _client()
        client.create_vault(vaultName="v")
        archive = client.upload_archive(vaultName="v", body=b"x")["archiveId"]
        client.initiate_job(
            vaultName="v", jobParameters={"Type": "archive-retrieval", "ArchiveId": archive}
        )
        ended_at = double.now()
    # the wall clock is years past the frozen one: nothing completes behind the test's back
    assert double.now() == ended_at
    assert [job["StatusCode"] for job in double.jobs("v").values()] == ["InProgress"]
    assert [call.operation for call in double.calls] == [
        "CreateVault",
        "UploadArchive",
        "InitiateJob",
    ]
    assert list(double.vaults()) == ["v"]


@pytest.mark.parametrize(
    ("action", "named"),
    [
        (lambda d: d.advance(hours=1), "advance()"),
        (lambda d: d.complete_jobs(), "complete_jobs()"),
        (lambda d: d.inject("ThrottlingException"), "add the rule inject("),
        (lambda d: d.fail_jobs(), "add the rule fail_jobs("),
        (lambda d: d.client(), "make a client"),
    ],
)
def test_acting_on_an_ended_double_says_it_has_ended(action: Any, named: str) -> None:
    with mock_glacier() as double:
        pass
    with pytest.raises(DoubleEnded, match="this Glacier double has ended") as raised:
        action(double)
    assert named in str(raised.value)
    assert "start a new double" in str(raised.value)


# -- 5. overlapping doubles fail at once ----------------------------------------------------
def test_a_second_in_process_double_fails_at_once_naming_the_fixture(glacier: Glacier) -> None:
    second = mock_glacier(start="2030-01-01T00:00:00Z")
    with pytest.raises(DoubleConflict, match=r"use that fixture and configure it with"):
        second.start()
    # the fixture's double is untouched and still answers
    _client().create_vault(vaultName="still-served")
    assert list(glacier.vaults()) == ["still-served"]


def test_a_decorated_test_taking_the_fixture_fails_at_once(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        from pytest_glacier import mock_glacier

        @mock_glacier()
        def test_both(glacier):
            pass
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:randomly")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*DoubleConflict: another pytest_glacier double is already*"])


def test_doubles_one_after_another_both_serve() -> None:
    for name in ("one", "two"):
        with mock_glacier():
            _client().create_vault(vaultName=name)
            assert [v["VaultName"] for v in _client().list_vaults()["VaultList"]] == [name]


# -- 6. advance() and GetJobOutput misuse ---------------------------------------------------
@pytest.mark.parametrize(
    ("args", "kwargs", "error", "message"),
    [
        ((-5,), {}, ValueError, "cannot move simulated time backwards"),
        ((dt.timedelta(seconds=-1),), {}, ValueError, "cannot move simulated time backwards"),
        (("5",), {}, TypeError, "advance\\(\\) takes a timedelta or a number of seconds"),
        ((), {"hours": "1"}, TypeError, "must be numbers"),
    ],
)
def test_advance_explains_bad_steps(
    glacier: Glacier, args: tuple[Any, ...], kwargs: dict[str, Any], error: type, message: str
) -> None:
    before = glacier.now()
    with pytest.raises(error, match=message):
        glacier.advance(*args, **kwargs)
    assert glacier.now() == before


def test_advance_takes_plain_seconds(glacier: Glacier) -> None:
    before = glacier.now()
    glacier.advance(90)
    assert glacier.now() - before == dt.timedelta(seconds=90)


def test_output_before_completion_fails_with_a_hint_in_the_report_only(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        import boto3

        def test_restore(glacier):
            client = boto3.client("glacier", region_name="us-east-1")
            client.create_vault(vaultName="v")
            archive = client.upload_archive(vaultName="v", body=b"x")["archiveId"]
            job = client.initiate_job(
                vaultName="v",
                jobParameters={"Type": "archive-retrieval", "ArchiveId": archive},
            )["jobId"]
            try:
                client.get_job_output(vaultName="v", jobId=job)
            except client.exceptions.InvalidParameterValueException as error:
                assert "advance" not in str(error)  # the service's own message
                raise

        def test_passing(glacier):
            pass
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:randomly")
    result.assert_outcomes(failed=1, passed=1)
    result.stdout.fnmatch_lines(
        [
            "*pytest_glacier hints*",
            "*GetJobOutput of job * was refused while the job was InProgress: it completes at "
            "2024-01-01T05:00:00.000Z simulated time (now 2024-01-01T00:00:00.000Z)*",
        ]
    )
    assert result.stdout.str().count("pytest_glacier hints") == 1


# -- 3 and 4. nothing kept after delete or expiry --------------------------------------------
def _round(glacier: Glacier, client: Any, archives: int) -> None:
    ids = [
        client.upload_archive(vaultName="v", body=bytes([n % 251]) * MIB)["archiveId"]
        for n in range(archives)
    ]
    jobs = [
        client.initiate_job(
            vaultName="v", jobParameters={"Type": "archive-retrieval", "ArchiveId": archive}
        )["jobId"]
        for archive in ids
    ]
    glacier.complete_jobs()
    for job in jobs:
        assert len(client.get_job_output(vaultName="v", jobId=job)["body"].read()) == MIB
    for archive in ids:
        client.delete_archive(vaultName="v", archiveId=archive)
    glacier.advance(hours=25)  # every job's output expires 24 h after its completion
    client.list_vaults()  # a request settles the expiries


@pytest.mark.timeout(300)
@pytest.mark.parametrize("storage", ["memory", "disk"])
def test_retrieved_deleted_and_expired_archives_are_released(storage: str) -> None:
    with mock_glacier(storage=storage) as glacier:
        client = _client()
        client.create_vault(vaultName="v")
        _round(glacier, client, 5)  # warm every cache first
        gc.collect()
        tracemalloc.start()
        try:
            start = tracemalloc.get_traced_memory()[0]
            for _ in range(3):
                _round(glacier, client, 200)
                gc.collect()
                assert tracemalloc.get_traced_memory()[0] - start < 8 * MIB
        finally:
            tracemalloc.stop()
        assert glacier.jobs("v") == {}
        assert glacier.archives("v") == {}


def test_a_deleted_archive_leaves_the_disk_store_at_once() -> None:
    with mock_glacier(storage="disk") as glacier:
        client = _client()
        client.create_vault(vaultName="v")
        archive = client.upload_archive(vaultName="v", body=b"a" * MIB)["archiveId"]
        job = client.initiate_job(
            vaultName="v", jobParameters={"Type": "archive-retrieval", "ArchiveId": archive}
        )["jobId"]
        store = glacier.backend.store
        directory = store.directory  # type: ignore[attr-defined]
        assert directory is not None
        assert len(os.listdir(directory)) == 1
        glacier.complete_jobs()
        client.delete_archive(vaultName="v", archiveId=archive)
        assert os.listdir(directory) == []
        # the completed job still reads the bytes it holds
        body = client.get_job_output(vaultName="v", jobId=job)["body"].read()
        assert body == b"a" * MIB


def test_an_upload_in_flight_when_the_double_stops_is_refused_not_lost() -> None:
    started, release = threading.Event(), threading.Event()
    outcome: list[Any] = []

    def slow_body() -> Any:
        class Body:
            def __init__(self) -> None:
                self.sent = 0

            def read(self, size: int = -1) -> bytes:
                if self.sent == 0:
                    started.set()
                    release.wait(10)
                self.sent += 1
                return b"x" * 1024 if self.sent < 4 else b""

        return Body()

    with mock_glacier(storage="disk") as glacier:
        client = _client()
        client.create_vault(vaultName="v")
        service = glacier.service
        from pytest_glacier.core.http import Request
        from pytest_glacier.core.treehash import tree_hash

        data = b"x" * 3072
        headers = {
            "x-amz-glacier-version": "2012-06-01",
            "content-length": str(len(data)),
            "x-amz-sha256-tree-hash": tree_hash(data),
            "x-amz-content-sha256": hashlib.sha256(data).hexdigest(),
        }
        request = Request.from_url("POST", "/-/vaults/v/archives", headers, slow_body())

        def upload() -> None:
            outcome.append(service.handle(request))

        worker = threading.Thread(target=upload)
        worker.start()
        assert started.wait(10)
    release.set()
    worker.join(10)
    (response,) = outcome
    assert response.status == 500
    assert b"stopped while this upload was being stored" in bytes(response.body)
    glacier.check()  # no internal error behind the user's back


# -- 7. time-machine -------------------------------------------------------------------------
def test_a_frozen_double_started_inside_time_machine_travel_says_it_does_not_follow() -> None:
    import time_machine

    from pytest_glacier.core.usage import ClockWarning

    with time_machine.travel(dt.datetime(2031, 6, 1, tzinfo=dt.timezone.utc), tick=False):
        with pytest.warns(ClockWarning, match=r"does not follow it: it starts at 2024-01-01"):
            double = mock_glacier().start()
        try:
            assert double.now() == dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
        finally:
            double.stop()


def test_a_real_clock_double_follows_time_machine() -> None:
    import time_machine

    moment = dt.datetime(2031, 6, 1, tzinfo=dt.timezone.utc)
    with time_machine.travel(moment, tick=False) as traveller, mock_glacier(clock="real") as double:
        assert double.now() == moment
        client = _client()
        client.create_vault(vaultName="v")
        archive = client.upload_archive(vaultName="v", body=b"x")["archiveId"]
        retrieval = {"Type": "archive-retrieval", "ArchiveId": archive, "Tier": "Expedited"}
        job = client.initiate_job(vaultName="v", jobParameters=retrieval)["jobId"]
        traveller.shift(dt.timedelta(minutes=5))
        assert client.describe_job(vaultName="v", jobId=job)["StatusCode"] == "Succeeded"


# -- views -----------------------------------------------------------------------------------
def test_calls_is_a_snapshot_that_later_calls_do_not_change(glacier: Glacier) -> None:
    client = _client()
    client.create_vault(vaultName="v")
    before = glacier.calls
    client.describe_vault(vaultName="v")
    assert len(before) == 1 and len(glacier.calls) == 2
    assert before == (glacier.calls[0],)
    assert before == [glacier.calls[0]]
    assert glacier.calls[-1].operation == "DescribeVault"
    assert [c.operation for c in glacier.calls[::-1]] == ["DescribeVault", "CreateVault"]
    with pytest.raises(IndexError):
        before[1]


# -- 2. a client is bound to the double that made it -------------------------------------
def test_calls_kept_bounds_the_call_log_and_keeps_snapshots_whole() -> None:
    with pytest.raises(ConfigError, match="calls_kept must be a positive integer or None"):
        mock_glacier(calls_kept=0)
    with mock_glacier(calls_kept=10) as glacier:
        client = glacier.client()
        for number in range(15):
            client.create_vault(vaultName=f"v{number}")
        early = glacier.calls
        for number in range(15, 40):
            client.create_vault(vaultName=f"v{number}")
        assert 10 <= len(glacier.calls) < 20
        assert glacier.calls[-1].params["vaultName"] == "v39"
        assert [call.params["vaultName"] for call in early] == [f"v{n}" for n in range(15)]
        timeline = glacier.timeline
        assert [event.kind for event in timeline].count("call") == len(glacier.calls)
        assert timeline.dropped == 40 - len(glacier.calls)


def test_a_client_of_an_ended_double_is_refused_not_served_by_the_next() -> None:
    with mock_glacier() as first:
        leaked = first.client()
        leaked.create_vault(vaultName="first")
    # between doubles: never sent to AWS
    with pytest.raises(DoubleEnded, match="send a request with this client"):
        leaked.list_vaults()
    with mock_glacier() as second:
        with pytest.raises(DoubleEnded, match="this Glacier double has ended"):
            leaked.create_vault(vaultName="leaked")
        assert list(second.vaults()) == []
        assert second.calls == ()
        second.client().create_vault(vaultName="own")  # the second double's clients work
        _client().create_vault(vaultName="plain")  # and clients it did not make too
        assert sorted(second.vaults()) == ["own", "plain"]


def test_a_thread_still_using_an_ended_doubles_client_gets_a_clear_error() -> None:
    with mock_glacier() as double:
        client = double.client()
    errors: list[BaseException] = []

    def late() -> None:
        try:
            client.list_vaults()
        except BaseException as error:  # the thread reports what it met
            errors.append(error)

    worker = threading.Thread(target=late)
    worker.start()
    worker.join(30)
    assert [type(error) for error in errors] == [DoubleEnded]


def test_a_plain_client_made_inside_a_double_belongs_to_it() -> None:
    with mock_glacier() as first:
        made_inside = _client()  # boto3's own, not glacier.client()
        made_inside.create_vault(vaultName="first")
    with pytest.raises(DoubleEnded, match="made while that double was active"):
        made_inside.list_vaults()  # between doubles: never sent to AWS
    with mock_glacier() as second:
        with pytest.raises(DoubleEnded, match="make the client in the test that uses it"):
            made_inside.create_vault(vaultName="leaked")
        assert list(second.vaults()) == [] and second.calls == ()
    assert list(first.vaults()) == ["first"]


def test_a_client_made_before_any_double_follows_the_active_one() -> None:
    shared = _client()  # a module-level or session-wide client, as many suites keep one
    for name in ("one", "two"):
        with mock_glacier() as double:
            shared.create_vault(vaultName=name)
            assert list(double.vaults()) == [name]


# -- 8. header values a real client cannot send ---------------------------------------------
@pytest.mark.parametrize("door", ["in-process", "server"])
@pytest.mark.parametrize("description", ["two\nlines", "carriage\rreturn"])
def test_a_line_break_in_a_header_fails_in_the_client_in_every_door(
    request: pytest.FixtureRequest, door: str, description: str
) -> None:
    from botocore.exceptions import HTTPClientError

    double = request.getfixturevalue("glacier" if door == "in-process" else "glacier_server")
    client = double.client()
    client.create_vault(vaultName="v")
    with pytest.raises(HTTPClientError, match="Invalid header value"):
        client.upload_archive(vaultName="v", body=b"x", archiveDescription=description)
    assert [call.operation for call in double.calls] == ["CreateVault"]  # nothing was sent


@pytest.mark.parametrize("door", ["in-process", "server"])
def test_a_description_outside_ascii_is_refused_alike_in_every_door(
    request: pytest.FixtureRequest, door: str
) -> None:
    double = request.getfixturevalue("glacier" if door == "in-process" else "glacier_server")
    client = double.client()
    client.create_vault(vaultName="v")
    with pytest.raises(client.exceptions.InvalidParameterValueException, match="description"):
        client.upload_archive(vaultName="v", body=b"x", archiveDescription="caf\u00e9")
