"""Per-call cost through aiobotocore: its own floor vs pytest_glacier's async door.

The floor is an aiobotocore client whose ``before-send`` hook returns, canned, the very
response our double gave for the same call: serialisation, signing, the async emitter and
parsing are paid by both; only answering differs. Runs where aiobotocore is installed (it
pins its own botocore, so not in the main environment):

    .venv-async/bin/python -m bench.aio_percall [--quick]

Not part of ``python -m bench``, which runs in the main environment.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import Any

from .timing import cpu, median

OPERATIONS = ("CreateVault", "DescribeVault", "UploadArchive", "InitiateJob", "DescribeJob")
CREDENTIALS = {"aws_access_key_id": "AKIABENCH0000000000", "aws_secret_access_key": "bench"}
BUDGET = 1.3
Canned = dict[str, tuple[int, dict[str, str], bytes]]
Calls = dict[str, Callable[[], Awaitable[Any]]]


class _CannedRaw:
    """What aiobotocore reads a canned body from (as it reads aiohttp's response)."""

    def __init__(self, body: bytes) -> None:
        self._body = body
        self.content = self

    async def read(self, n: int = -1) -> bytes:
        body, self._body = self._body, b""
        return body


async def _scenario(client: Any, ready: Callable[[], None]) -> Calls:
    """Create the state every operation needs, then the calls to time (same for both)."""
    small = b"u" * 1024
    await client.create_vault(vaultName="bench")
    archive = (await client.upload_archive(vaultName="bench", body=small))["archiveId"]
    retrieval = {"Type": "archive-retrieval", "ArchiveId": archive, "Tier": "Expedited"}
    job = (await client.initiate_job(vaultName="bench", jobParameters=retrieval))["jobId"]
    ready()
    return {
        "CreateVault": lambda: client.create_vault(vaultName="created"),
        "DescribeVault": lambda: client.describe_vault(vaultName="bench"),
        "UploadArchive": lambda: client.upload_archive(vaultName="bench", body=small),
        "InitiateJob": lambda: client.initiate_job(vaultName="bench", jobParameters=retrieval),
        "DescribeJob": lambda: client.describe_job(vaultName="bench", jobId=job),
    }


class _World:
    """One way of answering, with its own client on the shared loop."""

    name = ""
    calls: Calls

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        from aiobotocore.session import get_session

        self.loop = loop
        self._context = get_session().create_client(
            "glacier", region_name="us-east-1", **CREDENTIALS
        )
        self.client = loop.run_until_complete(self._context.__aenter__())

    def activate(self) -> None: ...

    def deactivate(self) -> None: ...

    def close(self) -> None:
        self.loop.run_until_complete(self._context.__aexit__(None, None, None))


class Ours(_World):
    name = "pytest_glacier"

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        from pytest_glacier import mock_glacier

        self.double = mock_glacier()
        super().__init__(loop)
        self.activate()
        self.canned = self._record()
        self.deactivate()

    def _record(self) -> Canned:
        """One call of each operation, keeping the core's response for the floor to replay."""
        service = self.double.service
        handle = service.handle
        canned: Canned = {}
        current = [""]

        def recording(request: Any) -> Any:
            response = handle(request)
            canned[current[0]] = (response.status, dict(response.headers), bytes(response.body))
            return response

        service.handle = recording  # type: ignore[method-assign]
        for operation, call in self.calls.items():
            current[0] = operation
            self.loop.run_until_complete(call())
        del service.handle
        return canned

    def activate(self) -> None:
        # each activation is a fresh double: build the state the calls need again (untimed)
        self.double.start()
        self.calls = self.loop.run_until_complete(_scenario(self.client, self.double.complete_jobs))

    def deactivate(self) -> None:
        self.double.stop()


class Floor(_World):
    name = "aiobotocore floor"

    def __init__(self, loop: asyncio.AbstractEventLoop, canned: Canned) -> None:
        from aiobotocore.awsrequest import AioAWSResponse

        super().__init__(loop)

        def answer(request: Any, event_name: str, **_: Any) -> Any:
            status, headers, body = canned[event_name.rsplit(".", 1)[1]]
            return AioAWSResponse(request.url, status, dict(headers), _CannedRaw(body))

        self.client.meta.events.register_first("before-send.glacier", answer)
        self.calls = loop.run_until_complete(_scenario(self.client, lambda: None))


class FrozenFloor(Floor):
    """The floor with freezegun active, as under the double's default ``clock="frozen"``."""

    name = "floor, frozen clock"

    def activate(self) -> None:
        from freezegun import freeze_time

        self._freezer = freeze_time("2024-01-01")
        self._freezer.start()

    def deactivate(self) -> None:
        self._freezer.stop()


def _per_call(loop: asyncio.AbstractEventLoop, call: Callable[[], Awaitable[Any]], n: int) -> float:
    """CPU seconds per call over ``n`` calls awaited one after another on ``loop``."""

    async def calls() -> None:
        for _ in range(n):
            await call()

    start = cpu()
    loop.run_until_complete(calls())
    return (cpu() - start) / n


def measure(quick: bool) -> dict[str, dict[str, list[float]]]:
    """CPU seconds per call, one sample per world, operation and round. Worlds take turns for
    every operation of every round, so that the machine's drift (other processes, frequency)
    hits neighbouring samples alike."""
    rounds, n = (1, 20) if quick else (15, 100)
    loop = asyncio.new_event_loop()
    ours = Ours(loop)
    worlds: list[_World] = [Floor(loop, ours.canned), FrozenFloor(loop, ours.canned), ours]
    samples: dict[str, dict[str, list[float]]] = {
        w.name: {op: [] for op in OPERATIONS} for w in worlds
    }
    try:
        for _ in range(rounds):
            for operation in OPERATIONS:
                for world in worlds:
                    world.activate()
                    try:
                        _per_call(loop, world.calls[operation], 3)  # warm up
                        samples[world.name][operation].append(
                            _per_call(loop, world.calls[operation], n)
                        )
                    finally:
                        world.deactivate()
    finally:
        for world in worlds:
            world.close()
        loop.close()
    return samples


def table(samples: dict[str, dict[str, list[float]]]) -> str:
    """Medians per world, and the median of the ratios of neighbouring samples (ours to the
    floor taken just before it): steadier than a ratio of medians on a noisy machine."""
    floor, frozen, ours = (
        samples[name] for name in ("aiobotocore floor", "floor, frozen clock", "pytest_glacier")
    )
    lines = [f"{'operation':<15}{'floor µs':>10}{'frozen µs':>11}{'ours µs':>10}{'ours/floor':>12}"]
    ratios = {}
    for op in OPERATIONS:
        ratios[op] = median([o / f for o, f in zip(ours[op], floor[op], strict=True)])
        lines.append(
            f"{op:<15}{median(floor[op]) * 1e6:>10.0f}{median(frozen[op]) * 1e6:>11.0f}"
            f"{median(ours[op]) * 1e6:>10.0f}{ratios[op]:>11.2f}x"
        )
    worst = max(ratios.values())
    verdict = "within" if worst <= BUDGET else "OVER"
    lines.append(f"worst ours/floor {worst:.2f}x: {verdict} the {BUDGET}x budget")
    return "\n".join(lines)


if __name__ == "__main__":
    print(table(measure("--quick" in sys.argv)))
