"""InitiateJob, DescribeJob, ListJobs and GetJobOutput through a real botocore/boto3 client."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import boto3
import pytest
from botocore.utils import calculate_tree_hash

from pytest_glacier import Glacier
from pytest_glacier.core.treehash import is_mb_aligned, is_tree_hash_aligned
from pytest_glacier.service.engine.state import Archive

MIB = 1024 * 1024
VAULT_ARN = "arn:aws:glacier:us-east-1:123456789012:vaults/vault"
TOPIC = "arn:aws:sns:us-east-1:123456789012:restores"
#: 5 MiB + 17 bytes: six tree-hash leaves, the last one short
BIG = (bytes(range(251)) * (5 * MIB // 251 + 2))[: 5 * MIB + 17]
assert len(BIG) == 5 * MIB + 17


def th(data: bytes) -> str:
    return str(calculate_tree_hash(io.BytesIO(data)))


def upload(client: Any, body: bytes, description: str | None = None) -> str:
    extra = {} if description is None else {"archiveDescription": description}
    return str(client.upload_archive(vaultName="vault", body=body, **extra)["archiveId"])


def retrieve(client: Any, archive_id: str, **extra: Any) -> str:
    parameters = {"Type": "archive-retrieval", "ArchiveId": archive_id, **extra}
    return str(client.initiate_job(vaultName="vault", jobParameters=parameters)["jobId"])


def describe(client: Any, job_id: str) -> dict[str, Any]:
    out = dict(client.describe_job(vaultName="vault", jobId=job_id))
    del out["ResponseMetadata"]
    return out


# -- InitiateJob / DescribeJob -----------------------------------------------------------------
def test_initiate_job_answers_202_with_location_and_job_id(client: Any, vault: str) -> None:
    archive_id = upload(client, b"hello")
    out = client.initiate_job(
        vaultName=vault, jobParameters={"Type": "archive-retrieval", "ArchiveId": archive_id}
    )
    assert out["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert out["location"] == f"/123456789012/vaults/vault/jobs/{out['jobId']}"
    assert out["ResponseMetadata"]["HTTPHeaders"]["x-amz-job-id"] == out["jobId"]
    assert len(out["jobId"]) == 92
    assert "jobOutputPath" not in out


def test_describe_archive_job_in_progress_then_succeeded(
    client: Any, glacier: Glacier, vault: str
) -> None:
    archive_id = upload(client, b"hello")
    job_id = retrieve(client, archive_id, Description="restore", SNSTopic=TOPIC)
    in_progress = {
        "JobId": job_id,
        "JobDescription": "restore",
        "Action": "ArchiveRetrieval",
        "ArchiveId": archive_id,
        "VaultARN": VAULT_ARN,
        "CreationDate": "2024-01-01T00:00:00.000Z",
        "Completed": False,
        "StatusCode": "InProgress",
        "StatusMessage": "Operation in progress.",
        "ArchiveSizeInBytes": 5,
        "SNSTopic": TOPIC,
        "SHA256TreeHash": th(b"hello"),
        "ArchiveSHA256TreeHash": th(b"hello"),
        "RetrievalByteRange": "0-4",
        "Tier": "Standard",
    }
    assert describe(client, job_id) == in_progress
    glacier.advance(hours=5)
    assert describe(client, job_id) == {
        **in_progress,
        "Completed": True,
        "StatusCode": "Succeeded",
        "StatusMessage": "Succeeded",
        "CompletionDate": "2024-01-01T05:00:00.000Z",
    }


def test_describe_inventory_job_fields(client: Any, glacier: Glacier, vault: str) -> None:
    job_id = client.initiate_job(vaultName=vault, jobParameters={"Type": "inventory-retrieval"})[
        "jobId"
    ]
    base = {
        "JobId": job_id,
        "Action": "InventoryRetrieval",
        "VaultARN": VAULT_ARN,
        "CreationDate": "2024-01-01T00:00:00.000Z",
        "InventoryRetrievalParameters": {"Format": "JSON"},
    }
    assert describe(client, job_id) == {
        **base,
        "Completed": False,
        "StatusCode": "InProgress",
        "StatusMessage": "Operation in progress.",
    }
    glacier.advance(hours=5)
    size = len(client.get_job_output(vaultName=vault, jobId=job_id)["body"].read())
    assert describe(client, job_id) == {
        **base,
        "Completed": True,
        "StatusCode": "Succeeded",
        "StatusMessage": "Succeeded",
        "InventorySizeInBytes": size,
        "CompletionDate": "2024-01-01T05:00:00.000Z",
    }


def test_unknown_job_is_not_found(client: Any, vault: str, raises_glacier: Any) -> None:
    with raises_glacier("ResourceNotFoundException", 404, "The job ID was not found: nope"):
        client.describe_job(vaultName=vault, jobId="nope")
    with raises_glacier("ResourceNotFoundException", 404, "The job ID was not found: nope"):
        client.get_job_output(vaultName=vault, jobId="nope")


def test_job_of_another_vault_is_not_found(client: Any, vault: str, raises_glacier: Any) -> None:
    job_id = retrieve(client, upload(client, b"x"))
    client.create_vault(vaultName="other")
    with raises_glacier("ResourceNotFoundException", 404, f"The job ID was not found: {job_id}"):
        client.describe_job(vaultName="other", jobId=job_id)


# -- completion on simulated time --------------------------------------------------------------
@pytest.mark.parametrize(
    ("tier", "duration"),
    [
        ("Expedited", dt.timedelta(minutes=5)),
        ("Standard", dt.timedelta(hours=5)),
        ("Bulk", dt.timedelta(hours=12)),
    ],
)
def test_job_completes_exactly_at_its_tier_duration(
    client: Any, glacier: Glacier, vault: str, tier: str, duration: dt.timedelta
) -> None:
    job_id = retrieve(client, upload(client, b"x"), Tier=tier)
    assert glacier.advance(duration - dt.timedelta(milliseconds=1)) == []
    assert describe(client, job_id)["StatusCode"] == "InProgress"
    done = glacier.advance(dt.timedelta(milliseconds=1))
    assert [j["JobId"] for j in done] == [job_id]
    assert done[0] == describe(client, job_id)


@pytest.mark.glacier(tier_durations={"Standard": dt.timedelta(0)})
def test_tier_durations_config_makes_standard_instant(client: Any, vault: str) -> None:
    job_id = retrieve(client, upload(client, b"x"))
    assert describe(client, job_id)["StatusCode"] == "Succeeded"
    assert client.get_job_output(vaultName=vault, jobId=job_id)["body"].read() == b"x"


def test_inventory_job_takes_its_tier_or_standard(
    client: Any, glacier: Glacier, vault: str
) -> None:
    standard = client.initiate_job(vaultName=vault, jobParameters={"Type": "inventory-retrieval"})
    bulk = client.initiate_job(
        vaultName=vault, jobParameters={"Type": "inventory-retrieval", "Tier": "Bulk"}
    )
    assert [j["JobId"] for j in glacier.advance(hours=5)] == [standard["jobId"]]
    assert [j["JobId"] for j in glacier.advance(hours=7)] == [bulk["jobId"]]
    assert describe(client, bulk["jobId"])["Tier"] == "Bulk"


def _put_large_archive(glacier: Glacier, size: int) -> str:
    """A large archive put straight into state (zero pages: no 300 MB upload needed)."""
    vault = glacier.vaults()["vault"]
    archive = Archive("L" * 138, "vault", "", glacier.now(), size, "0" * 64, bytes(size))
    vault.put_archive(archive)
    glacier.backend.region_state("us-east-1").archive_vaults[archive.archive_id] = "vault"
    return archive.archive_id


@pytest.mark.parametrize(
    ("size", "byte_range", "minutes"),
    [
        (250 * MIB, None, 5),
        (250 * MIB + 1, None, 10),
        (600 * MIB, None, 15),
        (600 * MIB, f"0-{250 * MIB - 1}", 5),
    ],
)
def test_expedited_over_250_mib_takes_one_period_per_started_250_mib(
    client: Any,
    glacier: Glacier,
    vault: str,
    size: int,
    byte_range: str | None,
    minutes: int,
) -> None:
    archive_id = _put_large_archive(glacier, size)
    extra = {} if byte_range is None else {"RetrievalByteRange": byte_range}
    job_id = retrieve(client, archive_id, Tier="Expedited", **extra)
    glacier.advance(minutes=minutes - 1)
    assert describe(client, job_id)["StatusCode"] == "InProgress"
    assert [j["JobId"] for j in glacier.advance(minutes=1)] == [job_id]


@pytest.mark.glacier(tier_durations={"Standard": dt.timedelta(minutes=7)})
def test_large_expedited_is_never_slower_than_standard(
    client: Any, glacier: Glacier, vault: str
) -> None:
    job_id = retrieve(client, _put_large_archive(glacier, 2000 * MIB), Tier="Expedited")
    assert [j["JobId"] for j in glacier.advance(minutes=7)] == [job_id]


def test_job_and_output_expire_24_hours_after_completion(
    client: Any, glacier: Glacier, vault: str, raises_glacier: Any
) -> None:
    job_id = retrieve(client, upload(client, b"x"), Tier="Expedited")
    glacier.advance(minutes=5)
    glacier.advance(hours=24, seconds=-1)
    assert client.get_job_output(vaultName=vault, jobId=job_id)["body"].read() == b"x"
    glacier.advance(seconds=1)
    with raises_glacier("ResourceNotFoundException", 404, f"The job ID was not found: {job_id}"):
        client.describe_job(vaultName=vault, jobId=job_id)
    with raises_glacier("ResourceNotFoundException", 404, f"The job ID was not found: {job_id}"):
        client.get_job_output(vaultName=vault, jobId=job_id)
    assert client.list_jobs(vaultName=vault)["JobList"] == []
    assert dict(glacier.jobs(vault)) == {}


def test_complete_jobs_runs_to_the_last_completion(
    client: Any, glacier: Glacier, vault: str
) -> None:
    archive_id = upload(client, b"x")
    ids = [retrieve(client, archive_id, Tier=t) for t in ("Bulk", "Expedited", "Standard")]
    done = glacier.complete_jobs()
    assert [j["JobId"] for j in done] == [ids[1], ids[2], ids[0]]
    assert glacier.now() == dt.datetime(2024, 1, 1, 12, tzinfo=dt.timezone.utc)
    assert glacier.complete_jobs() == []
    assert glacier.now() == dt.datetime(2024, 1, 1, 12, tzinfo=dt.timezone.utc)


def test_jobs_view_matches_describe_job(client: Any, glacier: Glacier, vault: str) -> None:
    job_id = retrieve(client, upload(client, b"x"))
    assert dict(glacier.jobs(vault)) == {job_id: describe(client, job_id)}


# -- GetJobOutput ------------------------------------------------------------------------------
def test_output_is_refused_while_in_progress(client: Any, vault: str, raises_glacier: Any) -> None:
    job_id = retrieve(client, upload(client, b"x"))
    with raises_glacier(
        "InvalidParameterValueException",
        400,
        f"The job is not currently available for download: {job_id}",
    ):
        client.get_job_output(vaultName=vault, jobId=job_id)


def test_whole_output_headers(client: Any, glacier: Glacier, vault: str) -> None:
    job_id = retrieve(client, upload(client, BIG, "photos 2024"), Tier="Expedited")
    glacier.advance(minutes=5)
    out = client.get_job_output(vaultName=vault, jobId=job_id)
    assert out["status"] == 200
    assert out["body"].read() == BIG
    assert out["checksum"] == th(BIG)
    assert out["contentType"] == "application/octet-stream"
    assert out["acceptRanges"] == "bytes"
    assert out["archiveDescription"] == "photos 2024"
    assert "contentRange" not in out


def test_no_description_header_without_a_description(
    client: Any, glacier: Glacier, vault: str
) -> None:
    job_id = retrieve(client, upload(client, b"x"), Tier="Expedited")
    glacier.advance(minutes=5)
    assert "archiveDescription" not in client.get_job_output(vaultName=vault, jobId=job_id)


def _mb_ranges(size: int) -> list[tuple[int, int]]:
    chunks = -(-size // MIB)
    return [
        (first * MIB, min((last + 1) * MIB, size) - 1)
        for first in range(chunks)
        for last in range(first, chunks)
    ]


def test_every_aligned_job_range_of_a_5_mib_17_byte_archive_verifies(
    client: Any, glacier: Glacier, vault: str
) -> None:
    """Every MB-aligned RetrievalByteRange: the checksum is there exactly when tree-hash
    aligned, and it verifies with botocore's own tree hash of the bytes returned."""
    archive_id = upload(client, BIG)
    jobs = {}
    for start, end in _mb_ranges(len(BIG)):
        assert is_mb_aligned(start, end, len(BIG))
        jobs[(start, end)] = retrieve(
            client, archive_id, Tier="Expedited", RetrievalByteRange=f"{start}-{end}"
        )
    glacier.advance(minutes=5)
    seen_aligned = seen_unaligned = 0
    for (start, end), job_id in jobs.items():
        expected = BIG[start : end + 1]
        job = describe(client, job_id)
        out = client.get_job_output(vaultName=vault, jobId=job_id)
        body = out["body"].read()
        assert body == expected
        assert job["RetrievalByteRange"] == f"{start}-{end}"
        assert job["ArchiveSHA256TreeHash"] == th(BIG)
        if is_tree_hash_aligned(start, end, len(BIG)):
            seen_aligned += 1
            assert job["SHA256TreeHash"] == out["checksum"] == th(body)
        else:
            seen_unaligned += 1
            assert "SHA256TreeHash" not in job
            assert "checksum" not in out
    assert seen_aligned >= 6 and seen_unaligned >= 6


