"""The one keyword-only configuration shared by the marker, ``mock_glacier`` and ini/CLI."""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import re
from collections.abc import Mapping
from typing import Any

from .core.clock import parse_instant

DEFAULT_START = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
DEFAULT_TIER_DURATIONS: dict[str, dt.timedelta] = {
    "Expedited": dt.timedelta(minutes=5),
    "Standard": dt.timedelta(hours=5),
    "Bulk": dt.timedelta(hours=12),
}


#: the largest ``time_scale``: a 12-hour Bulk job then completes in 0.04 s of wall time
MAX_TIME_SCALE = 1e6


class ConfigError(TypeError):
    """A configuration key or value the double cannot use."""


@dataclasses.dataclass(frozen=True, kw_only=True)
class GlacierConfig:
    """Everything a test can set about the double; see DESIGN.md section 3."""

    seed: int | str = 0
    account_id: str = "123456789012"
    region: str = "us-east-1"
    start: dt.datetime = DEFAULT_START
    clock: str = "frozen"
    time_scale: float = 1.0
    tier_durations: Mapping[str, dt.timedelta] = dataclasses.field(
        default_factory=lambda: dict(DEFAULT_TIER_DURATIONS)
    )
    expedited_capacity: int | None = None
    retrieval_policy: Mapping[str, Any] | None = None
    free_tier_bytes_per_day: int = 10 * 1024**3 // 30
    inventory: str = "live"
    faults: tuple[Mapping[str, Any], ...] = ()
    #: also answer ``requests`` calls to https://glacier.<region>.amazonaws.com via ``responses``
    requests: bool = False
    #: where archive bytes live: "memory", or "disk" (a temporary directory per double)
    storage: str = "memory"
    #: "simulated": code under test sleeps (time.sleep, asyncio) on the frozen clock;
    #: "real": they really wait. With clock="real", sleeps are always real.
    sleep: str = "simulated"
    #: where job notifications are also published / select output also written (a moto
    #: server, say); without them, an active moto ``mock_aws`` takes them, else nothing does
    sns_endpoint_url: str | None = None
    s3_endpoint_url: str | None = None
    #: check each request's SigV4 signature: False (default), True (the double's own fake
    #: credentials), or a mapping of access key id -> secret key, or -> {"secret_access_key",
    #: "account_id"} (requests signed with that key act in that account)
    verify_signatures: bool | Mapping[str, Any] = False
    #: the local server's admin endpoint requires this token (None: no token asked)
    admin_token: str | None = None
    #: keep only about this many of the newest calls (None: all of them, as a test wants); a
    #: long-running ``serve`` keeps 100,000 so its memory stays bounded
    calls_kept: int | None = None

    @classmethod
    def keys(cls) -> list[str]:
        return [f.name for f in dataclasses.fields(cls)]

    @classmethod
    def build(cls, **options: Any) -> GlacierConfig:
        """Validate and normalise user options; unknown keys name the valid ones."""
        __tracebackhide__ = True
        valid = cls.keys()
        for key in options:
            if key not in valid:
                close = difflib.get_close_matches(key, valid, n=1)
                hint = f" Did you mean {close[0]!r}?" if close else ""
                raise ConfigError(
                    f"Unknown pytest_glacier option {key!r}.{hint} "
                    f"Valid options: {', '.join(valid)}"
                )
        if "start" in options:
            options["start"] = parse_instant(options["start"])
        if "tier_durations" in options:
            options["tier_durations"] = _tier_durations(options["tier_durations"])
        if "faults" in options:
            options["faults"] = _faults(options["faults"])
        if "verify_signatures" in options:
            options["verify_signatures"] = _signing_keys(options["verify_signatures"])
        if options.get("retrieval_policy") is not None:
            options["retrieval_policy"] = _retrieval_policy(options["retrieval_policy"])
        config = cls(**options)
        config._check()
        return config

    def _check(self) -> None:
        if not re.fullmatch(r"\d{12}", self.account_id):
            raise ConfigError(f"account_id must be 12 digits, got {self.account_id!r}")
        if self.clock not in ("frozen", "real"):
            raise ConfigError(f"clock must be 'frozen' or 'real', got {self.clock!r}")
        if self.storage not in ("memory", "disk"):
            raise ConfigError(f"storage must be 'memory' or 'disk', got {self.storage!r}")
        if self.sleep not in ("simulated", "real"):
            raise ConfigError(f"sleep must be 'simulated' or 'real', got {self.sleep!r}")
        if self.inventory not in ("live", "daily"):
            raise ConfigError(f"inventory must be 'live' or 'daily', got {self.inventory!r}")
        if (
            isinstance(self.time_scale, bool)
            or not isinstance(self.time_scale, int | float)
            or not 0 < self.time_scale <= MAX_TIME_SCALE
        ):
            raise ConfigError(
                f"time_scale must be a number above 0 and at most {MAX_TIME_SCALE:g}, "
                f"got {self.time_scale!r}"
            )
        for key in ("sns_endpoint_url", "s3_endpoint_url"):
            url = getattr(self, key)
            if url is not None and not (
                isinstance(url, str) and url.startswith(("http://", "https://"))
            ):
                raise ConfigError(f"{key} must be an http(s) URL or None, got {url!r}")
        if self.admin_token is not None and (
            not isinstance(self.admin_token, str) or not self.admin_token
        ):
            raise ConfigError(f"admin_token must be a non-empty string, got {self.admin_token!r}")
        if self.calls_kept is not None and (
            isinstance(self.calls_kept, bool)
            or not isinstance(self.calls_kept, int)
            or self.calls_kept < 1
        ):
            raise ConfigError(
                f"calls_kept must be a positive integer or None, got {self.calls_kept!r}"
            )
        if self.clock == "frozen" and self.time_scale != 1.0:
            raise ConfigError("time_scale only applies to clock='real'")
        if self.expedited_capacity is not None and (
            isinstance(self.expedited_capacity, bool) or self.expedited_capacity < 0
        ):
            raise ConfigError(
                f"expedited_capacity must be None or a count >= 0, got {self.expedited_capacity!r}"
            )
        if (
            isinstance(self.free_tier_bytes_per_day, bool)
            or not isinstance(self.free_tier_bytes_per_day, int)
            or self.free_tier_bytes_per_day < 0
        ):
            raise ConfigError(
                "free_tier_bytes_per_day must be a byte count >= 0, "
                f"got {self.free_tier_bytes_per_day!r}"
            )


