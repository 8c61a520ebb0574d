"""Frozen records the controller exposes for assertions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Call:
    """One request the double answered (each botocore retry attempt is its own call)."""

    operation: str
    status: int
    error_code: str | None
    params: Mapping[str, Any]
    request_id: str
    #: the transport fault that hit this attempt ("reset", "timeout", "truncate"), if any;
    #: a reset one has status 0: no answer was sent
    fault: str | None = None


@dataclass(frozen=True)
class Notification:
    """One SNS message the double published: the topic ARN and the DescribeJob-shaped dict."""

    topic: str
    message: Mapping[str, Any]


@dataclass(frozen=True)
class Sleep:
    """One ``time.sleep`` that code under test spent in simulated time."""

    seconds: float
    #: the simulated moment the sleep began
    at: dt.datetime
    #: the name of the thread that slept
    thread: str
