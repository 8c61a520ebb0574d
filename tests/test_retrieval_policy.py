"""Get/SetDataRetrievalPolicy and PolicyEnforcedException on InitiateJob."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import raw

from pytest_glacier import ConfigError, Glacier, GlacierConfig
from pytest_glacier.service.engine.state import TICK, RunningSum, day_start
from pytest_glacier.service.policies import retrieval

DENIED = "InitiateJob request denied by current data retrieval policy."
MIB = 1024 * 1024
MAX = 2**63 - 1


def _policy(strategy: str, rate: int | None = None) -> dict[str, Any]:
    rule: dict[str, Any] = {"Strategy": strategy}
    if rate is not None:
        rule["BytesPerHour"] = rate
    return {"Rules": [rule]}


def _retrieve(client: Any, archive_id: str, tier: str, **extra: str) -> str:
    params = {"Type": "archive-retrieval", "ArchiveId": archive_id, "Tier": tier, **extra}
    job_id: str = client.initiate_job(vaultName="vault", jobParameters=params)["jobId"]
    return job_id


def _upload(client: Any, size: int) -> str:
    return str(client.upload_archive(vaultName="vault", body=b"a" * size)["archiveId"])


def _raw_put(body: bytes) -> tuple[int, Any]:
    """SetDataRetrievalPolicy with a hand-written body (needs the ``requests`` door)."""
    return raw("PUT", "/-/policies/data-retrieval", body, **{"content-type": "application/json"})


def _current(client: Any) -> Any:
    return client.get_data_retrieval_policy()["Policy"]


# -- Get / Set ------------------------------------------------------------------------------


def test_default_policy_is_no_retrieval_limit(client: Any) -> None:
    out = client.get_data_retrieval_policy()
    assert out["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert out["Policy"] == _policy("None")


@pytest.mark.parametrize(
    "policy", [_policy("BytesPerHour", 1), _policy("BytesPerHour", MAX), _policy("FreeTier")]
)
def test_set_then_get_round_trips(client: Any, policy: dict[str, Any]) -> None:
    out = client.set_data_retrieval_policy(Policy=policy)
    assert out["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert client.get_data_retrieval_policy()["Policy"] == policy


def test_policy_is_per_region(glacier: Glacier, client: Any) -> None:
    client.set_data_retrieval_policy(Policy=_policy("FreeTier"))
    other = glacier.client(region_name="eu-west-1")
    assert other.get_data_retrieval_policy()["Policy"] == _policy("None")


@pytest.mark.glacier(retrieval_policy=_policy("BytesPerHour", 10))
def test_configured_policy_is_the_initial_one(client: Any) -> None:
    assert client.get_data_retrieval_policy()["Policy"] == _policy("BytesPerHour", 10)


INVALID = [
    (
        {"Rules": []},
        "InvalidParameterValueException",
        "Invalid data retrieval policy: exactly one rule is required, got []",
    ),
    (
        {"Rules": [{"Strategy": "None"}, {"Strategy": "FreeTier"}]},
        "InvalidParameterValueException",
        "Invalid data retrieval policy: exactly one rule is required, got "
        '[{"Strategy": "None"}, {"Strategy": "FreeTier"}]',
    ),
    ({}, "MissingParameterValueException", "Required parameter missing: Rules"),
    ({"Rules": [{}]}, "MissingParameterValueException", "Required parameter missing: Strategy"),
    (
        {"Rules": [{"Strategy": "Unlimited"}]},
        "InvalidParameterValueException",
        "Invalid data retrieval policy strategy: Unlimited. "
        "Valid strategies: BytesPerHour, FreeTier, None",
    ),
    (
        {"Rules": [{"Strategy": "BytesPerHour"}]},
        "MissingParameterValueException",
        "Required parameter missing: BytesPerHour",
    ),
    (
        _policy("BytesPerHour", 0),
        "InvalidParameterValueException",
        "Invalid BytesPerHour: 0. It must be an integer between 1 and 9223372036854775807",
    ),
    (
        _policy("BytesPerHour", -5),
        "InvalidParameterValueException",
        "Invalid BytesPerHour: -5. It must be an integer between 1 and 9223372036854775807",
    ),
    (
        _policy("BytesPerHour", MAX + 1),
        "InvalidParameterValueException",
        f"Invalid BytesPerHour: {MAX + 1}. It must be an integer between 1 and {MAX}",
    ),
    (
        _policy("FreeTier", 100),
        "InvalidParameterValueException",
        "BytesPerHour is only allowed with the BytesPerHour strategy, got 100",
    ),
    (
        _policy("None", 100),
        "InvalidParameterValueException",
        "BytesPerHour is only allowed with the BytesPerHour strategy, got 100",
    ),
]


@pytest.mark.parametrize(("policy", "code", "message"), INVALID)
def test_invalid_policies_are_refused_and_change_nothing(
    client: Any, raises_glacier: Any, policy: dict[str, Any], code: str, message: str
) -> None:
    client.set_data_retrieval_policy(Policy=_policy("FreeTier"))
    with raises_glacier(code, 400, message):
        client.set_data_retrieval_policy(Policy=policy)
    assert client.get_data_retrieval_policy()["Policy"] == _policy("FreeTier")


def test_missing_policy_member(client: Any, raises_glacier: Any) -> None:
    with raises_glacier(
        "MissingParameterValueException", 400, "Required parameter missing: Policy"
    ):
        client.set_data_retrieval_policy()


@pytest.mark.parametrize(
    ("body", "code", "message"),
    [
        (b"", "MissingParameterValueException", "Required parameter missing: Policy"),
        (b"[]", "InvalidParameterValueException", "Invalid request body: expected a JSON "
         "object with a Policy member, got []"),
        (b'{"Policy": {"Rules": [{"Strategy": "BytesPerHour", "BytesPerHour": "5"}]}}',
         "InvalidParameterValueException",
         f"Invalid BytesPerHour: 5. It must be an integer between 1 and {MAX}"),
        (b'{"Policy": {"Rules": [{"Strategy": "BytesPerHour", "BytesPerHour": 1.5}]}}',
         "InvalidParameterValueException",
         f"Invalid BytesPerHour: 1.5. It must be an integer between 1 and {MAX}"),
        (b'{"Policy": {"Rules": [{"Strategy": "BytesPerHour", "BytesPerHour": true}]}}',
         "InvalidParameterValueException",
         f"Invalid BytesPerHour: true. It must be an integer between 1 and {MAX}"),
        (b'{"Policy": {"Rules": "all"}}', "InvalidParameterValueException",
         "Invalid data retrieval policy: exactly one rule is required, got all"),
        (b'{"Policy": "open"}', "InvalidParameterValueException",
         "Invalid data retrieval policy: Policy must be an object with Rules, got open"),
        (b'{"Policy": ', "SerializationException", None),
    ],
)  # fmt: skip
@pytest.mark.glacier(requests=True)
def test_malformed_bodies_botocore_would_not_send(
    client: Any, body: bytes, code: str, message: str | None
) -> None:
    status, error = _raw_put(body)
    assert (status, error["code"], error["type"]) == (400, code, "Client")
    if message is not None:
        assert error["message"] == message
    assert _current(client) == _policy("None")


@pytest.mark.glacier(requests=True)
def test_integral_float_rate_is_stored_as_an_integer(glacier: Glacier, client: Any) -> None:
    body = b'{"Policy": {"Rules": [{"Strategy": "BytesPerHour", "BytesPerHour": 8.0}]}}'
    assert _raw_put(body) == (204, None)
    assert client.get_data_retrieval_policy()["Policy"] == _policy("BytesPerHour", 8)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=6,
)
RULE = st.fixed_dictionaries(
    {"Strategy": st.sampled_from(["BytesPerHour", "FreeTier", "None", "x"]) | JSON},
    optional={"BytesPerHour": st.integers(min_value=-2, max_value=2**64) | JSON},
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rules=st.lists(RULE, max_size=2) | JSON)
@pytest.mark.glacier(requests=True)
def test_fuzzed_policies_are_stored_valid_or_refused_cleanly(
    glacier: Glacier, client: Any, rules: Any
) -> None:
    before = _current(client)
    status, error = _raw_put(json.dumps({"Policy": {"Rules": rules}}).encode())
    after = _current(client)
    if status == 204:
        rule = rules[0]
        assert after == {
            "Rules": [{k: rule[k] for k in ("Strategy", "BytesPerHour") if rule.get(k) is not None}]
        }
        client.set_data_retrieval_policy(Policy=before)
    else:
        assert status == 400, error
        assert error["code"] in ("InvalidParameterValueException", "MissingParameterValueException")
        assert after == before
    glacier.check()


def test_invalid_configured_policy_names_the_problem() -> None:
    with pytest.raises(ConfigError, match=r"^retrieval_policy: Required parameter missing: Rules$"):
        GlacierConfig.build(retrieval_policy={"rules": []})


# -- enforcement ----------------------------------------------------------------------------


@pytest.fixture
def archive(client: Any, vault: str) -> str:
    archive_id: str = client.upload_archive(vaultName=vault, body=b"x" * (4 * MIB))["archiveId"]
    return archive_id


def test_bytes_per_hour_refuses_the_standard_retrieval_that_crosses_the_rate(
    glacier: Glacier, client: Any, archive: str, raises_glacier: Any
) -> None:
    # each in-progress Standard retrieval counts its bytes / 4 per hour: 4 MiB -> 1 MiB/h
    client.set_data_retrieval_policy(Policy=_policy("BytesPerHour", 2 * MIB))
    _retrieve(client, archive, "Standard")
    _retrieve(client, archive, "Standard")
    jobs_before = dict(glacier.vaults()["vault"].jobs)
    with raises_glacier("PolicyEnforcedException", 400, DENIED) as refused:
        _retrieve(client, archive, "Standard")
    assert refused.response["Error"]["Code"] == "PolicyEnforcedException"
    assert dict(glacier.vaults()["vault"].jobs) == jobs_before
    # the same archive through the tiers the policy does not govern
    _retrieve(client, archive, "Bulk")
    _retrieve(client, archive, "Expedited")
    assert len(glacier.vaults()["vault"].jobs) == len(jobs_before) + 2


def test_bytes_per_hour_frees_up_when_retrievals_complete(
    glacier: Glacier, client: Any, archive: str, raises_glacier: Any
) -> None:
    client.set_data_retrieval_policy(Policy=_policy("BytesPerHour", MIB))
    _retrieve(client, archive, "Standard")
    with raises_glacier("PolicyEnforcedException", 400, DENIED):
        _retrieve(client, archive, "Standard")
    glacier.advance(hours=5)  # the default Standard duration
    _retrieve(client, archive, "Standard")


def test_bytes_per_hour_counts_ranged_retrieval_bytes(
    client: Any, archive: str, raises_glacier: Any
) -> None:
    client.set_data_retrieval_policy(Policy=_policy("BytesPerHour", MIB // 4))
    ranged = {
        "Type": "archive-retrieval",
        "ArchiveId": archive,
        "RetrievalByteRange": f"0-{MIB - 1}",
    }
    client.initiate_job(vaultName="vault", jobParameters=ranged)  # 1 MiB / 4 = the rate
    with raises_glacier("PolicyEnforcedException", 400, DENIED):
        client.initiate_job(vaultName="vault", jobParameters=ranged)


def test_inventory_retrievals_are_not_governed(client: Any, archive: str) -> None:
    client.set_data_retrieval_policy(Policy=_policy("BytesPerHour", 1))
    client.initiate_job(vaultName="vault", jobParameters={"Type": "inventory-retrieval"})


def test_policy_change_does_not_touch_jobs_in_progress(
    glacier: Glacier, client: Any, archive: str
) -> None:
    job_id = _retrieve(client, archive, "Standard")
    client.set_data_retrieval_policy(Policy=_policy("BytesPerHour", 1))
    glacier.advance(hours=5)
    assert client.describe_job(vaultName="vault", jobId=job_id)["StatusCode"] == "Succeeded"


@pytest.mark.glacier(free_tier_bytes_per_day=6 * MIB)
def test_free_tier_allows_the_daily_allowance_then_refuses_until_the_next_utc_day(
    glacier: Glacier, client: Any, archive: str, raises_glacier: Any
) -> None:
    client.set_data_retrieval_policy(Policy=_policy("FreeTier"))
    _retrieve(client, archive, "Standard")  # 4 of 6 MiB
    with raises_glacier("PolicyEnforcedException", 400, DENIED):
        _retrieve(client, archive, "Standard")
    _retrieve(client, archive, "Bulk")
    glacier.advance(hours=23, minutes=59)
    with raises_glacier("PolicyEnforcedException", 400, DENIED):
        _retrieve(client, archive, "Standard")
    glacier.advance(minutes=1)  # 2024-01-02T00:00Z: a new allowance
    _retrieve(client, archive, "Standard")


# -- a refusal uses no allowance --------------------------------------------------------------


@pytest.mark.glacier(free_tier_bytes_per_day=6 * MIB)
def test_a_refused_free_tier_retrieval_does_not_use_the_days_allowance(
    glacier: Glacier, client: Any, vault: str, raises_glacier: Any
) -> None:
    four, two = _upload(client, 4 * MIB), _upload(client, 2 * MIB)
    client.set_data_retrieval_policy(Policy={"Rules": [{"Strategy": "FreeTier"}]})
    _retrieve(client, four, "Standard")  # 4 of 6 MiB
    jobs = dict(glacier.jobs("vault"))
    with raises_glacier("PolicyEnforcedException", 400, DENIED):
        _retrieve(client, four, "Standard")  # would make 8
    assert dict(glacier.jobs("vault")) == jobs
    _retrieve(client, two, "Standard")  # exactly 6: the refused 4 MiB were not counted
    with raises_glacier("PolicyEnforcedException", 400, DENIED):
        _retrieve(client, two, "Standard")


def test_a_refused_bytes_per_hour_retrieval_does_not_count_as_in_progress(
    glacier: Glacier, client: Any, vault: str, raises_glacier: Any
) -> None:
    # 2 MiB/h with each retrieval spread over 4 h: 8 MiB may be in progress at once
    archive = _upload(client, 8 * MIB)
    half = f"0-{4 * MIB - 1}"
    client.set_data_retrieval_policy(
        Policy={"Rules": [{"Strategy": "BytesPerHour", "BytesPerHour": 2 * MIB}]}
    )
    _retrieve(client, archive, "Standard", RetrievalByteRange=half)  # 4 of 8 MiB
    for _ in range(3):
        with raises_glacier("PolicyEnforcedException", 400, DENIED):
            _retrieve(client, archive, "Standard")  # 4 + 8 > 8
    _retrieve(client, archive, "Standard", RetrievalByteRange=half)  # 8: refusals not counted
    with raises_glacier("PolicyEnforcedException", 400, DENIED):
        _retrieve(client, archive, "Standard", RetrievalByteRange="0-1048575")
    assert len(glacier.jobs("vault")) == 2


# -- the running window against a recount ---------------------------------------------------
def _recount(glacier: Glacier) -> tuple[int, int]:
    """(in progress, made since the UTC day began): a walk over every job of the region."""
    now = glacier.now()
    region = glacier.backend.region_state(glacier.region)
    since = day_start(now)
    found = list(retrieval.standard_retrievals(region))
    return (
        sum(size for size, _, done in found if done > now),
        sum(size for size, made, _ in found if made >= since),
    )


def _windowed(glacier: Glacier) -> tuple[int | None, int | None]:
    now = glacier.now()
    window = glacier.backend.region_state(glacier.region).retrievals
    return window.running.since(now + TICK), window.made.since(day_start(now))


STEP = st.one_of(
    st.tuples(
        st.just("retrieve"), st.sampled_from(("Standard", "Bulk", "Expedited")), st.integers(0, 2)
    ),
    st.tuples(st.just("advance"), st.integers(1, 60 * 30), st.just(0)),
    st.tuples(st.just("drop vault"), st.integers(1, 3), st.just(0)),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=st.lists(STEP, max_size=25))
def test_the_running_window_sums_what_a_recount_finds(
    glacier: Glacier, client: Any, steps: list[tuple[str, Any, int]]
) -> None:
    """Jobs start, complete, expire (24 h after completion) and go with a deleted vault; the
    window's sums are the walk's at every step, so enforcement decides as it always did."""
    glacier.reset()
    client.create_vault(vaultName="vault")
    archives = [_upload(client, size) for size in (1, 3 * MIB, 5 * MIB + 7)]
    for kind, value, which in steps:
        if kind == "retrieve":
            _retrieve(client, archives[which], value)
        elif kind == "advance":
            glacier.advance(minutes=value)
        else:  # a vault holding Standard retrievals, deleted once its archive is
            client.create_vault(vaultName="brief")
            doomed = client.upload_archive(vaultName="brief", body=b"b" * value)["archiveId"]
            for _ in range(value):
                params = {"Type": "archive-retrieval", "ArchiveId": doomed, "Tier": "Standard"}
                client.initiate_job(vaultName="brief", jobParameters=params)
            client.delete_archive(vaultName="brief", archiveId=doomed)
            client.delete_vault(vaultName="brief")
        glacier.jobs("vault")  # settle: completions and expiry as of now
        assert _windowed(glacier) == _recount(glacier)


ENTRY = st.one_of(
    st.tuples(st.just("add"), st.integers(0, 50), st.integers(0, 1000)),
    st.tuples(st.just("forget"), st.integers(0, 30), st.just(0)),
    st.tuples(st.just("since"), st.integers(0, 50), st.just(0)),
)


@given(steps=st.lists(ENTRY, max_size=60))
def test_a_running_sum_answers_like_a_recount_or_says_it_cannot(
    steps: list[tuple[str, int, int]],
) -> None:
    """Thresholds that go back (a clock read earlier than before) get None: the caller walks
    the jobs then; every other answer is the sum of what was added at or after it."""
    origin = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
    running, highest = RunningSum(), None
    live: dict[int, tuple[dt.datetime, int]] = {}
    seqs = itertools.count()
    for kind, minutes, size in steps:
        moment = origin + dt.timedelta(minutes=minutes)
        if kind == "add":
            seq = next(seqs)
            running.add(moment, seq, size)
            live[seq] = (moment, size)
        elif kind == "forget":
            running.forget(minutes)
            live.pop(minutes, None)
        else:
            answer = running.since(moment)
            if highest is not None and moment < highest:
                assert answer is None
            else:
                highest = moment
                assert answer == sum(s for key, s in live.values() if key >= moment)
