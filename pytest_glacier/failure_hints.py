"""Hints added to a failing test's report: what the double saw that explains common mistakes.

They go into the report only (a section like captured logs), never into a response body: the
client gets exactly what the service would answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .core.clock import iso_ms

if TYPE_CHECKING:
    from .simulator import Glacier

NOT_AVAILABLE = "InvalidParameterValueException"


def hints(double: Glacier) -> list[str]:
    """One line per explained refusal, in the order the calls came."""
    lines: list[str] = []
    seen: set[str] = set()
    for call in double.calls:
        if call.operation != "GetJobOutput" or call.error_code != NOT_AVAILABLE:
            continue
        job_id = str(call.params.get("jobId", ""))
        vault = double.vaults().get(str(call.params.get("vaultName", "")))
        job = vault.jobs.get(job_id) if vault is not None else None
        if job is None or job_id in seen or job.done(double.now()):
            continue
        seen.add(job_id)
        lines.append(
            f"GetJobOutput of job {job_id[:12]}... was refused while the job was InProgress: "
            f"it completes at {iso_ms(job.completes_at)} simulated time (now "
            f"{iso_ms(double.now())}). Simulated time moves only when the test calls "
            "glacier.advance(...) or glacier.complete_jobs(), or code under test sleeps."
        )
    return lines