def _signing_keys(value: Any) -> bool | dict[str, dict[str, str | None]]:
    """``verify_signatures`` as {access key id: {"secret_access_key", "account_id"}}."""
    if isinstance(value, bool):
        return value
    if not isinstance(value, Mapping) or not value:
        raise ConfigError(
            "verify_signatures must be True, False or a non-empty mapping of access key ids "
            f"to secret keys, got {value!r}"
        )
    keys: dict[str, dict[str, str | None]] = {}
    for key, entry in value.items():
        if isinstance(entry, str):
            entry = {"secret_access_key": entry}
        if (
            not isinstance(key, str)
            or not isinstance(entry, Mapping)
            or not isinstance(entry.get("secret_access_key"), str)
            or set(entry) - {"secret_access_key", "account_id"}
        ):
            raise ConfigError(
                f"verify_signatures[{key!r}] must be a secret key string or "
                f'{{"secret_access_key": ..., "account_id": ...}}, got {entry!r}'
            )
        account = entry.get("account_id")
        if account is not None and not (
            isinstance(account, str) and re.fullmatch(r"\d{12}", account)
        ):
            raise ConfigError(
                f"verify_signatures[{key!r}]: account_id must be 12 digits, got {account!r}"
            )
        keys[key] = {"secret_access_key": entry["secret_access_key"], "account_id": account}
    return keys


def _faults(value: Any) -> tuple[Mapping[str, Any], ...]:
    """Each entry is checked by building the rule it describes (inject()'s own checks)."""
    from .faults import FaultRule

    if isinstance(value, Mapping | str):
        raise ConfigError(f"faults must be a list of dicts, got {value!r}")
    entries = tuple(value)
    for index, spec in enumerate(entries):
        try:
            FaultRule.from_spec(spec)
        except (TypeError, ValueError) as error:
            raise ConfigError(f"faults[{index}]: {error}") from None
    return entries


def _retrieval_policy(value: Any) -> dict[str, Any]:
    """The policy in the API's shape, checked as SetDataRetrievalPolicy checks it."""
    from .core.errors import GlacierError
    from .service.policies.retrieval import check_policy

    try:
        return check_policy(value)
    except GlacierError as error:
        raise ConfigError(f"retrieval_policy: {error.message}") from None


def _tier_durations(value: Mapping[str, Any]) -> dict[str, dt.timedelta]:
    durations = dict(DEFAULT_TIER_DURATIONS)
    for tier, duration in value.items():
        if tier not in DEFAULT_TIER_DURATIONS:
            raise ConfigError(
                f"Unknown tier {tier!r} in tier_durations; "
                f"tiers: {', '.join(DEFAULT_TIER_DURATIONS)}"
            )
        if not isinstance(duration, dt.timedelta) or duration < dt.timedelta():
            raise ConfigError(
                f"tier_durations[{tier!r}] must be a timedelta >= 0, got {duration!r}"
            )
        durations[tier] = duration
    return durations
