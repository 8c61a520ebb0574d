"""A failing test's report tells the double's story; ``glacier.timeline`` holds it as data."""

from __future__ import annotations

import datetime as dt
import json
import time
import urllib.request

import boto3
import pytest

from pytest_glacier import mock_glacier
from pytest_glacier.server.server import ServedGlacier
from pytest_glacier.simulator import Glacier

START = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
TOPIC = "arn:aws:sns:us-east-1:123456789012:restores"

INNER = """
import boto3


def restore(glacier):
    client = boto3.client("glacier", region_name="us-east-1")
    client.create_vault(vaultName="photos")
    archive = client.upload_archive(vaultName="photos", body=b"x")["archiveId"]
    job = client.initiate_job(
        vaultName="photos",
        jobParameters={"Type": "archive-retrieval", "ArchiveId": archive, "Tier": "Expedited"},
    )["jobId"]
    glacier.advance(minutes=5)
    return client, job


def test_fails(glacier):
    client, job = restore(glacier)
    assert client.describe_job(vaultName="photos", jobId=job)["StatusCode"] == "InProgress"


def test_passes(glacier):
    restore(glacier)


def test_long(glacier):
    client = boto3.client("glacier", region_name="us-east-1")
    client.create_vault(vaultName="photos")
    for _ in range(100):
        client.describe_vault(vaultName="photos")
    client.delete_vault(vaultName="photos")
    assert False
"""

TITLE = "* pytest_glacier timeline *"


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    pytester.makepyfile(test_inner=INNER)
    return pytester.runpytest_subprocess("-p", "no:randomly", *args)


@pytest.mark.timeout(120)
def test_a_failing_test_gets_the_timeline_and_a_passing_one_none(
    pytester: pytest.Pytester,
) -> None:
    result = run(pytester, "-k", "fails or passes")
    result.assert_outcomes(failed=1, passed=1)
    result.stdout.fnmatch_lines(
        [
            TITLE,
            "simulated time since 2024-01-01T00:00:00.000Z; 6 events",
            "+00:00:00.000  call           CreateVault vault=photos -> 201",
            "+00:00:00.000  call           UploadArchive vault=photos -> 201",
            "+00:00:00.000  call           InitiateJob vault=photos type=archive-retrieval "
            "tier=Expedited archive=* -> 202 job=*...",
            "+00:00:00.000  advance        advance +0:05:00 to 2024-01-01T00:05:00.000Z",
            "+00:05:00.000  job            job * (ArchiveRetrieval Expedited, vault photos) "
            "Succeeded",
            "+00:05:00.000  call           DescribeJob vault=photos job=* -> 200",
        ]
    )
    assert result.stdout.str().count("pytest_glacier timeline") == 1


@pytest.mark.timeout(120)
def test_a_long_timeline_is_cut_in_the_middle(pytester: pytest.Pytester) -> None:
    result = run(pytester, "-k", "long")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            TITLE,
            "simulated time since *; 102 events",
            "*CreateVault vault=photos -> 201",
            "... 62 events cut ...",
            "*DeleteVault vault=photos -> 204",
        ]
    )
    assert result.stdout.str().count("DescribeVault") == 14 + 24  # DeleteVault is the last of 25


@pytest.mark.timeout(120)
def test_verbose_shows_the_whole_timeline_with_every_parameter(
    pytester: pytest.Pytester,
) -> None:
    result = run(pytester, "-v", "-k", "long")
    result.assert_outcomes(failed=1)
    assert "events cut" not in result.stdout.str()
    assert result.stdout.str().count("DescribeVault vault=photos -> 200") == 100
    result.stdout.fnmatch_lines(['*params={"accountId": "-", "vaultName": "photos"}'])


