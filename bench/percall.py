"""Per-call cost through boto3: botocore's floor vs pytest_glacier vs moto's ``mock_aws``.

The floor is a boto3 client whose ``before-send`` hook returns, canned, the very response our
double gave for the same call: serialisation, signing, event hooks and parsing are paid by all
three; only answering differs. moto runs in a child process: importing it
installs its ``before-send`` handler on every client made afterwards.
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable, Iterator
from typing import Any

from .timing import median, now, per_call, run_child

OPERATIONS = (
    "CreateVault",
    "DescribeVault",
    "UploadArchive",
    "InitiateJob",
    "DescribeJob",
    "ListJobs",
    "GetJobOutput",
)
CREDENTIALS = {"aws_access_key_id": "AKIABENCH0000000000", "aws_secret_access_key": "bench"}
KIB = 1024


class _CannedRaw(io.BytesIO):
    """What botocore reads a canned body from."""

    def stream(self, amt: int = 1 << 16, decode_content: bool = True) -> Iterator[bytes]:
        while chunk := self.read(amt):
            yield chunk


def _client(session: Any) -> Any:
    return session.client("glacier", region_name="us-east-1", **CREDENTIALS)


def _scenario(client: Any, ready: Callable[[], None]) -> dict[str, Callable[[], Any]]:
    """Create the state every operation needs, then the calls to time (same for all doubles)."""
    small, output = b"u" * KIB, b"o" * (64 * KIB)
    client.create_vault(vaultName="bench")
    client.create_vault(vaultName="jobs")
    archive = client.upload_archive(vaultName="bench", body=output)["archiveId"]
    listed = client.upload_archive(vaultName="jobs", body=small)["archiveId"]
    retrieval = {"Type": "archive-retrieval", "ArchiveId": archive, "Tier": "Expedited"}
    job = client.initiate_job(vaultName="bench", jobParameters=retrieval)["jobId"]
    for _ in range(50):
        client.initiate_job(
            vaultName="jobs",
            jobParameters={"Type": "archive-retrieval", "ArchiveId": listed, "Tier": "Bulk"},
        )
    ready()
    return {
        # a vault of its own: moto replaces an existing vault (and its jobs) on CreateVault
        "CreateVault": lambda: client.create_vault(vaultName="created"),
        "DescribeVault": lambda: client.describe_vault(vaultName="bench"),
        "UploadArchive": lambda: client.upload_archive(vaultName="bench", body=small),
        "InitiateJob": lambda: client.initiate_job(vaultName="bench", jobParameters=retrieval),
        "DescribeJob": lambda: client.describe_job(vaultName="bench", jobId=job),
        "ListJobs": lambda: client.list_jobs(vaultName="jobs"),
        "GetJobOutput": lambda: client.get_job_output(vaultName="bench", jobId=job)["body"].read(),
    }


class _World:
    """One way of answering: activated around its timed rounds only."""

    name = ""
    calls: dict[str, Callable[[], Any]]

    def activate(self) -> None: ...

    def deactivate(self) -> None: ...


class Ours(_World):
    name = "pytest_glacier"

    def __init__(self, session: Any) -> None:
        from pytest_glacier import mock_glacier

        self.double = mock_glacier()
        self.client = _client(session)
        self.canned: dict[str, tuple[int, dict[str, str], bytes]] = {}
        self.activate()
        self._record_responses()
        self.deactivate()

    def _record_responses(self) -> None:
        """One call of each operation, keeping the raw response for the floor to replay."""
        from pytest_glacier.core.http import Response

        service = self.double.service
        handle = service.handle

        def recording(request: Any) -> Any:
            response = handle(request)
            body = b"".join(response.chunks())
            recorded = Response(response.status, dict(response.headers), body, response.error_code)
            self.canned[current[0]] = (response.status, dict(response.headers), body)
            return recorded

        current = [""]
        service.handle = recording  # type: ignore[method-assign]
        for operation, call in self.calls.items():
            current[0] = operation
            call()
        del service.handle

    def activate(self) -> None:
        # each activation is a fresh double: build the state the calls need again (untimed)
        self.double.start()
        self.calls = _scenario(self.client, lambda: self.double.complete_jobs())

    def deactivate(self) -> None:
        self.double.stop()


class Floor(_World):
    name = "botocore floor"

    def __init__(self, session: Any, canned: dict[str, tuple[int, dict[str, str], bytes]]) -> None:
        from botocore.awsrequest import AWSResponse

        self.client = _client(session)

        def answer(request: Any, event_name: str, **_: Any) -> Any:
            status, headers, body = canned[event_name.rsplit(".", 1)[1]]
            return AWSResponse(request.url, status, dict(headers), _CannedRaw(body))

        self.client.meta.events.register_first("before-send.glacier", answer)
        self.calls = _scenario(self.client, lambda: None)


class FrozenFloor(Floor):
    """The floor with freezegun active, as it is under the default ``clock="frozen"``: what
    frozen time costs botocore's own code (signing and parsing read the clock)."""

    name = "floor, frozen clock"

    def __init__(self, session: Any, canned: dict[str, tuple[int, dict[str, str], bytes]]) -> None:
        super().__init__(session, canned)
        self._freezer: Any = None

    def activate(self) -> None:
        from freezegun import freeze_time

        self._freezer = freeze_time("2024-01-01")
        self._freezer.start()

    def deactivate(self) -> None:
        self._freezer.stop()


class Moto(_World):
    name = "moto"

    def __init__(self) -> None:
        import time

        import boto3
        from moto import mock_aws

        self.mock = mock_aws()
        self.activate()
        self.client = _client(boto3.session.Session())
        self.calls = _scenario(self.client, lambda: time.sleep(2.1))  # Expedited: 2 real s
        self.deactivate()

    def activate(self) -> None:
        self.mock.start(reset=False)

    def deactivate(self) -> None:
        self.mock.stop(remove_data=False)


def _measure(worlds: list[_World], quick: bool) -> dict[str, dict[str, float]]:
    """Median seconds per call, rounds interleaved across worlds so drift hits all alike."""
    rounds, calls = (1, 20) if quick else (7, 150)
    samples = {w.name: {op: [] for op in OPERATIONS} for w in worlds}  # type: ignore[var-annotated]
    for _ in range(rounds):
        for world in worlds:
            world.activate()
            try:
                for operation in OPERATIONS:
                    call = world.calls[operation]
                    for _ in range(3):
                        call()
                    samples[world.name][operation].append(per_call(call, calls))
            finally:
                world.deactivate()
    return {name: {op: median(v) for op, v in by_op.items()} for name, by_op in samples.items()}


def run(quick: bool) -> dict[str, Any]:
    """Seconds per call for each operation: floor and ours here, moto in its own process
    (moto patches botocore process-wide, and its glacier state does not survive being
    interleaved with another double's rounds)."""
    import boto3

    started = now()
    ours = Ours(boto3.session.Session())
    floor = Floor(boto3.session.Session(), ours.canned)
    frozen = FrozenFloor(boto3.session.Session(), ours.canned)
    table = _measure([floor, frozen, ours], quick)
    try:
        table.update(run_child("percall", "--moto", *(["--quick"] if quick else [])))
    except RuntimeError as error:
        print(f"moto per-call skipped: {error}", file=sys.stderr)
    return {"seconds_per_call": table, "wall": now() - started}


if __name__ == "__main__":
    quick_mode = "--quick" in sys.argv
    print(json.dumps(_measure([Moto()], quick_mode)))