@pytest.mark.parametrize(
    "byte_range",
    [f"0-{5 * MIB + 15}", f"1-{MIB - 1}", f"{MIB}-{2 * MIB}", f"{5 * MIB + 1}-{5 * MIB + 16}"],
)
def test_non_megabyte_aligned_range_of_the_5_mib_17_byte_archive_is_refused(
    client: Any, glacier: Glacier, vault: str, raises_glacier: Any, byte_range: str
) -> None:
    archive_id = upload(client, BIG)
    with raises_glacier(
        "InvalidParameterValueException",
        400,
        f"The RetrievalByteRange {byte_range} is not megabyte aligned",
    ):
        retrieve(client, archive_id, RetrievalByteRange=byte_range)
    assert client.list_jobs(vaultName=vault)["JobList"] == []


def test_download_ranges_of_whole_archive_output(client: Any, glacier: Glacier, vault: str) -> None:
    job_id = retrieve(client, upload(client, BIG), Tier="Expedited")
    glacier.advance(minutes=5)
    total = len(BIG)
    for start, end in _mb_ranges(total):
        out = client.get_job_output(vaultName=vault, jobId=job_id, range=f"bytes={start}-{end}")
        body = out["body"].read()
        assert out["status"] == 206
        assert out["contentRange"] == f"bytes {start}-{end}/{total}"
        assert body == BIG[start : end + 1]
        if is_tree_hash_aligned(start, end, total):
            assert out["checksum"] == th(body)
        else:
            assert "checksum" not in out