@pytest.mark.timeout(120)
@pytest.mark.parametrize(
    ("ini", "args"),
    [("glacier_timeline = false", ()), ("", ("--glacier-timeline=off",))],
    ids=["ini", "flag"],
)
def test_the_timeline_can_be_turned_off(
    pytester: pytest.Pytester, ini: str, args: tuple[str, ...]
) -> None:
    pytester.makeini(f"[pytest]\n{ini}\n")
    result = run(pytester, "-k", "fails", *args)
    result.assert_outcomes(failed=1)
    assert "pytest_glacier timeline" not in result.stdout.str()


@pytest.mark.timeout(120)
def test_the_flag_turns_it_on_over_the_ini(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nglacier_timeline = false\n")
    result = run(pytester, "-k", "fails", "--glacier-timeline=on")
    result.stdout.fnmatch_lines([TITLE])


@pytest.mark.timeout(180)
def test_the_timeline_is_built_in_the_xdist_worker(pytester: pytest.Pytester) -> None:
    result = run(pytester, "-n", "2", "-p", "xdist")
    result.assert_outcomes(failed=2, passed=1)
    out = result.stdout.str()
    assert out.count("pytest_glacier timeline") == 2
    result.stdout.fnmatch_lines(["*advance +0:05:00 to 2024-01-01T00:05:00.000Z"])
    result.stdout.fnmatch_lines(["... 62 events cut ..."])


@pytest.mark.timeout(120)
def test_an_explained_refusal_closes_the_section_with_its_hint(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        import boto3

        def test_early(glacier):
            client = boto3.client("glacier", region_name="us-east-1")
            client.create_vault(vaultName="v")
            archive = client.upload_archive(vaultName="v", body=b"x")["archiveId"]
            job = client.initiate_job(
                vaultName="v", jobParameters={"Type": "archive-retrieval", "ArchiveId": archive}
            )["jobId"]
            client.get_job_output(vaultName="v", jobId=job)
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:randomly")
    result.stdout.fnmatch_lines(
        [
            TITLE,
            "*GetJobOutput vault=v job=* -> 400 InvalidParameterValueException",
            "pytest_glacier hints:",
            "GetJobOutput of job * was refused while the job was InProgress*",
        ]
    )


# -- the timeline as data ----------------------------------------------------------------------
def test_the_timeline_holds_every_kind_of_event_in_order(glacier: Glacier) -> None:
    client = boto3.client("glacier", region_name="us-east-1")
    client.create_vault(vaultName="photos")
    client.set_vault_notifications(
        vaultName="photos",
        vaultNotificationConfig={"SNSTopic": TOPIC, "Events": ["ArchiveRetrievalCompleted"]},
    )
    archive = client.upload_archive(vaultName="photos", body=b"x")["archiveId"]
    job = client.initiate_job(
        vaultName="photos",
        jobParameters={"Type": "archive-retrieval", "ArchiveId": archive, "Tier": "Expedited"},
    )["jobId"]
    rule = glacier.inject("ThrottlingException", operation="DescribeJob")
    client.describe_job(vaultName="photos", jobId=job)  # refused once, then retried
    glacier.advance(minutes=2)
    time.sleep(60)  # code under test sleeping: simulated
    glacier.complete_jobs()

    minute = dt.timedelta(minutes=1)
    story = [(e.kind, e.at - START) for e in glacier.timeline]
    assert story == [
        ("call", dt.timedelta()),  # CreateVault
        ("call", dt.timedelta()),  # SetVaultNotifications
        ("call", dt.timedelta()),  # UploadArchive
        ("call", dt.timedelta()),  # InitiateJob
        ("call", dt.timedelta()),  # DescribeJob, refused by the rule
        ("backoff", dt.timedelta()),
        ("call", dt.timedelta(seconds=1)),  # DescribeJob, retried
        ("advance", dt.timedelta(seconds=1)),
        ("sleep", 2 * minute + dt.timedelta(seconds=1)),
        ("wait", 2 * minute + dt.timedelta(seconds=1)),
        ("complete_jobs", 3 * minute + dt.timedelta(seconds=1)),
        ("job", 5 * minute),
        ("notification", 5 * minute),
    ]
    events = glacier.timeline
    initiate, refused = events[3], events[4]
    assert initiate.details["operation"] == "InitiateJob"
    assert initiate.details["job_id"] == job
    assert initiate.details["params"]["Tier"] == "Expedited"
    assert refused.details["error_code"] == "ThrottlingException"
    assert refused.details["fault_rule"] == repr(rule)
    assert "fault_rule" not in events[6].details
    assert events[8].details == {"seconds": 60.0, "thread": "MainThread"}
    assert events[11].details["status"] == "Succeeded"
    assert events[11].details["job_id"] == job
    assert events[12].details["topic"] == TOPIC
    assert events[12].details["message"]["JobId"] == job


def test_expiry_internal_errors_and_latency_are_told(glacier: Glacier) -> None:
    client = glacier.client()
    client.create_vault(vaultName="v")
    archive = client.upload_archive(vaultName="v", body=b"x")["archiveId"]
    client.initiate_job(
        vaultName="v", jobParameters={"Type": "archive-retrieval", "ArchiveId": archive}
    )
    glacier.add_latency(dt.timedelta(seconds=3), operation="ListVaults", times=1)
    client.list_vaults()
    glacier.advance(days=2)
    glacier.report_internal_error("Traceback (most recent call last):\nRuntimeError: boom")
    kinds = [(e.kind, e.summary) for e in glacier.timeline]
    assert kinds[3][0] == "latency"
    assert kinds[4] == ("call", "ListVaults -> 200")
    assert [kind for kind, _ in kinds[5:]] == ["advance", "job", "expired", "internal_error"]
    assert kinds[-1][1] == "internal error: RuntimeError: boom"
    assert glacier.take_internal_errors()
    expired = glacier.timeline[7]
    assert expired.at == START + dt.timedelta(hours=5 + 24)


def test_memory_stays_bounded_keeping_the_first_and_last_events() -> None:
    with mock_glacier() as glacier:
        client = glacier.client()
        client.create_vault(vaultName="v")
        for _ in range(1300):
            client.describe_vault(vaultName="v")
        client.delete_vault(vaultName="v")
        events = glacier.timeline
    assert len(events) == 1200
    assert events.dropped == 1302 - 1200
    assert events.gap == 200
    assert events[0].summary == "CreateVault vault=v -> 201"
    assert events[-1].summary == "DeleteVault vault=v -> 204"


@pytest.mark.timeout(60)
def test_the_server_serves_the_timeline(glacier_server: ServedGlacier) -> None:
    client = boto3.client(
        "glacier", region_name="us-east-1", endpoint_url=glacier_server.endpoint_url
    )
    client.create_vault(vaultName="served")
    glacier_server.advance(hours=1)
    with urllib.request.urlopen(f"{glacier_server.endpoint_url}/_pytest_glacier/timeline") as r:
        assert r.headers["content-type"] == "application/json"
        payload = json.load(r)
    assert payload["dropped"] == 0
    assert [(e["at"], e["kind"], e["summary"]) for e in payload["events"]] == [
        ("2024-01-01T00:00:00.000Z", "call", "CreateVault vault=served -> 201"),
        (
            "2024-01-01T00:00:00.000Z",
            "advance",
            "advance +1:00:00 to 2024-01-01T01:00:00.000Z",
        ),
    ]
    assert payload["events"][0]["details"]["params"] == {"accountId": "-", "vaultName": "served"}


@pytest.mark.timeout(120)
def test_a_failing_teardown_gets_the_timeline_once(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_unused_rule(glacier):
            glacier.inject("ThrottlingException", operation="DescribeVault")
            glacier.client().list_vaults()
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:randomly")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines([TITLE, "*ListVaults -> 200"])
    assert result.stdout.str().count("pytest_glacier timeline") == 1
