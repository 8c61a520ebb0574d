"""Code under test waits the way it would against AWS, and the waits cost simulated time only.

Every test here polls or sleeps through public APIs with real boto3 clients; each carries a
timeout, so a wait that falls back to real time fails instead of stalling the suite.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
import time
from time import sleep as bound_sleep
from typing import Any

import anyio
import boto3
import pytest

from pytest_glacier import Glacier, mock_glacier

pytestmark = pytest.mark.timeout(60)

TIERS = {
    "Expedited": dt.timedelta(minutes=5),
    "Standard": dt.timedelta(hours=5),
    "Bulk": dt.timedelta(hours=12),
}
POLL = 60


def restore(client: Any, vault: str, tier: str, wait: Any = None) -> bytes:
    """A restore as a user writes it: upload, start a retrieval, poll every minute, read."""
    wait = wait or time.sleep
    client.create_vault(vaultName=vault)
    archive = client.upload_archive(vaultName=vault, body=b"backup of " + vault.encode())
    job = client.initiate_job(
        vaultName=vault,
        jobParameters={
            "Type": "archive-retrieval",
            "ArchiveId": archive["archiveId"],
            "Tier": tier,
        },
    )
    while not client.describe_job(vaultName=vault, jobId=job["jobId"])["Completed"]:
        wait(POLL)
    return bytes(client.get_job_output(vaultName=vault, jobId=job["jobId"])["body"].read())


@pytest.mark.parametrize("tier", TIERS)
def test_a_polling_restore_ends_within_one_poll_of_its_tier(glacier: Glacier, tier: str) -> None:
    start = glacier.now()
    assert restore(boto3.client("glacier"), "photos", tier) == b"backup of photos"
    waited = glacier.now() - start
    assert TIERS[tier] <= waited < TIERS[tier] + dt.timedelta(seconds=POLL)
    assert {s.seconds for s in glacier.sleeps} == {POLL}
    assert len(glacier.sleeps) == TIERS[tier] // dt.timedelta(seconds=POLL)


def test_sleep_bound_by_from_import_before_the_test_is_simulated(glacier: Glacier) -> None:
    start = glacier.now()
    assert restore(glacier.client(), "v", "Expedited", wait=bound_sleep) == b"backup of v"
    assert glacier.now() - start == dt.timedelta(minutes=5)


def test_sleep_records_seconds_start_and_thread(glacier: Glacier) -> None:
    start = glacier.now()
    time.sleep(1.5)
    time.sleep(2)
    assert [(s.seconds, s.at - start, s.thread) for s in glacier.sleeps] == [
        (1.5, dt.timedelta(), "MainThread"),
        (2.0, dt.timedelta(seconds=1.5), "MainThread"),
    ]
    assert glacier.now() - start == dt.timedelta(seconds=3.5)


def test_parallel_restores_move_the_clock_by_the_longest_wait(glacier: Glacier) -> None:
    start = glacier.now()
    results: dict[str, bytes] = {}

    def worker(name: str) -> None:
        results[name] = restore(glacier.client(), name, "Expedited")

    threads = [threading.Thread(target=worker, args=(f"v{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == {f"v{i}": f"backup of v{i}".encode() for i in range(4)}
    # one restore alone takes 5 polls; in series the four would take 20 minutes
    assert glacier.now() - start < dt.timedelta(minutes=5) + 2 * dt.timedelta(seconds=POLL)
    assert {s.thread for s in glacier.sleeps} == {t.name for t in threads}


def test_job_notifications_fire_during_a_sleep_in_time_order(glacier: Glacier) -> None:
    client = glacier.client()
    client.create_vault(vaultName="v")
    client.set_vault_notifications(
        vaultName="v",
        vaultNotificationConfig={
            "SNSTopic": "arn:aws:sns:us-east-1:123456789012:restores",
            "Events": ["ArchiveRetrievalCompleted"],
        },
    )
    archive = client.upload_archive(vaultName="v", body=b"x")["archiveId"]
    for tier in ("Standard", "Expedited"):
        client.initiate_job(
            vaultName="v",
            jobParameters={"Type": "archive-retrieval", "ArchiveId": archive, "Tier": tier},
        )
    time.sleep(6 * 3600)
    assert [n.message["Tier"] for n in glacier.notifications] == ["Expedited", "Standard"]


def test_zero_negative_and_bad_sleeps_behave_as_the_standard_library(glacier: Glacier) -> None:
    start = glacier.now()
    time.sleep(0)
    with pytest.raises(ValueError, match="non-negative"):
        time.sleep(-1)
    with pytest.raises(TypeError):
        time.sleep("1")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        time.sleep(float("nan"))
    assert glacier.now() == start
    assert glacier.sleeps == ()


def test_a_monotonic_deadline_loop_ends(glacier: Glacier) -> None:
    deadline = time.monotonic() + 600
    polls = 0
    while time.monotonic() < deadline:
        polls += 1
        time.sleep(30)
    assert polls == 20
    assert time.time() - glacier.now().timestamp() == 0


def test_perf_counter_and_time_follow_sleeps(glacier: Glacier) -> None:
    counter, wall = time.perf_counter(), time.time()
    time.sleep(90)
    assert time.perf_counter() - counter == pytest.approx(90)
    assert time.time() - wall == pytest.approx(90)


def test_boto3_waiter_polls_on_simulated_time(glacier: Glacier) -> None:
    client = glacier.client()
    threading.Timer(0, lambda: None).start()  # the waiter runs in the test's own thread
    client.create_vault(vaultName="later")
    start = glacier.now()
    client.get_waiter("vault_exists").wait(vaultName="later")
    client.delete_vault(vaultName="later")
    waiter = client.get_waiter("vault_not_exists")
    waiter.wait(vaultName="later", WaiterConfig={"Delay": 5, "MaxAttempts": 3})
    assert glacier.now() - start < dt.timedelta(seconds=15)


def test_sleep_real_keeps_real_waiting() -> None:
    real_clock = time.perf_counter
    with mock_glacier(sleep="real") as glacier:
        before = real_clock()
        time.sleep(0.05)
        assert real_clock() - before >= 0.05
        assert glacier.sleeps == ()
        assert glacier.now() == glacier.config.start


def test_real_clock_keeps_real_sleeps() -> None:
    with mock_glacier(clock="real") as glacier:
        time.sleep(0.01)
        assert glacier.sleeps == ()


def test_sleeps_are_real_again_after_the_double_stops() -> None:
    with mock_glacier() as glacier:
        time.sleep(3600)
    assert len(glacier.sleeps) == 1
    before = time.perf_counter()
    time.sleep(0.02)
    assert time.perf_counter() - before >= 0.02
    assert time.sleep is bound_sleep


# -- asyncio -------------------------------------------------------------------------------


def test_asyncio_sleep_returns_at_once_an_hour_later(glacier: Glacier) -> None:
    start = glacier.now()

    async def main() -> float:
        loop = asyncio.get_running_loop()
        before = loop.time()
        await asyncio.sleep(3600)
        return loop.time() - before

    assert asyncio.run(main()) == pytest.approx(3600)
    assert glacier.now() - start == dt.timedelta(hours=1)


def test_wait_for_times_out_exactly_on_simulated_time(glacier: Glacier) -> None:
    start = glacier.now()

    async def main() -> None:
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(asyncio.Event().wait(), timeout=5)

    asyncio.run(main())
    assert glacier.now() - start == dt.timedelta(seconds=5)


def test_an_async_polling_restore_runs_on_simulated_time(glacier: Glacier) -> None:
    async def wait(seconds: float) -> None:
        await asyncio.sleep(seconds)

    async def main() -> bytes:
        client = glacier.client()
        client.create_vault(vaultName="v")
        archive = client.upload_archive(vaultName="v", body=b"async")["archiveId"]
        job = client.initiate_job(
            vaultName="v",
            jobParameters={"Type": "archive-retrieval", "ArchiveId": archive, "Tier": "Bulk"},
        )["jobId"]
        while not client.describe_job(vaultName="v", jobId=job)["Completed"]:
            await wait(POLL)
        return bytes(client.get_job_output(vaultName="v", jobId=job)["body"].read())

    start = glacier.now()
    assert asyncio.run(main()) == b"async"
    assert glacier.now() - start == dt.timedelta(hours=12)


def test_concurrent_tasks_share_the_timeline(glacier: Glacier) -> None:
    order: list[int] = []

    async def task(seconds: int) -> None:
        await asyncio.sleep(seconds)
        order.append(seconds)

    async def main() -> None:
        await asyncio.gather(*(task(s) for s in (30, 10, 20)))

    start = glacier.now()
    asyncio.run(main())
    assert order == [10, 20, 30]
    assert glacier.now() - start == dt.timedelta(seconds=30)


def test_asyncio_socket_io_to_the_local_server_still_works(glacier_server: Any) -> None:
    host, port = glacier_server.endpoint_url.removeprefix("http://").split(":")

    async def main() -> bytes:
        reader, writer = await asyncio.open_connection(host, int(port))
        writer.write(b"GET /-/vaults HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        await writer.drain()
        status = await asyncio.wait_for(reader.readline(), timeout=30)
        writer.close()
        await asyncio.sleep(10)
        return status

    start = glacier_server.now()
    # unsigned: the server answers with an AWS-shaped refusal, over a real socket
    assert asyncio.run(main()).startswith(b"HTTP/1.1 4")
    assert glacier_server.now() - start == dt.timedelta(seconds=10)


def test_loops_run_on_real_time_after_the_double_stops() -> None:
    with mock_glacier():
        pass
    before = time.perf_counter()
    asyncio.run(asyncio.sleep(0.02))
    assert time.perf_counter() - before >= 0.02


def test_the_servers_own_threads_keep_real_time(glacier_server: Any) -> None:
    client = glacier_server.client()
    client.create_vault(vaultName="v")
    time.sleep(7200)  # moves the simulated clock; the server's threads never slept
    assert client.describe_vault(vaultName="v")["VaultName"] == "v"
    assert [s.seconds for s in glacier_server.sleeps] == [7200]
    assert glacier_server.now() - glacier_server.config.start == dt.timedelta(hours=2)


# -- as users run them: pytester, pytest-asyncio, xdist ------------------------------------

USER_SUITE = """
import asyncio, datetime as dt, threading, time
from time import sleep
import boto3, pytest

