"""What one request costs in steps rather than time: deterministic, so its budgets can fail CI.

For one ``initiate_job`` through boto3 (after a warm-up call): the calls into the package's
own functions and the files they live in, how often the clock is read, how often the request
body is parsed (``json.loads`` called by the package), and how often the request enters the
botocore door. Counted with ``sys.setprofile``, so the machine's speed plays no part.
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
    return [
        f"{name}: {result[name]} > {limit}"
        for name, limit in BUDGETS.items()
        if result[name] > limit
    ]


def run(quick: bool) -> dict[str, Any]:
    return {"initiate_job": count_initiate_job()}


if __name__ == "__main__":
    print(run(quick=True))
    sys.exit(1 if unmet(run(quick=True)["initiate_job"]) else 0)