def test_download_range_inside_an_aligned_job_range(
    client: Any, glacier: Glacier, vault: str
) -> None:
    job_id = retrieve(
        client,
        upload(client, BIG),
        Tier="Expedited",
        RetrievalByteRange=f"{4 * MIB}-{len(BIG) - 1}",
    )
    glacier.advance(minutes=5)
    output = BIG[4 * MIB :]
    out = client.get_job_output(vaultName=vault, jobId=job_id, range=f"bytes={MIB}-")
    assert out["status"] == 206
    assert out["body"].read() == output[MIB:] == BIG[5 * MIB :]
    assert out["contentRange"] == f"bytes {MIB}-{len(output) - 1}/{len(output)}"
    assert out["checksum"] == th(output[MIB:])


def test_unaligned_download_range_has_no_checksum(
    client: Any, glacier: Glacier, vault: str
) -> None:
    job_id = retrieve(client, upload(client, BIG), Tier="Expedited")
    glacier.advance(minutes=5)
    out = client.get_job_output(vaultName=vault, jobId=job_id, range="bytes=10-99")
    assert (out["status"], out["contentRange"]) == (206, f"bytes 10-99/{len(BIG)}")
    assert out["body"].read() == BIG[10:100]
    assert "checksum" not in out


def test_range_end_past_the_output_is_clamped(client: Any, glacier: Glacier, vault: str) -> None:
    job_id = retrieve(client, upload(client, b"0123456789"), Tier="Expedited")
    glacier.advance(minutes=5)
    out = client.get_job_output(vaultName=vault, jobId=job_id, range="bytes=5-100")
    assert (out["status"], out["contentRange"]) == (206, "bytes 5-9/10")
    assert out["body"].read() == b"56789"


