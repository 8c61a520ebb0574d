"""Jobs complete on simulated time, however time is moved: ``glacier.advance()``,
pytest-freezer's ``freezer`` or freezegun's ``freeze_time``."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable
from typing import Any

import pytest
from botocore.config import Config
from freezegun import freeze_time

from pytest_glacier import Glacier, mock_glacier

TOPIC = "arn:aws:sns:us-east-1:123456789012:restores"
VAULT_TOPIC = "arn:aws:sns:us-east-1:123456789012:vault"
#: moves time by a delta (freezegun's ``tick`` takes seconds too and returns the new now)
Step = Callable[[dt.timedelta], object]


def three_archive_scenario(client: Any, glacier: Glacier, step: Step) -> list[list[str]]:
    """Three archives, an Expedited, a Standard and a Bulk retrieval and an inventory job;
    time moves by ``step`` to 5 min, 5 h and 12 h. Returns the job ids completed per step
    as the notifications reported them."""
    client.create_vault(vaultName="v")
    client.set_vault_notifications(
        vaultName="v",
        vaultNotificationConfig={
            "SNSTopic": VAULT_TOPIC,
            "Events": ["ArchiveRetrievalCompleted", "InventoryRetrievalCompleted"],
        },
    )
    bodies = {"Expedited": b"fast" * 10, "Standard": b"normal" * 10, "Bulk": b"cheap" * 10}
    jobs = {}
    for tier, body in bodies.items():
        archive_id = client.upload_archive(vaultName="v", body=body)["archiveId"]
        jobs[tier] = client.initiate_job(
            vaultName="v",
            jobParameters={
                "Type": "archive-retrieval",
                "ArchiveId": archive_id,
                "Tier": tier,
                "SNSTopic": TOPIC,
            },
        )["jobId"]
    jobs["Inventory"] = client.initiate_job(
        vaultName="v", jobParameters={"Type": "inventory-retrieval"}
    )["jobId"]

    def status() -> dict[str, str]:
        return {
            k: client.describe_job(vaultName="v", jobId=j)["StatusCode"] for k, j in jobs.items()
        }

    def output(name: str) -> bytes:
        return bytes(client.get_job_output(vaultName="v", jobId=jobs[name])["body"].read())

    reported: list[list[str]] = []
    seen, before = 0, set[str]()
    for delta, done in [
        (dt.timedelta(minutes=5), {"Expedited"}),
        (dt.timedelta(hours=5) - dt.timedelta(minutes=5), {"Expedited", "Standard", "Inventory"}),
        (dt.timedelta(hours=7), {"Expedited", "Standard", "Inventory", "Bulk"}),
    ]:
        step(delta - dt.timedelta(seconds=1))
        assert status() == {k: "Succeeded" if k in before else "InProgress" for k in jobs}
        step(dt.timedelta(seconds=1))
        assert status() == {k: "Succeeded" if k in done else "InProgress" for k in jobs}
        notes = glacier.notifications[seen:]
        seen += len(notes)
        reported.append([n.message["JobId"] for n in notes if n.topic == VAULT_TOPIC])
        for name in done & set(bodies):
            assert output(name) == bodies[name]
        if "Inventory" in done:
            assert len(json.loads(output("Inventory"))["ArchiveList"]) == 3
        before = done
    names = {j: k for k, j in jobs.items()}
    return [[names[j] for j in ids] for ids in reported]


EXPECTED = [["Expedited"], ["Standard", "Inventory"], ["Bulk"]]


def test_scenario_with_advance(client: Any, glacier: Glacier) -> None:
    returned: list[list[str]] = []

    def step(delta: dt.timedelta) -> None:
        returned.append([job["JobId"] for job in glacier.advance(delta)])

    assert three_archive_scenario(client, glacier, step) == EXPECTED
    by_vault_topic = [n.message for n in glacier.notifications if n.topic == VAULT_TOPIC]
    assert [ids for ids in returned if ids] == [
        [m["JobId"] for m in by_vault_topic[:1]],
        [m["JobId"] for m in by_vault_topic[1:3]],
        [m["JobId"] for m in by_vault_topic[3:]],
    ]
    # each archive job also notified its own topic, right before the vault's topic
    topics = [n.topic for n in glacier.notifications]
    assert topics == [TOPIC, VAULT_TOPIC, TOPIC, VAULT_TOPIC, VAULT_TOPIC, TOPIC, VAULT_TOPIC]


def test_scenario_with_pytest_freezer(client: Any, glacier: Glacier, freezer: Any) -> None:
    assert three_archive_scenario(client, glacier, freezer.tick) == EXPECTED


def test_scenario_with_pytest_freezer_move_to(client: Any, glacier: Glacier, freezer: Any) -> None:
    def step(delta: dt.timedelta) -> None:
        freezer.move_to(glacier.now() + delta)

    assert three_archive_scenario(client, glacier, step) == EXPECTED


def test_scenario_with_freeze_time() -> None:
    with freeze_time("2030-05-01T10:00:00Z") as frozen, mock_glacier() as glacier:
        client = glacier.client(config=Config(retries={"total_max_attempts": 1}))
        assert three_archive_scenario(client, glacier, frozen.tick) == EXPECTED
        assert glacier.now() == dt.datetime(2030, 5, 1, 22, tzinfo=dt.timezone.utc)


def test_scenario_with_freeze_time_inside_the_fixture(client: Any, glacier: Glacier) -> None:
    with freeze_time(glacier.now()) as frozen:
        assert three_archive_scenario(client, glacier, frozen.tick) == EXPECTED


def test_reading_notifications_settles_without_any_request(
    client: Any, glacier: Glacier, freezer: Any
) -> None:
    client.create_vault(vaultName="v")
    archive_id = client.upload_archive(vaultName="v", body=b"x")["archiveId"]
    client.initiate_job(
        vaultName="v",
        jobParameters={"Type": "archive-retrieval", "ArchiveId": archive_id, "SNSTopic": TOPIC},
    )
    freezer.tick(dt.timedelta(hours=5))
    (note,) = glacier.notifications
    assert note.message["StatusCode"] == "Succeeded"


def test_jobs_due_before_advance_are_not_in_its_result(
    client: Any, glacier: Glacier, freezer: Any
) -> None:
    client.create_vault(vaultName="v")
    archive_id = client.upload_archive(vaultName="v", body=b"x")["archiveId"]
    early = client.initiate_job(
        vaultName="v",
        jobParameters={"Type": "archive-retrieval", "ArchiveId": archive_id, "Tier": "Expedited"},
    )["jobId"]
    late = client.initiate_job(
        vaultName="v", jobParameters={"Type": "archive-retrieval", "ArchiveId": archive_id}
    )["jobId"]
    freezer.tick(dt.timedelta(minutes=10))
    assert [j["JobId"] for j in glacier.advance(hours=5)] == [late]
    assert early != late


def test_completion_order_breaks_ties_by_creation(client: Any, glacier: Glacier) -> None:
    client.create_vault(vaultName="v")
    archive_id = client.upload_archive(vaultName="v", body=b"x")["archiveId"]
    ids = [
        client.initiate_job(
            vaultName="v", jobParameters={"Type": "archive-retrieval", "ArchiveId": archive_id}
        )["jobId"]
        for _ in range(4)
    ]
    assert [j["JobId"] for j in glacier.advance(hours=5)] == ids


def test_advance_refuses_to_go_backwards(glacier: Glacier) -> None:
    with pytest.raises(ValueError, match="cannot move simulated time backwards"):
        glacier.advance(seconds=-1)


@pytest.mark.glacier(clock="real")
def test_real_clock_jobs_complete_with_advance(client: Any, glacier: Glacier) -> None:
    client.create_vault(vaultName="v")
    archive_id = client.upload_archive(vaultName="v", body=b"x")["archiveId"]
    job_id = client.initiate_job(
        vaultName="v",
        jobParameters={"Type": "archive-retrieval", "ArchiveId": archive_id, "Tier": "Expedited"},
    )["jobId"]
    assert client.describe_job(vaultName="v", jobId=job_id)["StatusCode"] == "InProgress"
    assert [j["JobId"] for j in glacier.advance(minutes=5)] == [job_id]


@pytest.mark.glacier(clock="real", time_scale=3600)
def test_real_clock_with_time_scale_completes_jobs_on_scaled_wall_time(
    glacier: Glacier, client: Any, vault: str
) -> None:
    """An hour of job time per second of wall time: 0.1 s is at least the 5 Expedited minutes."""
    archive_id = client.upload_archive(vaultName="vault", body=b"a" * 10)["archiveId"]
    parameters = {"Type": "archive-retrieval", "ArchiveId": archive_id, "Tier": "Expedited"}
    job_id = client.initiate_job(vaultName="vault", jobParameters=parameters)["jobId"]
    before = glacier.now()
    time.sleep(0.1)
    assert glacier.now() - before >= dt.timedelta(minutes=5)
    described = client.describe_job(vaultName="vault", jobId=job_id)
    assert described["StatusCode"] == "Succeeded"
    assert client.get_job_output(vaultName="vault", jobId=job_id)["body"].read() == b"a" * 10
