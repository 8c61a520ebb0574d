"""Frozen records the controller exposes for assertions."""

from __future__ import annotations

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


@dataclass(frozen=True)
class Notification:
    """One SNS message the double published: the topic ARN and the DescribeJob-shaped dict."""

    topic: str
    message: Mapping[str, Any]