def restore(client, vault, tier, wait=None):
    wait = wait or time.sleep
    client.create_vault(vaultName=vault)
    archive = client.upload_archive(vaultName=vault, body=b"data")["archiveId"]
    job = client.initiate_job(vaultName=vault, jobParameters={
        "Type": "archive-retrieval", "ArchiveId": archive, "Tier": tier})["jobId"]
    while not client.describe_job(vaultName=vault, jobId=job)["Completed"]:
        wait(60)
    return client.get_job_output(vaultName=vault, jobId=job)["body"].read()

@pytest.mark.parametrize("tier", ["Expedited", "Standard", "Bulk"])
def test_poll(glacier, tier):
    assert restore(boto3.client("glacier"), "v", tier) == b"data"

def test_from_import(glacier):
    assert restore(glacier.client(), "v", "Expedited", wait=sleep) == b"data"

def test_threads(glacier):
    start = glacier.now()
    threads = [threading.Thread(target=restore, args=(glacier.client(), f"v{i}", "Expedited"))
               for i in range(4)]
    for t in threads: t.start()
    for t in threads: t.join()
    assert glacier.now() - start < dt.timedelta(minutes=7)

def test_deadline(glacier):
    deadline = time.monotonic() + 3600
    while time.monotonic() < deadline:
        time.sleep(60)