def test_range_start_past_the_output_is_refused(
    client: Any, glacier: Glacier, vault: str, raises_glacier: Any
) -> None:
    job_id = retrieve(client, upload(client, b"0123456789"), Tier="Expedited")
    glacier.advance(minutes=5)
    with raises_glacier(
        "InvalidParameterValueException",
        400,
        "The start of the range is larger than size of retrieved data: bytes=10-20",
    ):
        client.get_job_output(vaultName=vault, jobId=job_id, range="bytes=10-20")


@pytest.mark.parametrize("header", ["bytes 0-4/10", "items=0-4", "bytes=5-2", "bytes=-3"])
def test_other_range_forms_are_ignored(
    client: Any, glacier: Glacier, vault: str, header: str
) -> None:
    """As the service did with ``bytes 0-…/…``: the header is ignored, the whole output sent."""
    job_id = retrieve(client, upload(client, b"0123456789"), Tier="Expedited")
    glacier.advance(minutes=5)
    out = client.get_job_output(vaultName=vault, jobId=job_id, range=header)
    assert (out["status"], out["body"].read()) == (200, b"0123456789")


# -- archive deleted while a job runs ----------------------------------------------------------
def test_archive_deleted_while_job_runs_fails_the_job(
    client: Any, glacier: Glacier, vault: str, raises_glacier: Any
) -> None:
    archive_id = upload(client, b"x")
    job_id = retrieve(client, archive_id, Tier="Expedited", SNSTopic=TOPIC)
    glacier.advance(minutes=1)
    client.delete_archive(vaultName=vault, archiveId=archive_id)
    done = glacier.advance(minutes=4)
    message = f"The archive was deleted while the job was in progress: {archive_id}"
    assert [(j["StatusCode"], j["StatusMessage"], j["Completed"]) for j in done] == [
        ("Failed", message, True)
    ]
    assert describe(client, job_id) == done[0]
    assert [(n.topic, n.message) for n in glacier.notifications] == [(TOPIC, done[0])]
    with raises_glacier(
        "InvalidParameterValueException",
        400,
        f"The job is not currently available for download: {job_id}",
    ):
        client.get_job_output(vaultName=vault, jobId=job_id)


