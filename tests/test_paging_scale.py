"""ListJobs paging over many jobs of every status, some expired, with filters and small pages.

The expected listing comes from the ``glacier.jobs`` view (the vault's unexpired jobs as
DescribeJob bodies) filtered here and ordered by creation, so paging is checked against a
source that does not page.
"""

from __future__ import annotations

from typing import Any

import pytest

from pytest_glacier import Glacier

TIERS = ("Expedited", "Standard", "Bulk")


def retrieve(client: Any, archive_id: str, tier: str) -> str:
    parameters = {"Type": "archive-retrieval", "ArchiveId": archive_id, "Tier": tier}
    return str(client.initiate_job(vaultName="vault", jobParameters=parameters)["jobId"])


def pages(client: Any, limit: int, **query: str) -> list[dict[str, Any]]:
    """Every ListJobs page, following the marker until a page comes back without one."""
    found, marker = [], None
    while True:
        extra: dict[str, str] = {"marker": marker} if marker else {}
        page = client.list_jobs(vaultName="vault", limit=str(limit), **query, **extra)
        found.append(page)
        marker = page.get("Marker")
        if marker is None:
            return found


def matches(body: dict[str, Any], query: dict[str, str]) -> bool:
    """Whether a DescribeJob body passes ListJobs' ``statuscode`` and ``completed`` filters."""
    status, completed = body["StatusCode"], "true" if body["Completed"] else "false"
    return (
        query.get("statuscode", status) == status and query.get("completed", completed) == completed
    )


@pytest.fixture
def created(client: Any, glacier: Glacier, vault: str) -> list[str]:
    """230 job ids in creation order: some expired, the rest Succeeded, Failed or InProgress."""
    archive_id = client.upload_archive(vaultName=vault, body=b"x")["archiveId"]
    doomed = client.upload_archive(vaultName=vault, body=b"y")["archiveId"]
    ids = [retrieve(client, archive_id, TIERS[i % 3]) for i in range(60)]
    # 30 h on, this batch's Expedited and Standard jobs have expired; its Bulk ones have not
    glacier.advance(hours=30)
    ids += [
        retrieve(client, doomed if i % 4 == 0 else archive_id, TIERS[i % 3]) for i in range(110)
    ]
    client.delete_archive(vaultName=vault, archiveId=doomed)
    glacier.advance(hours=5)
    ids += [retrieve(client, archive_id, TIERS[i % 3]) for i in range(60)]
    return ids


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"statuscode": "Succeeded"},
        {"statuscode": "InProgress"},
        {"statuscode": "Failed"},
        {"completed": "true"},
        {"completed": "false"},
        {"completed": "true", "statuscode": "Failed"},
        {"completed": "false", "statuscode": "InProgress"},
        {"completed": "false", "statuscode": "Succeeded"},
    ],
)
def test_every_matching_job_is_listed_once_in_creation_order(
    client: Any, glacier: Glacier, created: list[str], query: dict[str, str]
) -> None:
    view = glacier.jobs("vault")
    wanted = [view[job_id] for job_id in created if job_id in view and matches(view[job_id], query)]
    listed = pages(client, 7, **query)
    jobs = [job for page in listed for job in page["JobList"]]
    assert len({job["JobId"] for job in jobs}) == len(jobs)
    assert jobs == wanted
    assert len(listed) == max(1, -(-len(wanted) // 7))
    for page in listed[:-1]:
        assert len(page["JobList"]) == 7
        assert page["Marker"] == page["JobList"][-1]["JobId"]
    assert "Marker" not in listed[-1]


def test_the_mix_covers_every_status_and_expiry(glacier: Glacier, created: list[str]) -> None:
    view = glacier.jobs("vault")
    statuses = {body["StatusCode"] for body in view.values()}
    assert statuses == {"Succeeded", "Failed", "InProgress"}
    assert 0 < len(view) < len(created)


def test_a_full_last_page_has_no_marker(client: Any, vault: str) -> None:
    archive_id = client.upload_archive(vaultName=vault, body=b"x")["archiveId"]
    ids = [retrieve(client, archive_id, "Bulk") for _ in range(14)]
    listed = pages(client, 7)
    assert [[job["JobId"] for job in page["JobList"]] for page in listed] == [ids[:7], ids[7:]]
    assert listed[0]["Marker"] == ids[6]


def test_a_marker_whose_job_has_expired_still_continues_after_it(
    client: Any, glacier: Glacier, vault: str
) -> None:
    archive_id = client.upload_archive(vaultName=vault, body=b"x")["archiveId"]
    first = [retrieve(client, archive_id, "Expedited") for _ in range(3)]
    marker = client.list_jobs(vaultName=vault, limit="2")["Marker"]
    assert marker == first[1]
    glacier.advance(hours=25)
    later = [retrieve(client, archive_id, "Bulk") for _ in range(3)]
    out = client.list_jobs(vaultName=vault, marker=marker)
    assert [job["JobId"] for job in out["JobList"]] == later


@pytest.mark.parametrize(
    "query", [{}, {"statuscode": "Succeeded"}, {"completed": "false"}, {"statuscode": "Failed"}]
)
def test_paging_while_jobs_expire_between_pages_lists_each_once_in_order(
    client: Any, glacier: Glacier, vault: str, query: dict[str, str]
) -> None:
    """Each page is what a walk over the vault's jobs in creation order would give at its
    instant, though jobs complete and expire (leaving holes, squeezed out) between pages."""
    archive_id = client.upload_archive(vaultName=vault, body=b"x")["archiveId"]
    doomed = client.upload_archive(vaultName=vault, body=b"y")["archiveId"]
    created = [retrieve(client, archive_id, "Expedited") for _ in range(150)]
    created += [
        retrieve(client, doomed if i % 5 == 0 else archive_id, TIERS[i % 3]) for i in range(90)
    ]
    client.delete_archive(vaultName=vault, archiveId=doomed)
    glacier.advance(hours=23)
    created += [retrieve(client, archive_id, TIERS[i % 3]) for i in range(60)]
    listed, marker = [], None
    while True:
        view = glacier.jobs(vault)
        after = created.index(marker) + 1 if marker else 0
        expected = [i for i in created[after:] if i in view and matches(view[i], query)][:6]
        extra: dict[str, str] = {"marker": marker} if marker else {}
        page = client.list_jobs(vaultName=vault, limit="6", **query, **extra)
        assert [job["JobId"] for job in page["JobList"]] == expected
        listed += expected
        marker = page.get("Marker")
        if marker is None:
            break
        glacier.advance(minutes=40)  # the Expedited jobs expire one page after another
    assert listed == sorted(set(listed), key=created.index)
    assert len(glacier.jobs(vault)) < len(created)


def test_a_marker_of_an_expired_job_continues_after_it_once_holes_are_squeezed_out(
    client: Any, glacier: Glacier, vault: str
) -> None:
    archive_id = client.upload_archive(vaultName=vault, body=b"x")["archiveId"]
    early = [retrieve(client, archive_id, "Expedited") for _ in range(200)]
    kept = [retrieve(client, archive_id, "Bulk") for _ in range(20)]
    marker = early[150]
    glacier.advance(hours=25)  # the Expedited jobs expire: more holes than jobs left
    assert list(glacier.jobs(vault)) == kept
    out = client.list_jobs(vaultName=vault, marker=marker, limit="5")
    assert [job["JobId"] for job in out["JobList"]] == kept[:5]
    assert client.list_jobs(vaultName=vault, marker=kept[-1])["JobList"] == []