async def test_async_def(glacier):
    start = glacier.now()
    await asyncio.sleep(3600)
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(asyncio.sleep(60), timeout=5)
    assert glacier.now() - start == dt.timedelta(hours=1, seconds=5)

def test_asyncio_run(glacier):
    asyncio.run(asyncio.sleep(86400))
    assert glacier.now() - glacier.config.start == dt.timedelta(days=1)

@pytest.mark.glacier(sleep="real")
def test_real(glacier):
    time.sleep(0.01)
    assert glacier.sleeps == ()
"""


@pytest.mark.timeout(180)
@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["serial", "xdist"])
def test_user_suite_under_pytest_asyncio_and_xdist(
    pytester: pytest.Pytester, workers: list[str]
) -> None:
    pytester.makepyfile(test_user=USER_SUITE)
    pytester.makeini(
        "[pytest]\nasyncio_mode = auto\nasyncio_default_fixture_loop_scope = function\n"
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--timeout=60", *workers)
    result.assert_outcomes(passed=9)


def test_pendulum_first_imported_inside_a_test_keeps_working(pytester: pytest.Pytester) -> None:
    """Airflow's failure at first import (``'datetime.datetime' object has no attribute
    'diff'``) is pendulum defining its classes under freezegun's fake ``datetime``."""
    pytester.makepyfile(
        test_user="""
        def test_first_import(glacier):
            import pendulum

            assert pendulum.datetime(2000, 1, 1).timestamp() == 946684800
            assert (pendulum.datetime(2000, 1, 2) - pendulum.datetime(2000, 1, 1)).days == 1
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--timeout=60")
    result.assert_outcomes(passed=1)


def test_pytest_durations_stay_on_real_time(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_user="""
        import time

        def test_waits(glacier):
            time.sleep(86400)
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--durations=1")
    result.assert_outcomes(passed=1)
    durations = [line for line in result.outlines if "test_user.py::test_waits" in line]
    assert durations and all(float(line.split("s ")[0]) < 60 for line in durations)


def test_anyio_on_asyncio_runs_on_simulated_time(glacier: Glacier) -> None:
    start = glacier.now()

    async def main() -> None:
        await anyio.sleep(600)
        with anyio.move_on_after(30) as scope:
            await anyio.sleep(3600)
        assert scope.cancelled_caught

    anyio.run(main, backend="asyncio")
    assert glacier.now() - start == dt.timedelta(minutes=10, seconds=30)