def test_archive_deleted_after_completion_keeps_the_output(
    client: Any, glacier: Glacier, vault: str
) -> None:
    archive_id = upload(client, b"keep me")
    job_id = retrieve(client, archive_id, Tier="Expedited")
    glacier.advance(minutes=6)  # completes; nothing observes it before the delete
    client.delete_archive(vaultName=vault, archiveId=archive_id)
    assert describe(client, job_id)["StatusCode"] == "Succeeded"
    assert client.get_job_output(vaultName=vault, jobId=job_id)["body"].read() == b"keep me"


def test_archive_made_by_multipart_upload_is_retrievable(
    client: Any, glacier: Glacier, vault: str
) -> None:
    data = b"m" * (2 * MIB + 5)
    upload_id = client.initiate_multipart_upload(vaultName=vault, partSize=str(MIB))["uploadId"]
    for start in range(0, len(data), MIB):
        part = data[start : start + MIB]
        client.upload_multipart_part(
            vaultName=vault,
            uploadId=upload_id,
            range=f"bytes {start}-{start + len(part) - 1}/*",
            body=part,
        )
    archive_id = client.complete_multipart_upload(
        vaultName=vault, uploadId=upload_id, archiveSize=str(len(data)), checksum=th(data)
    )["archiveId"]
    job_id = retrieve(
        client, archive_id, Tier="Expedited", RetrievalByteRange=f"{MIB}-{2 * MIB - 1}"
    )
    glacier.advance(minutes=5)
    out = client.get_job_output(vaultName=vault, jobId=job_id)
    assert out["body"].read() == data[MIB : 2 * MIB]
    assert out["checksum"] == th(data[MIB : 2 * MIB])


