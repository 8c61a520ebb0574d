"""Backend state: plain objects per (account, region); no HTTP in here."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..config import GlacierConfig
from ..core.clock import Clock
from ..core.ids import IdFactory


def vault_arn(region: str, account_id: str, name: str) -> str:
    return f"arn:aws:glacier:{region}:{account_id}:vaults/{name}"


@dataclass(eq=False)
class Archive:
    archive_id: str
    vault_name: str
    description: str
    creation_date: dt.datetime
    size: int
    tree_hash: str
    data: bytes | memoryview = field(repr=False)


@dataclass(eq=False)
class Vault:
    name: str
    arn: str
    creation_date: dt.datetime
    archives: dict[str, Archive] = field(default_factory=dict)
    #: daily-inventory mode: when the last snapshot was taken and what it counted
    last_inventory_date: dt.datetime | None = None
    inventory_snapshot: tuple[Archive, ...] = ()
    last_write: dt.datetime | None = None
    jobs: dict[str, Any] = field(default_factory=dict)
    uploads: dict[str, Any] = field(default_factory=dict)
    notification_config: dict[str, Any] | None = None
    access_policy: str | None = None
    lock: Any = None
    tags: dict[str, str] = field(default_factory=dict)


@dataclass(eq=False)
class RegionState:
    account_id: str
    region: str
    vaults: dict[str, Vault] = field(default_factory=dict)
    retrieval_policy: dict[str, Any] = field(
        default_factory=lambda: {"Rules": [{"Strategy": "None"}]}
    )
    provisioned_capacity: list[Any] = field(default_factory=list)
    #: archive id -> the vault it was stored in (kept after deletion, to name the owner)
    archive_vaults: dict[str, str] = field(default_factory=dict)

    def arn(self, vault_name: str) -> str:
        return vault_arn(self.region, self.account_id, vault_name)


class Backend:
    """All state of one double, its clock and its id source, behind one re-entrant lock."""

    def __init__(self, config: GlacierConfig, scope: str = "") -> None:
        self.config = config
        self.clock = Clock(config.clock, config.start, config.time_scale)
        self.ids = IdFactory(config.seed, scope)
        self.lock = threading.RLock()
        self.regions: dict[tuple[str, str], RegionState] = {}
        #: asked when a job is created, with its DescribeJob-shaped dict: a StatusMessage
        #: means the job will end Failed at its completion time (fault injection)
        self.job_fault_hooks: list[Callable[[dict[str, Any]], str | None]] = []

    def region_state(self, region: str, account_id: str | None = None) -> RegionState:
        key = (account_id or self.config.account_id, region)
        with self.lock:
            state = self.regions.get(key)
            if state is None:
                state = self.regions[key] = RegionState(key[0], region)
                if self.config.retrieval_policy is not None:
                    state.retrieval_policy = dict(self.config.retrieval_policy)
            return state

    def now(self) -> dt.datetime:
        return self.clock.now()
