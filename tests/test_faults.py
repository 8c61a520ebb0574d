"""Fault injection: inject(), fail_jobs(), add_latency(), marker faults, strict teardown."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from support import raw_response

from pytest_glacier import ConfigError, Glacier, GlacierConfig, InternalError, mock_glacier
from pytest_glacier.core.errors import DEFAULT_MESSAGES, ERROR_CODES
from pytest_glacier.faults import FaultRequest, UnusedFaultRules

MIB = 1 << 20
DENIED = "InitiateJob request denied by current data retrieval policy."


def _retrieval(archive_id: str, tier: str = "Standard", **extra: str) -> dict[str, str]:
    return {"Type": "archive-retrieval", "ArchiveId": archive_id, "Tier": tier, **extra}


@pytest.fixture
def archive(client: Any, vault: str) -> str:
    archive_id: str = client.upload_archive(vaultName=vault, body=b"payload")["archiveId"]
    return archive_id


# -- inject(): the error shape --------------------------------------------------------------


@pytest.mark.glacier(requests=True)
@pytest.mark.parametrize("code", sorted(ERROR_CODES))
def test_every_code_has_the_spec_status_type_and_a_message(glacier: Glacier, code: str) -> None:
    rule = glacier.inject(code, operation="ListVaults")
    response = raw_response("GET", "/-/vaults")
    status, kind = ERROR_CODES[code]
    assert response.status_code == status
    assert response.json() == {
        "code": code,
        "message": DEFAULT_MESSAGES[code],
        "type": kind,
    }
    assert "x-amzn-errortype" not in response.headers
    assert rule.hits == 1


def test_botocore_sees_the_injected_code_status_and_message(
    glacier: Glacier, client: Any, raises_glacier: Any
) -> None:
    glacier.inject("ResourceNotFoundException", operation="DescribeVault", message="gone")
    with raises_glacier("ResourceNotFoundException", 404, "gone"):
        client.describe_vault(vaultName="anything")
    assert glacier.calls[-1].error_code == "ResourceNotFoundException"


def test_modelled_codes_raise_the_modelled_exception_class(glacier: Glacier, client: Any) -> None:
    glacier.inject("PolicyEnforcedException", operation="ListVaults")
    with pytest.raises(client.exceptions.PolicyEnforcedException):
        client.list_vaults()


def test_status_can_be_overridden_keeping_the_type(
    glacier: Glacier, client: Any, raises_glacier: Any
) -> None:
    rule = glacier.inject("InsufficientCapacityException", operation="ListVaults", status=400)
    with raises_glacier("InsufficientCapacityException", 400):
        client.list_vaults()
    assert (rule.status, rule.error.type) == (400, "Server")


def test_an_injected_error_runs_no_handler_and_changes_no_state(
    glacier: Glacier, client: Any, raises_glacier: Any
) -> None:
    glacier.inject("ServiceUnavailableException", operation="CreateVault")
    with raises_glacier("ServiceUnavailableException", 500):
        client.create_vault(vaultName="v")
    assert dict(glacier.vaults()) == {}
    client.create_vault(vaultName="v")
    assert list(glacier.vaults()) == ["v"]


# -- inject(): scope, count, match, order ---------------------------------------------------


def test_operation_scopes_the_rule(glacier: Glacier, client: Any, raises_glacier: Any) -> None:
    rule = glacier.inject("ThrottlingException", operation="ListVaults")
    client.create_vault(vaultName="v")
    with raises_glacier("ThrottlingException", 400, "Rate exceeded"):
        client.list_vaults()
    client.list_vaults()
    assert rule.hits == 1


def test_times_counts_requests_then_lets_them_through(
    glacier: Glacier, client: Any, raises_glacier: Any
) -> None:
    rule = glacier.inject("ThrottlingException", times=2)
    for _ in range(2):
        with raises_glacier("ThrottlingException", 400):
            client.list_vaults()
    client.list_vaults()
    assert rule.hits == 2
    assert [c.error_code for c in glacier.calls] == ["ThrottlingException"] * 2 + [None]


def test_times_none_answers_every_matching_request(
    glacier: Glacier, client: Any, raises_glacier: Any
) -> None:
    rule = glacier.inject("AccessDeniedException", operation="ListVaults", times=None)
    for _ in range(5):
        with raises_glacier("AccessDeniedException", 403):
            client.list_vaults()
    assert rule.hits == 5


def test_match_dict_compares_path_parameters(
    glacier: Glacier, client: Any, raises_glacier: Any
) -> None:
    rule = glacier.inject("ResourceNotFoundException", match={"vaultName": "b"}, times=None)
    client.create_vault(vaultName="a")
    with raises_glacier("ResourceNotFoundException", 404):
        client.create_vault(vaultName="b")
    client.describe_vault(vaultName="a")
    assert rule.hits == 1


def test_match_dict_compares_json_body_members(
    glacier: Glacier, client: Any, archive: str, raises_glacier: Any
) -> None:
    glacier.inject(
        "InsufficientCapacityException", operation="InitiateJob", match={"Tier": "Expedited"}
    )
    client.initiate_job(vaultName="vault", jobParameters=_retrieval(archive, "Bulk"))
    with raises_glacier("InsufficientCapacityException", 503):
        client.initiate_job(vaultName="vault", jobParameters=_retrieval(archive, "Expedited"))
    client.initiate_job(vaultName="vault", jobParameters=_retrieval(archive, "Expedited"))


def test_match_callable_sees_the_parsed_request(
    glacier: Glacier, client: Any, archive: str, raises_glacier: Any
) -> None:
    seen: list[FaultRequest] = []

    def big_standard(request: FaultRequest) -> bool:
        seen.append(request)
        return bool(request.body and request.body.get("Tier") == "Standard")

    glacier.inject("PolicyEnforcedException", operation="InitiateJob", match=big_standard)
    with raises_glacier("PolicyEnforcedException", 400):
        client.initiate_job(vaultName="vault", jobParameters=_retrieval(archive))
    request = seen[0]
    assert request.operation == "InitiateJob"
    assert request.params["vaultName"] == "vault"
    assert request.params["ArchiveId"] == archive
    assert request.body == _retrieval(archive)
    assert request.headers["x-amz-glacier-version"] == "2012-06-01"
    assert request.region == "us-east-1"


def test_rules_are_consulted_in_order_and_used_up_rules_step_aside(
    glacier: Glacier, client: Any, raises_glacier: Any
) -> None:
    first = glacier.inject("ThrottlingException", operation="ListVaults")
    second = glacier.inject("ServiceUnavailableException", operation="ListVaults")
    with raises_glacier("ThrottlingException", 400):
        client.list_vaults()
    with raises_glacier("ServiceUnavailableException", 500):
        client.list_vaults()
    client.list_vaults()
    assert (first.hits, second.hits) == (1, 1)
    assert glacier.fault_rules == (first, second)


def test_rules_count_attempts_across_regions(
    glacier: Glacier, raises_glacier: Any, client: Any
) -> None:
    rule = glacier.inject("ThrottlingException", times=2, match=lambda r: r.region != "x")
    other = glacier.client(region_name="eu-west-1", config=client.meta.config)
    with raises_glacier("ThrottlingException", 400):
        client.list_vaults()
    with raises_glacier("ThrottlingException", 400):
        other.list_vaults()
    assert rule.hits == 2


def test_repr_names_the_rule(glacier: Glacier) -> None:
    def tier_is_bulk(request: FaultRequest) -> bool:
        return True

    rule = glacier.inject("ThrottlingException", operation="ListJobs", times=3, optional=True)
    matched = glacier.inject("BadRequest", match=tier_is_bulk, times=None)
    assert repr(rule) == "inject('ThrottlingException', operation='ListJobs', times=3)"
    assert repr(matched) == "inject('BadRequest', times=None, match=tier_is_bulk)"


# -- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        (
            {"code": "ThrottledException"},
            ValueError,
            "Unknown Glacier error code 'ThrottledException' for inject(). "
            "Did you mean 'ThrottlingException'? Known codes: AccessDeniedException,",
        ),
        (
            {"code": "ThrottlingException", "operation": "ListVault"},
            ValueError,
            "Unknown Glacier operation 'ListVault'. Did you mean 'ListVaults'? Operations: ",
        ),
        (
            {"code": "ThrottlingException", "times": -1},
            ValueError,
            "times must be a positive integer or None (every time), got -1",
        ),
        (
            {"code": "ThrottlingException", "times": 0},
            ValueError,
            "times must be a positive integer or None (every time), got 0",
        ),
        (
            {"code": "ThrottlingException", "times": True},
            ValueError,
            "times must be a positive integer or None (every time), got True",
        ),
        (
            {"code": "ThrottlingException", "match": "ListVaults"},
            TypeError,
            "match must be a callable or a dict of expected parameter values, got 'ListVaults'",
        ),
        (
            {"code": "ThrottlingException", "status": 200},
            ValueError,
            "status must be an HTTP error status 400..599, got 200",
        ),
        (
            {"code": "ThrottlingException", "message": 5},
            TypeError,
            "message must be a string, got 5",
        ),
        (
            {"code": "ThrottlingException", "optional": "yes"},
            TypeError,
            "optional must be True or False, got 'yes'",
        ),
    ],
)
def test_inject_refuses_bad_arguments_naming_the_problem(
    glacier: Glacier, kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    code = kwargs.pop("code")
    with pytest.raises(error) as raised:
        glacier.inject(code, **kwargs)
    assert str(raised.value).startswith(message)
    assert glacier.fault_rules == ()


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda g: g.fail_jobs(times=-2), "times must be a positive integer or None"),
        (lambda g: g.fail_jobs(match=3), "match must be a callable or a dict"),
        (lambda g: g.add_latency(-1), "latency cannot be negative, got -1"),
        (lambda g: g.add_latency("5s"), "delta must be a timedelta or a number of seconds"),
        (lambda g: g.add_latency(1, times=0), "times must be a positive integer or None"),
        (lambda g: g.add_latency(1, operation="Nope"), "Unknown Glacier operation 'Nope'"),
    ],
)
def test_fail_jobs_and_add_latency_refuse_bad_arguments(
    glacier: Glacier, call: Any, message: str
) -> None:
    with pytest.raises((TypeError, ValueError), match="^" + message.replace("(", r"\(")):
        call(glacier)


def test_a_match_that_raises_fails_the_test_naming_the_rule() -> None:
    def broken(request: FaultRequest) -> bool:
        raise KeyError("Tier")

    with pytest.raises(InternalError) as raised, mock_glacier() as glacier:
        glacier.inject("ThrottlingException", match=broken, optional=True)
        client = glacier.client(config=_no_retries())
        with pytest.raises(client.exceptions.ServiceUnavailableException):
            client.list_vaults()
    assert (
        "FaultMatchError: the match of inject('ThrottlingException', times=1, match=broken) "
        "raised KeyError: 'Tier'"
    ) in str(raised.value)


def test_internal_errors_are_a_view_and_can_be_taken_or_reported() -> None:
    def broken(request: FaultRequest) -> bool:
        return 1 / 0 > 0

    with mock_glacier() as glacier:
        glacier.inject("ThrottlingException", match=broken, optional=True)
        client = glacier.client(config=_no_retries())
        with pytest.raises(client.exceptions.ServiceUnavailableException):
            client.list_vaults()
        (error,) = glacier.internal_errors
        assert "ZeroDivisionError" in error
        assert glacier.take_internal_errors() == (error,)
        assert glacier.internal_errors == ()
    glacier.check()  # taken: the end of the block did not raise them again

    with (
        pytest.raises(InternalError, match="the server broke while streaming"),
        mock_glacier() as glacier,
    ):
        glacier.report_internal_error("the server broke while streaming")


def _no_retries() -> Any:
    from botocore.config import Config

    return Config(retries={"total_max_attempts": 1, "mode": "standard"})


# -- marker / config faults -----------------------------------------------------------------


@pytest.mark.glacier(
    faults=[{"code": "ThrottlingException", "operation": "ListVaults", "times": 1}]
)
def test_marker_faults_are_rules_from_the_start(
    glacier: Glacier, client: Any, raises_glacier: Any
) -> None:
    (rule,) = glacier.fault_rules
    with raises_glacier("ThrottlingException", 400):
        client.list_vaults()
    client.list_vaults()
    assert rule.hits == 1


@pytest.mark.parametrize(
    ("faults", "message"),
    [
        (
            [{"code": "Throttling"}],
            "faults[0]: Unknown Glacier error code 'Throttling' for inject(). "
            "Did you mean 'ThrottlingException'?",
        ),
        ([{"operation": "ListVaults"}], "faults[0]: a faults entry needs a 'code'"),
        (
            [{"code": "BadRequest"}, {"code": "BadRequest", "time": 2}],
            "faults[1]: Unknown key 'time' in a faults entry. Did you mean 'times'?",
        ),
        (
            [{"code": "BadRequest", "times": -1}],
            "faults[0]: times must be a positive integer or None (every time), got -1",
        ),
        (["BadRequest"], "faults[0]: a faults entry must be a dict, got 'BadRequest'"),
        ({"code": "BadRequest"}, "faults must be a list of dicts, got {'code': 'BadRequest'}"),
    ],
)
def test_bad_config_faults_name_the_entry_and_problem(faults: Any, message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        GlacierConfig.build(faults=faults)
    assert str(raised.value).startswith(message)


# -- fail_jobs() ----------------------------------------------------------------------------


def test_fail_jobs_ends_the_job_failed_at_its_completion_time(
    glacier: Glacier, client: Any, archive: str
) -> None:
    rule = glacier.fail_jobs(message="Archive is unreadable.")
    failed = client.initiate_job(vaultName="vault", jobParameters=_retrieval(archive))["jobId"]
    fine = client.initiate_job(vaultName="vault", jobParameters=_retrieval(archive))["jobId"]
    assert rule.hits == 1
    described = client.describe_job(vaultName="vault", jobId=failed)
    assert (described["StatusCode"], described["Completed"]) == ("InProgress", False)
    glacier.advance(hours=5)
    described = client.describe_job(vaultName="vault", jobId=failed)
    assert described["StatusCode"] == "Failed"
    assert described["StatusMessage"] == "Archive is unreadable."
    assert described["CompletionDate"] == "2024-01-01T05:00:00.000Z"
    assert client.describe_job(vaultName="vault", jobId=fine)["StatusCode"] == "Succeeded"


def test_failed_jobs_are_notified(glacier: Glacier, client: Any, archive: str) -> None:
    topic = "arn:aws:sns:us-east-1:123456789012:restores"
    glacier.fail_jobs()
    job_id = client.initiate_job(
        vaultName="vault", jobParameters=_retrieval(archive, "Expedited", SNSTopic=topic)
    )["jobId"]
    glacier.advance(minutes=5)
    (note,) = glacier.notifications
    assert note.topic == topic
    assert (note.message["JobId"], note.message["StatusCode"]) == (job_id, "Failed")
    assert note.message["StatusMessage"] == "The job failed."


def test_fail_jobs_match_dict_and_callable(glacier: Glacier, client: Any, archive: str) -> None:
    bulk = glacier.fail_jobs(match={"Tier": "Bulk"}, times=None)
    inventory = glacier.fail_jobs(match=lambda job: job["Action"] == "InventoryRetrieval")
    client.initiate_job(vaultName="vault", jobParameters=_retrieval(archive, "Bulk"))
    client.initiate_job(vaultName="vault", jobParameters=_retrieval(archive, "Expedited"))
    client.initiate_job(vaultName="vault", jobParameters={"Type": "inventory-retrieval"})
    client.initiate_job(vaultName="vault", jobParameters=_retrieval(archive, "Bulk"))
    assert (bulk.hits, inventory.hits) == (2, 1)
    glacier.advance(hours=12)
    statuses = sorted(
        (job["Action"], job.get("Tier", ""), job["StatusCode"])
        for job in client.list_jobs(vaultName="vault")["JobList"]
    )
    assert statuses == [
        ("ArchiveRetrieval", "Bulk", "Failed"),
        ("ArchiveRetrieval", "Bulk", "Failed"),
        ("ArchiveRetrieval", "Expedited", "Succeeded"),
        ("InventoryRetrieval", "", "Failed"),
    ]


def test_a_refused_job_does_not_use_a_fail_jobs_rule(
    glacier: Glacier, client: Any, archive: str, raises_glacier: Any
) -> None:
    rule = glacier.fail_jobs()
    glacier.inject("InsufficientCapacityException", operation="InitiateJob")
    with raises_glacier("InsufficientCapacityException", 503):
        client.initiate_job(vaultName="vault", jobParameters=_retrieval(archive, "Expedited"))
    assert rule.hits == 0
    client.initiate_job(vaultName="vault", jobParameters=_retrieval(archive))
    assert rule.hits == 1


@pytest.mark.glacier(expedited_capacity=1)
def test_modelled_refusals_do_not_use_a_fail_jobs_rule_or_notify(
    glacier: Glacier, client: Any, vault: str, raises_glacier: Any
) -> None:
    topic = "arn:aws:sns:us-east-1:123456789012:restores"
    archive = client.upload_archive(vaultName="vault", body=b"a" * 4 * MIB)["archiveId"]
    client.set_data_retrieval_policy(
        Policy={"Rules": [{"Strategy": "BytesPerHour", "BytesPerHour": 1}]}
    )
    rule = glacier.fail_jobs()
    client.initiate_job(
        vaultName="vault", jobParameters=_retrieval(archive, "Expedited")
    )  # admitted, takes the rule
    assert rule.hits == 1
    second = glacier.fail_jobs()
    with raises_glacier(
        "InsufficientCapacityException", 503, DEFAULT_MESSAGES["InsufficientCapacityException"]
    ):
        client.initiate_job(
            vaultName="vault", jobParameters=_retrieval(archive, "Expedited", SNSTopic=topic)
        )
    with raises_glacier("PolicyEnforcedException", 400, DENIED):
        client.initiate_job(
            vaultName="vault", jobParameters=_retrieval(archive, "Standard", SNSTopic=topic)
        )
    assert second.hits == 0
    glacier.complete_jobs()
    assert glacier.notifications == ()
    client.initiate_job(vaultName="vault", jobParameters=_retrieval(archive, "Bulk"))
    assert second.hits == 1
    glacier.complete_jobs()


# -- add_latency() --------------------------------------------------------------------------


def test_latency_moves_simulated_time_before_the_answer(
    glacier: Glacier, client: Any, archive: str
) -> None:
    rule = glacier.add_latency(dt.timedelta(minutes=5), operation="DescribeJob", times=1)
    job_id = client.initiate_job(vaultName="vault", jobParameters=_retrieval(archive, "Expedited"))[
        "jobId"
    ]
    described = client.describe_job(vaultName="vault", jobId=job_id)
    assert described["StatusCode"] == "Succeeded"  # the 5 minutes passed before the answer
    assert glacier.now() == dt.datetime(2024, 1, 1, 0, 5, tzinfo=dt.timezone.utc)
    client.describe_job(vaultName="vault", jobId=job_id)
    assert glacier.now() == dt.datetime(2024, 1, 1, 0, 5, tzinfo=dt.timezone.utc)
    assert rule.hits == 1


def test_latency_in_seconds_applies_to_every_matching_request(
    glacier: Glacier, client: Any
) -> None:
    rule = glacier.add_latency(1.5, match={"vaultName": "slow"})
    client.create_vault(vaultName="slow")
    client.create_vault(vaultName="fast")
    client.describe_vault(vaultName="slow")
    assert rule.hits == 2
    assert glacier.now() == dt.datetime(2024, 1, 1, 0, 0, 3, tzinfo=dt.timezone.utc)
    assert glacier.vaults()["slow"].creation_date.second == 1


def test_latency_then_fault_both_apply(glacier: Glacier, client: Any, raises_glacier: Any) -> None:
    glacier.add_latency(30, operation="ListVaults", times=1)
    glacier.inject("RequestTimeoutException", operation="ListVaults")
    with raises_glacier("RequestTimeoutException", 408):
        client.list_vaults()
    assert glacier.now() == dt.datetime(2024, 1, 1, 0, 0, 30, tzinfo=dt.timezone.utc)


# -- strict teardown ------------------------------------------------------------------------


def test_unused_finite_rules_are_reported_when_the_double_stops() -> None:
    with pytest.raises(UnusedFaultRules) as raised, mock_glacier() as glacier:
        glacier.inject("ThrottlingException", operation="ListVaults", times=4)
        glacier.fail_jobs()
        glacier.inject("BadRequest", operation="ListJobs", times=None)
        glacier.inject("BadRequest", operation="ListJobs", optional=True)
        glacier.client(config=_no_retries()).create_vault(vaultName="v")
        client = glacier.client()  # standard mode: 3 attempts use 3 of the 4
        with pytest.raises(client.exceptions.ClientError):
            client.list_vaults()
    assert str(raised.value) == (
        "pytest_glacier: 2 fault rule(s) with a finite 'times' were not used up:\n"
        "  inject('ThrottlingException', operation='ListVaults', times=4): used 3 of 4 times\n"
        "  fail_jobs(times=1): used 0 of 1 times\n"
        "Pass optional=True to a rule that may go unused (see docs/faults.md#unused-rules)."
    )


PLUGIN_TESTS = """
import pytest

