"""IAM-style vault policies: parse (strictly), evaluate, and enforce before a handler runs.

The double has one caller, the account itself, whose own permissions allow every action; so,
as in IAM for a same-account request, an explicit ``Deny`` in the vault lock policy or the
vault access policy refuses a request and ``Allow`` statements grant nothing new. Parsing
rejects every element the evaluator does not implement, so a policy is never half-applied.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ...core.errors import GlacierError, invalid, missing
from ...core.routes import OPERATIONS
from ..engine.context import Context

MAX_POLICY_BYTES = 20 * 1024
VERSIONS = ("2012-10-17", "2008-10-17")
_ACTIONS = {op.lower(): op for op in OPERATIONS}
_ACCOUNT_PRINCIPAL = re.compile(r"(\d{12})|arn:aws:iam::(\d{12}):(root|user/.+|role/.+)")
_AGE_KEY = "glacier:archiveageindays"
_TAG_KEY = "glacier:resourcetag/"

#: operations the policies govern: DeleteArchive, InitiateJob and those that change a vault.
#: Reads, and the access-policy and vault-lock operations (the account can always manage its
#: policies, and the lock's own state machine guards it), are not evaluated.
ENFORCED = frozenset(
    {
        "DeleteArchive",
        "InitiateJob",
        "DeleteVault",
        "UploadArchive",
        "InitiateMultipartUpload",
        "UploadMultipartPart",
        "CompleteMultipartUpload",
        "AbortMultipartUpload",
        "SetVaultNotifications",
        "DeleteVaultNotifications",
        "AddTagsToVault",
        "RemoveTagsFromVault",
    }
)


@dataclass(frozen=True)
class PolicyRequest:
    """What a statement is matched against."""

    operation: str
    resource: str
    account_id: str
    archive_age_days: int | None
    tags: Mapping[str, str]

    def value(self, key: str) -> str | int | None:
        """A condition key's value (keys are case-insensitive, tag keys too), or None."""
        if key == _AGE_KEY:
            return self.archive_age_days
        wanted = key[len(_TAG_KEY) :]
        return next((v for k, v in self.tags.items() if k.lower() == wanted), None)


# -- conditions ----------------------------------------------------------------------------


def _like(pattern: str, value: str, flags: int = 0) -> bool:
    """IAM wildcard match: ``*`` any run, ``?`` one character, nothing else special."""
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, flags | re.DOTALL) is not None


_STRING_TESTS: dict[str, Callable[[str, str], bool]] = {
    "StringEquals": lambda v, p: v == p,
    "StringEqualsIgnoreCase": lambda v, p: v.casefold() == p.casefold(),
    "StringLike": lambda v, p: _like(p, v),
}
_NUMERIC_TESTS: dict[str, Callable[[float, float], bool]] = {
    "NumericEquals": lambda v, p: v == p,
    "NumericLessThan": lambda v, p: v < p,
    "NumericLessThanEquals": lambda v, p: v <= p,
    "NumericGreaterThan": lambda v, p: v > p,
    "NumericGreaterThanEquals": lambda v, p: v >= p,
}
#: negated operator -> the operator it negates (values then combine as NOR)
_NEGATED = {
    "StringNotEquals": "StringEquals",
    "StringNotEqualsIgnoreCase": "StringEqualsIgnoreCase",
    "StringNotLike": "StringLike",
    "NumericNotEquals": "NumericEquals",
}

NUMERIC_OPERATORS = frozenset({*_NUMERIC_TESTS, "NumericNotEquals"})
STRING_OPERATORS = frozenset({*_STRING_TESTS, *(k for k in _NEGATED if k.startswith("String"))})


@dataclass(frozen=True)
class Condition:
    operator: str
    if_exists: bool
    key: str
    values: tuple[Any, ...]

    def holds(self, request: PolicyRequest) -> bool:
        value = request.value(self.key)
        if self.operator == "Null":
            return (value is None) is self.values[0]
        negated = self.operator in _NEGATED
        if value is None:
            return self.if_exists or negated
        base = _NEGATED.get(self.operator, self.operator)
        if base in _NUMERIC_TESTS:
            number_test = _NUMERIC_TESTS[base]
            matched = any(number_test(float(value), v) for v in self.values)
        else:
            string_test = _STRING_TESTS[base]
            matched = any(string_test(str(value), v) for v in self.values)
        return matched != negated