def test_fault_hook_fails_the_job_at_its_completion_time(
    client: Any, glacier: Glacier, vault: str
) -> None:
    seen: list[dict[str, Any]] = []

    def bulk(job: dict[str, Any]) -> bool:
        seen.append(job)
        return bool(job["Tier"] == "Bulk")

    glacier.fail_jobs(times=None, match=bulk, message="Injected failure")
    archive_id = upload(client, b"x")
    ok, bad = retrieve(client, archive_id), retrieve(client, archive_id, Tier="Bulk")
    assert [j["JobId"] for j in seen] == [ok, bad]
    assert seen[0]["StatusCode"] == "InProgress"
    glacier.advance(hours=11)
    assert describe(client, bad)["StatusCode"] == "InProgress"
    done = glacier.advance(hours=1)
    assert [(j["JobId"], j["StatusCode"], j["StatusMessage"]) for j in done] == [
        (bad, "Failed", "Injected failure")
    ]


# -- ListJobs ----------------------------------------------------------------------------------
@pytest.fixture
def three_jobs(client: Any, glacier: Glacier, vault: str) -> list[str]:
    """Expedited (Succeeded), Bulk (InProgress), Expedited on a deleted archive (Failed)."""
    archive_id, doomed = upload(client, b"x"), upload(client, b"y")
    ids = [
        retrieve(client, archive_id, Tier="Expedited"),
        retrieve(client, archive_id, Tier="Bulk"),
        retrieve(client, doomed, Tier="Expedited"),
    ]
    client.delete_archive(vaultName=vault, archiveId=doomed)
    glacier.advance(minutes=5)
    return ids


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, [0, 1, 2]),
        ({"statuscode": "Succeeded"}, [0]),
        ({"statuscode": "InProgress"}, [1]),
        ({"statuscode": "Failed"}, [2]),
        ({"completed": "true"}, [0, 2]),
        ({"completed": "false"}, [1]),
        ({"completed": "true", "statuscode": "Failed"}, [2]),
        ({"completed": "false", "statuscode": "Failed"}, []),
    ],
)
def test_list_jobs_filters(
    client: Any, three_jobs: list[str], query: dict[str, str], expected: list[int]
) -> None:
    out = client.list_jobs(vaultName="vault", **query)
    assert [j["JobId"] for j in out["JobList"]] == [three_jobs[i] for i in expected]
    assert "Marker" not in out


def test_list_jobs_items_are_describe_job_bodies(client: Any, three_jobs: list[str]) -> None:
    listed = client.list_jobs(vaultName="vault")["JobList"]
    assert listed == [describe(client, job_id) for job_id in three_jobs]


def test_list_jobs_bad_status_code(client: Any, vault: str, raises_glacier: Any) -> None:
    with raises_glacier(
        "InvalidParameterValueException", 400, "The job status code is not valid: Done"
    ):
        client.list_jobs(vaultName=vault, statuscode="Done")


def test_list_jobs_bad_completed(client: Any, vault: str, raises_glacier: Any) -> None:
    with raises_glacier(
        "InvalidParameterValueException",
        400,
        "The completed value is not valid: yes. Valid values are: true, false",
    ):
        client.list_jobs(vaultName=vault, completed="yes")


@pytest.mark.parametrize("limit", ["0", "-1", "x", ""])
def test_list_jobs_bad_limit(client: Any, vault: str, raises_glacier: Any, limit: str) -> None:
    with raises_glacier(
        "InvalidParameterValueException",
        400,
        f"Invalid limit: '{limit}'. The limit must be a positive integer.",
    ):
        client.list_jobs(vaultName=vault, limit=limit)


def test_list_jobs_unknown_marker(client: Any, vault: str, raises_glacier: Any) -> None:
    with raises_glacier("InvalidParameterValueException", 400, "Invalid marker: nope"):
        client.list_jobs(vaultName=vault, marker="nope")


def test_list_jobs_marker_of_another_vault_is_invalid(
    client: Any, vault: str, raises_glacier: Any
) -> None:
    client.create_vault(vaultName="other")
    other = client.upload_archive(vaultName="other", body=b"x")["archiveId"]
    job_id = client.initiate_job(
        vaultName="other", jobParameters={"Type": "archive-retrieval", "ArchiveId": other}
    )["jobId"]
    with raises_glacier("InvalidParameterValueException", 400, f"Invalid marker: {job_id}"):
        client.list_jobs(vaultName=vault, marker=job_id)


