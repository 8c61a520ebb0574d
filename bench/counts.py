"""What one request costs in steps rather than time: deterministic, so its budgets can fail CI.

For one ``initiate_job`` through boto3 (after a warm-up call): the calls into the package's
own functions and the files they live in, how often the clock is read, how often the request
body is parsed (``json.loads`` called by the package), and how often the request enters the
botocore door. And the package's lines run per job when ``advance()`` completes 100 jobs and
400: flat, or a step of the settle path (the timeline's, say) walks every job per completion
(a loop's every turn is a line event). Counted with ``sys.setprofile`` and ``sys.settrace``,
so the machine's speed plays no part.
"""

from __future__ import annotations

import sys
from collections import Counter
from types import FrameType
from typing import Any

PACKAGE = "/pytest_glacier/"
#: function (file suffix, name) -> what counting it measures
WATCHED = {
    ("core/clock.py", "now"): "clock_reads",
    ("doors/botocore_door.py", "_before_send"): "door_entries",
}
#: deterministic budgets: CI fails when one is not met
BUDGETS = {"functions": 90, "clock_reads": 1, "body_parses": 1, "door_entries": 1}
#: package lines run per completed job at 400 jobs over those at 100: at most this
COMPLETION_GROWTH = 1.10


def count_completions(jobs: int) -> float:
    """Package lines run per job by one ``advance()`` that completes ``jobs`` jobs."""
    from pytest_glacier import mock_glacier

    with mock_glacier() as glacier:
        client = glacier.client()
        client.create_vault(vaultName="busy")
        archive = client.upload_archive(vaultName="busy", body=b"x")["archiveId"]
        retrieval = {"Type": "archive-retrieval", "ArchiveId": archive, "Tier": "Bulk"}
        for _ in range(jobs):
            client.initiate_job(vaultName="busy", jobParameters=retrieval)
        lines = 0

        def line(frame: FrameType, event: str, arg: Any) -> Any:
            nonlocal lines
            lines += event == "line"
            return line

        def call(frame: FrameType, event: str, arg: Any) -> Any:
            return line if PACKAGE in frame.f_code.co_filename else None

        sys.settrace(call)
        try:
            completed = glacier.advance(hours=12)
        finally:
            sys.settrace(None)
    assert len(completed) == jobs
    return lines / jobs


def count_initiate_job() -> dict[str, Any]:
    import boto3

    from pytest_glacier import mock_glacier

    with mock_glacier():
        client = boto3.client("glacier", region_name="us-east-1")
        client.create_vault(vaultName="counted")
        archive = client.upload_archive(vaultName="counted", body=b"x" * 1024)["archiveId"]
        retrieval = {"Type": "archive-retrieval", "ArchiveId": archive, "Tier": "Expedited"}
        client.initiate_job(vaultName="counted", jobParameters=retrieval)  # warm caches
        calls: Counter[tuple[str, str]] = Counter()

        def profile(frame: FrameType, event: str, arg: Any) -> None:
            if event != "call":
                return
            code = frame.f_code
            if PACKAGE in code.co_filename:
                calls[code.co_filename.split(PACKAGE)[-1], code.co_name] += 1
            elif code.co_name == "loads" and code.co_filename.endswith("json/__init__.py"):
                caller = frame.f_back
                if caller is not None and PACKAGE in caller.f_code.co_filename:
                    calls["json", "loads"] += 1  # the package parsing a JSON body

        sys.setprofile(profile)
        try:
            client.initiate_job(vaultName="counted", jobParameters=retrieval)
        finally:
            sys.setprofile(None)
    body_parses = calls.pop(("json", "loads"), 0)
    watched = {name: calls.get(key, 0) for key, name in WATCHED.items()}
    return {
        "functions": sum(calls.values()),
        "distinct_functions": len(calls),
        "files": len({path for path, _ in calls}),
        "body_parses": body_parses,
        **watched,
    }


def unmet(result: dict[str, Any]) -> list[str]:
    """The deterministic budgets this run breaks, as lines to print."""
    counted = result["initiate_job"]
    lines = [
        f"{name}: {counted[name]} > {limit}"
        for name, limit in BUDGETS.items()
        if counted[name] > limit
    ]
    growth = result["completions"]["growth"]
    if growth > COMPLETION_GROWTH:
        lines.append(f"lines run per completed job grow {growth:.2f}x from 100 to 400 jobs")
    return lines


def run(quick: bool) -> dict[str, Any]:
    few, many = count_completions(100), count_completions(400)
    return {
        "initiate_job": count_initiate_job(),
        "completions": {"per_job_100": few, "per_job_400": many, "growth": many / few},
    }


if __name__ == "__main__":
    result = run(quick=True)
    print(result)
    sys.exit(1 if unmet(result) else 0)