@dataclass(frozen=True)
class Statement:
    effect: str
    #: None means every principal
    principals: tuple[str, ...] | None
    actions: tuple[str, ...]
    not_action: bool
    resources: tuple[str, ...]
    not_resource: bool
    conditions: tuple[Condition, ...]

    def applies(self, request: PolicyRequest) -> bool:
        action = f"glacier:{request.operation}"
        return (
            self._principal_matches(request.account_id)
            and any(_like(a, action, re.IGNORECASE) for a in self.actions) != self.not_action
            and any(_like(r, request.resource) for r in self.resources) != self.not_resource
            and all(c.holds(request) for c in self.conditions)
        )

    def _principal_matches(self, account_id: str) -> bool:
        if self.principals is None:
            return True
        for principal in self.principals:
            match = _ACCOUNT_PRINCIPAL.fullmatch(principal)
            if match and account_id in (match[1], match[2]):
                return True
        return False


Policy = tuple[Statement, ...]


# -- parsing -------------------------------------------------------------------------------


class PolicyError(ValueError):
    """Why a policy document is refused."""


def _strings(value: Any, what: str) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    if not items or not all(isinstance(v, str) for v in items):
        raise PolicyError(f"{what} must be a string or a non-empty list of strings")
    return tuple(items)


def _principals(value: Any) -> tuple[str, ...] | None:
    if value == "*":
        return None
    if not isinstance(value, dict) or not value:
        raise PolicyError('Principal must be "*" or {"AWS": ...}')
    unsupported = sorted(set(value) - {"AWS"})
    if unsupported:
        raise PolicyError(f"unsupported principal type {unsupported[0]!r} (only AWS is supported)")
    principals = _strings(value["AWS"], "Principal AWS")
    if "*" in principals:
        return None
    for principal in principals:
        if not _ACCOUNT_PRINCIPAL.fullmatch(principal):
            raise PolicyError(
                f"invalid principal {principal!r}: use a 12-digit account ID or an IAM ARN "
                "such as arn:aws:iam::123456789012:root"
            )
    return principals


def _actions(value: Any) -> tuple[str, ...]:
    actions = _strings(value, "Action")
    for action in actions:
        if action == "*":
            continue
        service, _, name = action.partition(":")
        if service.lower() != "glacier" or not name:
            raise PolicyError(f"invalid action {action!r}: actions must be glacier:<Operation>")
        if "*" not in name and "?" not in name and name.lower() not in _ACTIONS:
            raise PolicyError(f"unknown action {action!r}")
    return actions


def _resources(value: Any) -> tuple[str, ...]:
    resources = _strings(value, "Resource")
    for resource in resources:
        if resource != "*" and not resource.startswith("arn:"):
            raise PolicyError(f"invalid resource {resource!r}: use a vault ARN or *")
    return resources


def _condition_values(operator: str, key: str, raw: Any) -> tuple[Any, ...]:
    items = raw if isinstance(raw, list) else [raw]
    if not items:
        raise PolicyError(f"condition {operator} on {key} has no values")
    if operator == "Null":
        if len(items) != 1 or str(items[0]).lower() not in ("true", "false"):
            raise PolicyError(f'condition Null on {key} takes "true" or "false"')
        return (str(items[0]).lower() == "true",)
    values: list[Any] = []
    for item in items:
        if isinstance(item, bool) or not isinstance(item, str | int | float):
            raise PolicyError(f"condition {operator} on {key}: values must be strings or numbers")
        if operator.startswith("Numeric"):
            try:
                values.append(float(item))
            except ValueError:
                raise PolicyError(
                    f"condition {operator} on {key}: {item!r} is not a number"
                ) from None
        else:
            values.append(str(item))
    return tuple(values)


def _conditions(value: Any) -> tuple[Condition, ...]:
    if not isinstance(value, dict):
        raise PolicyError("Condition must be an object of operators")
    conditions = []
    for name, keys in value.items():
        operator = name.removesuffix("IfExists")
        if ":" in name:
            raise PolicyError(f"unsupported condition set operator {name!r}")
        numeric, string = operator in NUMERIC_OPERATORS, operator in STRING_OPERATORS
        if not (numeric or string or name == "Null"):
            raise PolicyError(f"unsupported condition operator {name!r}")
        if not isinstance(keys, dict) or not keys:
            raise PolicyError(f"condition {name} must map condition keys to values")
        for key, raw in keys.items():
            lowered = key.lower()
            if lowered == _AGE_KEY:
                if string:
                    raise PolicyError(f"{key} takes Numeric operators, not {name}")
            elif lowered.startswith(_TAG_KEY) and len(lowered) > len(_TAG_KEY):
                if numeric:
                    raise PolicyError(f"{key} takes String operators, not {name}")
            else:
                raise PolicyError(
                    f"unsupported condition key {key!r} (supported: glacier:ArchiveAgeInDays, "
                    "glacier:ResourceTag/<key>)"
                )
            values = _condition_values(operator, key, raw)
            conditions.append(Condition(operator, name != operator, lowered, values))
    return tuple(conditions)


