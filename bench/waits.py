"""Code under test that waits: what simulated sleeps cost in wall and CPU time.

Three waits as a user writes them, each run with the double's defaults (frozen clock,
simulated sleeps), in wall time (a clock captured before freezegun starts, ``timing.now``)
and CPU time of the process (all threads):

* ``poll``: a restore polled every 60 s with ``time.sleep`` (Bulk, 12 h: 720 polls; quick:
  Standard, 5 h: 300 polls), against botocore's floor: a ``before-send`` hook replays, in
  order, the very responses the double gave (DescribeJob InProgress for every poll, then
  Succeeded) and ``time.sleep`` is a no-op, so the difference is the double's cost.
* ``asyncio``: ``asyncio.run`` of a loop of ``await asyncio.sleep(60)`` under the double,
  against the same loop with ``asyncio.sleep(0)`` and no double.
* ``threads``: four threads, each polling an Expedited restore every 60 s, in parallel under
  one double (they share one timeline: about 5 simulated minutes in all, not 20).

Each is timed from the first request to the last, with the double started and the clients
made beforehand and one untimed round run first (a client's first calls fill botocore's
caches); rounds are interleaved, and each figure is the lowest of the rounds (noise
from other processes only ever adds time).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
import time
from collections.abc import Callable, Coroutine
from typing import Any

from .percall import _CannedRaw, _client
from .timing import cpu, now

POLL = 60
TIERS = {"Expedited": 5 * 60, "Standard": 5 * 3600, "Bulk": 12 * 3600}
FLOOR, OURS = "botocore floor", "pytest_glacier"
ASYNC_FLOOR = "no double, asyncio.sleep(0)"
THREADS = 4
#: untimed rounds first: a client's first calls of each operation fill botocore's caches
WARM_UP = 1

Canned = dict[str, list[tuple[int, dict[str, str], bytes]]]


def restore(client: Any, vault: str, tier: str) -> tuple[bytes, int]:
    """Upload, start a retrieval, poll it every minute, read it: (the bytes, the polls)."""
    client.create_vault(vaultName=vault)
    archive = client.upload_archive(vaultName=vault, body=b"backup of " + vault.encode())
    job = client.initiate_job(
        vaultName=vault,
        jobParameters={
            "Type": "archive-retrieval",
            "ArchiveId": archive["archiveId"],
            "Tier": tier,
        },
    )["jobId"]
    polls = 0
    while not client.describe_job(vaultName=vault, jobId=job)["Completed"]:
        time.sleep(POLL)  # looked up at each call: the double's, or the floor's no-op
        polls += 1
    body = client.get_job_output(vaultName=vault, jobId=job)["body"].read()
    return bytes(body), polls


def _timed(fn: Callable[[], Any]) -> tuple[Any, float, float]:
    """(fn's result, wall seconds, CPU seconds)."""
    wall, processor = now(), cpu()
    result = fn()
    return result, now() - wall, cpu() - processor


def _elapsed(double: Any, start: dt.datetime) -> float:
    return float((double.now() - start).total_seconds())


# -- a restore polled with time.sleep ---------------------------------------------------------
def _record(session: Any, tier: str) -> Canned:
    """One untimed restore under the double, keeping each raw response in order of arrival
    (operation -> responses) for the floor to replay."""
    from pytest_glacier import mock_glacier
    from pytest_glacier.core.http import Response

    canned: Canned = {}
    current = [""]
    client = _client(session)

    def operation(event_name: str, **_: Any) -> None:
        current[0] = event_name.rsplit(".", 1)[1]

    client.meta.events.register("before-call.glacier", operation)
    with mock_glacier() as double:
        service = double.service
        handle = service.handle

        def recording(request: Any) -> Any:
            response = handle(request)
            body = b"".join(response.chunks())
            headers = dict(response.headers)
            canned.setdefault(current[0], []).append((response.status, headers, body))
            return Response(response.status, dict(headers), body, response.error_code)

        service.handle = recording  # type: ignore[method-assign]
        try:
            restore(client, "waits", tier)
        finally:
            del service.handle
    return canned


def _floor_client(session: Any, canned: Canned) -> tuple[Any, Callable[[], None]]:
    """A client answered by replaying ``canned``, and how to rewind the replay."""
    from botocore.awsrequest import AWSResponse

    client = _client(session)
    served: dict[str, int] = {}

    def answer(request: Any, event_name: str, **_: Any) -> Any:
        name = event_name.rsplit(".", 1)[1]
        index = served.get(name, 0)
        served[name] = index + 1
        status, headers, body = canned[name][index]
        return AWSResponse(request.url, status, dict(headers), _CannedRaw(body))

    client.meta.events.register_first("before-send.glacier", answer)
    return client, served.clear


def _no_sleep(seconds: Any, /) -> None:
    """The floor's ``time.sleep``: the poll loop without the double's wait."""


def _poll_floor(client: Any, rewind: Callable[[], None], tier: str) -> tuple[int, float, float]:
    rewind()
    real_sleep, time.sleep = time.sleep, _no_sleep
    try:
        (body, polls), wall, processor = _timed(lambda: restore(client, "waits", tier))
    finally:
        time.sleep = real_sleep
    assert body == b"backup of waits", body
    return polls, wall, processor


def _poll_ours(client: Any, tier: str) -> tuple[int, float, float, float]:
    from pytest_glacier import mock_glacier

    with mock_glacier() as double:
        start = double.now()
        (body, polls), wall, processor = _timed(lambda: restore(client, "waits", tier))
        simulated = _elapsed(double, start)
        sleeps = len(double.sleeps)
    assert body == b"backup of waits", body
    assert sleeps == polls == TIERS[tier] // POLL, (sleeps, polls)
    return polls, wall, processor, simulated


def _poll(rounds: int, tier: str) -> dict[str, Any]:
    import boto3

    session = boto3.session.Session()
    canned = _record(session, tier)
    floor, rewind = _floor_client(session, canned)
    ours = _client(session)
    wall: dict[str, list[float]] = {FLOOR: [], OURS: []}
    processor: dict[str, list[float]] = {FLOOR: [], OURS: []}
    polls = simulated = 0.0
    for round_ in range(WARM_UP + rounds):
        floor_polls, floor_wall, floor_cpu = _poll_floor(floor, rewind, tier)
        polls, ours_wall, ours_cpu, simulated = _poll_ours(ours, tier)
        assert floor_polls == polls, (floor_polls, polls)
        if round_ < WARM_UP:
            continue
        wall[FLOOR].append(floor_wall)
        wall[OURS].append(ours_wall)
        processor[FLOOR].append(floor_cpu)
        processor[OURS].append(ours_cpu)
    return {
        "tier": tier,
        "interval": POLL,
        "polls": int(polls),
        "simulated_seconds": simulated,
        "wall": {name: min(values) for name, values in wall.items()},
        "cpu": {name: min(values) for name, values in processor.items()},
    }


# -- an asyncio loop of sleeps ----------------------------------------------------------------
async def _steps(count: int, seconds: float) -> None:
    for _ in range(count):
        await asyncio.sleep(seconds)


def _run_loop(main: Callable[[], Coroutine[Any, Any, None]]) -> tuple[float, float]:
    _, wall, processor = _timed(lambda: asyncio.run(main()))
    return wall, processor


def _asyncio(rounds: int, steps: int) -> dict[str, Any]:
    from pytest_glacier import mock_glacier

    wall: dict[str, list[float]] = {ASYNC_FLOOR: [], OURS: []}
    processor: dict[str, list[float]] = {ASYNC_FLOOR: [], OURS: []}
    simulated = 0.0
    for round_ in range(WARM_UP + rounds):
        floor_wall, floor_cpu = _run_loop(lambda: _steps(steps, 0))
        with mock_glacier() as double:
            start = double.now()
            ours_wall, ours_cpu = _run_loop(lambda: _steps(steps, POLL))
            simulated = _elapsed(double, start)
        assert abs(simulated - steps * POLL) < 1, simulated
        if round_ < WARM_UP:
            continue
        wall[ASYNC_FLOOR].append(floor_wall)
        wall[OURS].append(ours_wall)
        processor[ASYNC_FLOOR].append(floor_cpu)
        processor[OURS].append(ours_cpu)
    return {
        "steps": steps,
        "step_seconds": POLL,
        "simulated_seconds": simulated,
        "wall": {name: min(values) for name, values in wall.items()},
        "cpu": {name: min(values) for name, values in processor.items()},
    }


# -- parallel pollers -------------------------------------------------------------------------
def _threads_round(clients: list[Any], tier: str) -> tuple[int, float, float, float]:
    from pytest_glacier import mock_glacier

    polls: dict[int, int] = {}

    def worker(index: int) -> None:
        body, polls[index] = restore(clients[index], f"waits-{index}", tier)
        assert body == f"backup of waits-{index}".encode(), body

    def parallel() -> None:
        threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    with mock_glacier() as double:
        start = double.now()
        _, wall, processor = _timed(parallel)
        simulated = _elapsed(double, start)
    assert len(polls) == THREADS, polls
    return sum(polls.values()), wall, processor, simulated


def _threads(rounds: int, tier: str) -> dict[str, Any]:
    import boto3

    session = boto3.session.Session()
    clients = [_client(session) for _ in range(THREADS)]
    wall, processor, simulated = [], [], []
    polls = 0
    for round_ in range(WARM_UP + rounds):
        polls, round_wall, round_cpu, round_simulated = _threads_round(clients, tier)
        if round_ < WARM_UP:
            continue
        wall.append(round_wall)
        processor.append(round_cpu)
        simulated.append(round_simulated)
    return {
        "threads": THREADS,
        "tier": tier,
        "interval": POLL,
        "polls": polls,
        # the longest a round moved the clock (the shared timeline: about one restore's)
        "simulated_seconds": max(simulated),
        "wall": min(wall),
        "cpu": min(processor),
    }


def run(quick: bool) -> dict[str, Any]:
    rounds, tier, steps = (1, "Standard", 200) if quick else (5, "Bulk", 1000)
    return {
        "rounds": rounds,
        "poll": _poll(rounds, tier),
        "asyncio": _asyncio(rounds, steps),
        "threads": _threads(rounds, "Expedited"),
    }