def test_unused(glacier):
    glacier.inject("ThrottlingException", operation="ListVaults", times=2)

def test_optional(glacier):
    glacier.inject("ThrottlingException", times=2, optional=True)

def test_every_time(glacier):
    glacier.inject("ThrottlingException", times=None)

@pytest.mark.glacier(faults=[{"code": "BadRequest", "operation": "ListJobs"}])
def test_unused_marker_rule(glacier):
    pass

def test_failing_test_is_not_blamed_twice(glacier):
    glacier.inject("ThrottlingException")
    assert False, "the test's own failure"
"""


def test_plugin_reports_unused_rules_as_teardown_errors(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_strict=PLUGIN_TESTS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=4, failed=1, errors=2)
    result.stdout.fnmatch_lines(
        [
            "*UnusedFaultRules: pytest_glacier: 1 fault rule(s) with a finite 'times' were not*",
            "*inject('ThrottlingException', operation='ListVaults', times=2): used 0 of 2 times",
            "*Pass optional=True to a rule that may go unused (see docs/faults.md#unused-rules).",
        ]
    )
    result.stdout.fnmatch_lines(["*inject('BadRequest', operation='ListJobs', times=1)*"])
    errors = [line for line in result.stdout.lines if line.startswith("ERROR ")]
    assert sorted(e.split(" ")[1] for e in errors) == [
        "test_strict.py::test_unused",
        "test_strict.py::test_unused_marker_rule",
    ]


def test_injected_capacity_refusal_holds_for_the_retries_of_one_call(glacier: Any) -> None:
    client = glacier.client()  # botocore's default retries: 3 attempts in all
    client.create_vault(vaultName="v")
    archive = client.upload_archive(vaultName="v", body=b"x")["archiveId"]
    params = {"Type": "archive-retrieval", "ArchiveId": archive, "Tier": "Expedited"}
    rule = glacier.inject("InsufficientCapacityException", operation="InitiateJob")

    with pytest.raises(client.exceptions.InsufficientCapacityException) as refused:
        client.initiate_job(vaultName="v", jobParameters=params)

    assert refused.value.response["ResponseMetadata"]["RetryAttempts"] == 2
    assert rule.hits == 1
    attempts = [c for c in glacier.calls if c.operation == "InitiateJob"]
    assert [(c.status, c.error_code) for c in attempts] == [
        (503, "InsufficientCapacityException")
    ] * 3
    assert client.initiate_job(vaultName="v", jobParameters=params)["jobId"]


def test_other_injected_codes_count_attempts(glacier: Any) -> None:
    client = glacier.client()
    rule = glacier.inject("ServiceUnavailableException", times=2)
    assert client.list_vaults()["ResponseMetadata"]["RetryAttempts"] == 2
    assert rule.hits == 2
    assert [c.status for c in glacier.calls] == [500, 500, 200]