_STATEMENT_KEYS = {
    "Sid",
    "Effect",
    "Principal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
}


def _statement(raw: Any) -> Statement:
    if not isinstance(raw, dict):
        raise PolicyError("each Statement must be an object")
    unsupported = sorted(set(raw) - _STATEMENT_KEYS)
    if unsupported:
        raise PolicyError(f"unsupported policy element {unsupported[0]!r}")
    if raw.get("Effect") not in ("Allow", "Deny"):
        raise PolicyError('Effect must be "Allow" or "Deny"')
    if "Principal" not in raw:
        raise PolicyError("each Statement needs a Principal")
    for element in ("Action", "Resource"):
        if (element in raw) == (f"Not{element}" in raw):
            raise PolicyError(f"each Statement needs exactly one of {element} and Not{element}")
    not_action, not_resource = "NotAction" in raw, "NotResource" in raw
    return Statement(
        raw["Effect"],
        _principals(raw["Principal"]),
        _actions(raw["NotAction" if not_action else "Action"]),
        not_action,
        _resources(raw["NotResource" if not_resource else "Resource"]),
        not_resource,
        _conditions(raw.get("Condition", {})),
    )


@functools.lru_cache(maxsize=256)
def parse_policy(text: str) -> Policy:
    """The statements of a policy document; raises PolicyError saying what is wrong."""
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise PolicyError(f"the policy is not valid JSON ({exc})") from None
    except RecursionError:
        raise PolicyError("the policy is nested too deeply") from None
    if not isinstance(document, dict):
        raise PolicyError("the policy must be a JSON object")
    unsupported = sorted(set(document) - {"Version", "Id", "Statement"})
    if unsupported:
        raise PolicyError(f"unsupported policy element {unsupported[0]!r}")
    if document.get("Version", VERSIONS[0]) not in VERSIONS:
        raise PolicyError(f"Version must be one of {', '.join(VERSIONS)}")
    raw = document.get("Statement")
    statements = raw if isinstance(raw, list) else [raw] if raw is not None else []
    if not statements:
        raise PolicyError("the policy has no Statement")
    return tuple(_statement(s) for s in statements)


def policy_from_body(ctx: Context) -> str:
    """The ``Policy`` string of a Set/Initiate request, checked and parsed, as given."""
    body = ctx.json_body()
    text = body.get("Policy") if isinstance(body, dict) else None
    if text is None:
        raise missing("Policy")
    if not isinstance(text, str):
        raise invalid("Invalid policy: Policy must be the policy document as a JSON string")
    size = len(text.encode())
    if size > MAX_POLICY_BYTES:
        raise invalid(
            f"Invalid policy: the policy is {size} bytes; the limit is {MAX_POLICY_BYTES} bytes"
        )
    try:
        parse_policy(text)
    except PolicyError as exc:
        raise invalid(f"Invalid policy: {exc}") from None
    return text


# -- enforcement ---------------------------------------------------------------------------


def denying_statement(policy: Policy, request: PolicyRequest) -> Statement | None:
    """The first Deny statement that applies to the request, if any."""
    return next((s for s in policy if s.effect == "Deny" and s.applies(request)), None)


def _archive_age(ctx: Context, archives: Mapping[str, Any], now: dt.datetime) -> int | None:
    """Whole days since the request's archive was created (None when there is none)."""
    archive_id: Any = ctx.params.get("archiveId")
    if ctx.operation == "InitiateJob":
        try:
            body = ctx.json_body()
        except GlacierError:
            body = None
        archive_id = body.get("ArchiveId") if isinstance(body, dict) else None
    archive = archives.get(archive_id) if isinstance(archive_id, str) else None
    return None if archive is None else (now - archive.creation_date) // dt.timedelta(days=1)


def enforce(ctx: Context) -> None:
    """403 AccessDeniedException when a vault policy denies the request (caller holds the lock)."""
    if ctx.operation not in ENFORCED:
        return
    vault = ctx.region.vaults.get(ctx.params.get("vaultName", ""))
    if vault is None:
        return
    now = ctx.now()
    lock = vault.lock
    texts = [lock.policy if lock and lock.in_force(now) else None, vault.access_policy]
    policies = [parse_policy(t) for t in texts if t]
    if not policies:
        return
    request = PolicyRequest(
        ctx.operation, vault.arn, ctx.account_id, _archive_age(ctx, vault.archives, now), vault.tags
    )
    if any(denying_statement(p, request) for p in policies):
        raise GlacierError(
            "AccessDeniedException",
            f"User: arn:aws:iam::{ctx.account_id}:root is not authorized to perform: "
            f"glacier:{ctx.operation} on resource: {vault.arn} with an explicit deny in a "
            "resource-based policy",
        )