def test_list_jobs_pages_with_limit_and_marker(client: Any, vault: str) -> None:
    archive_id = upload(client, b"x")
    ids = [retrieve(client, archive_id) for _ in range(5)]
    first = client.list_jobs(vaultName=vault, limit="2")
    assert [j["JobId"] for j in first["JobList"]] == ids[:2]
    assert first["Marker"] == ids[1]
    second = client.list_jobs(vaultName=vault, limit="2", marker=first["Marker"])
    assert [j["JobId"] for j in second["JobList"]] == ids[2:4]
    last = client.list_jobs(vaultName=vault, limit="2", marker=second["Marker"])
    assert [j["JobId"] for j in last["JobList"]] == ids[4:]
    assert "Marker" not in last


def test_list_jobs_caps_pages_at_50(client: Any, vault: str) -> None:
    archive_id = upload(client, b"x")
    for _ in range(51):
        retrieve(client, archive_id)
    out = client.list_jobs(vaultName=vault, limit="100")
    assert len(out["JobList"]) == 50 and out["Marker"]


def test_list_jobs_paginator(client: Any, vault: str) -> None:
    archive_id = upload(client, b"x")
    ids = [retrieve(client, archive_id) for _ in range(7)]
    pages = list(
        client.get_paginator("list_jobs").paginate(
            vaultName=vault, PaginationConfig={"PageSize": 3}
        )
    )
    assert [len(p["JobList"]) for p in pages] == [3, 3, 1]
    assert [j["JobId"] for p in pages for j in p["JobList"]] == ids


def test_boto3_vault_collections_and_job_resource(glacier: Glacier, three_jobs: list[str]) -> None:
    vault = boto3.resource("glacier", region_name="us-east-1").Vault("-", "vault")

    def ids(collection: Any) -> list[str]:
        return [job.id for job in collection.all()]

    assert ids(vault.jobs) == three_jobs
    assert ids(vault.jobs_in_progress) == [three_jobs[1]]
    assert ids(vault.succeeded_jobs) == [three_jobs[0]]
    assert ids(vault.failed_jobs) == [three_jobs[2]]
    assert ids(vault.completed_jobs) == [three_jobs[0], three_jobs[2]]
    job = vault.Job(three_jobs[0])
    assert (job.status_code, job.action, job.tier) == ("Succeeded", "ArchiveRetrieval", "Expedited")
    assert job.get_output()["body"].read() == b"x"


def test_boto3_resource_actions_start_jobs(glacier: Glacier, vault: str) -> None:
    resource = boto3.resource("glacier", region_name="us-east-1")
    archive = resource.Vault("-", vault).upload_archive(body=b"resource")
    retrieval = archive.initiate_archive_retrieval()
    inventory = resource.Vault("-", vault).initiate_inventory_retrieval()
    glacier.complete_jobs()
    retrieval.reload()
    inventory.reload()
    assert (retrieval.status_code, inventory.status_code) == ("Succeeded", "Succeeded")
    assert retrieval.get_output()["body"].read() == b"resource"


# -- the facts reference's open questions (spec §14) ---------------------------------------


def test_describe_job_answers_200(client: Any, glacier: Glacier, vault: str) -> None:
    """§14.8: DescribeJob succeeds with 200 (the docs' syntax section says 201), in progress
    and once done."""
    job_id = retrieve(client, upload(client, b"x"))
    running = client.describe_job(vaultName=vault, jobId=job_id)
    glacier.complete_jobs()
    done = client.describe_job(vaultName=vault, jobId=job_id)
    assert [out["StatusCode"] for out in (running, done)] == ["InProgress", "Succeeded"]
    assert [out["ResponseMetadata"]["HTTPStatusCode"] for out in (running, done)] == [200, 200]
    assert [c.status for c in glacier.calls if c.operation == "DescribeJob"] == [200, 200]


def test_initiate_job_on_a_deleted_archive_is_not_found(
    client: Any, glacier: Glacier, vault: str, raises_glacier: Any
) -> None:
    """§14.12: InitiateJob naming a deleted archive fails at once (the model's "will fail"),
    with the observed 404 text, and creates no job."""
    archive_id = upload(client, b"x")
    client.delete_archive(vaultName=vault, archiveId=archive_id)
    with raises_glacier(
        "ResourceNotFoundException", 404, f"The archive ID was not found: {archive_id}"
    ):
        retrieve(client, archive_id)
    assert dict(glacier.jobs(vault)) == {}
