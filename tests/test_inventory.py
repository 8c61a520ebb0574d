"""Inventory jobs: JSON and CSV output, date filters, Limit/Marker paging, live and daily modes."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import raw_bodies

from pytest_glacier import Glacier, mock_glacier

VAULT_ARN = "arn:aws:glacier:us-east-1:123456789012:vaults/vault"
HEADER = "ArchiveId,ArchiveDescription,CreationDate,Size,SHA256TreeHash"


def upload(client: Any, body: bytes, description: str | None = None) -> dict[str, Any]:
    extra = {} if description is None else {"archiveDescription": description}
    return dict(client.upload_archive(vaultName="vault", body=body, **extra))


def inventory(client: Any, glacier: Glacier, **parameters: Any) -> tuple[bytes, dict[str, Any]]:
    """Run an inventory job to completion: (output bytes, its DescribeJob body)."""
    job_parameters: dict[str, Any] = {"Type": "inventory-retrieval"}
    for key in ("Format", "Tier"):
        if key in parameters:
            job_parameters[key] = parameters.pop(key)
    if parameters:
        job_parameters["InventoryRetrievalParameters"] = parameters
    job_id = client.initiate_job(vaultName="vault", jobParameters=job_parameters)["jobId"]
    glacier.complete_jobs()
    out = client.get_job_output(vaultName="vault", jobId=job_id)
    body = out["body"].read()
    assert out["status"] == 200 and "checksum" not in out
    return body, client.describe_job(vaultName="vault", jobId=job_id)


def names(output: bytes) -> list[str]:
    return [a["ArchiveDescription"] for a in json.loads(output)["ArchiveList"]]


def test_json_inventory_exactly(client: Any, glacier: Glacier, vault: str) -> None:
    first = upload(client, b"abc", "first")
    glacier.advance(seconds=1.5)
    second = upload(client, b"defgh")
    job_id = client.initiate_job(vaultName=vault, jobParameters={"Type": "inventory-retrieval"})[
        "jobId"
    ]
    glacier.complete_jobs()
    out = client.get_job_output(vaultName=vault, jobId=job_id)
    assert out["contentType"] == "application/json"
    assert json.loads(out["body"].read()) == {
        "VaultARN": VAULT_ARN,
        "InventoryDate": "2024-01-01T05:00:01Z",
        "ArchiveList": [
            {
                "ArchiveId": first["archiveId"],
                "ArchiveDescription": "first",
                "CreationDate": "2024-01-01T00:00:00.000Z",
                "Size": 3,
                "SHA256TreeHash": first["checksum"],
            },
            {
                "ArchiveId": second["archiveId"],
                "ArchiveDescription": "",
                "CreationDate": "2024-01-01T00:00:01.500Z",
                "Size": 5,
                "SHA256TreeHash": second["checksum"],
            },
        ],
    }


def test_inventory_size_is_the_output_length(client: Any, glacier: Glacier, vault: str) -> None:
    upload(client, b"abc")
    body, job = inventory(client, glacier)
    assert job["InventorySizeInBytes"] == len(body)


def test_csv_inventory_header_rows_and_quoting(client: Any, glacier: Glacier, vault: str) -> None:
    plain = upload(client, b"abc", "plain")
    tricky = upload(client, b"de", 'a,b "c" \\d')
    job_id = client.initiate_job(
        vaultName=vault, jobParameters={"Type": "inventory-retrieval", "Format": "CSV"}
    )["jobId"]
    glacier.complete_jobs()
    out = client.get_job_output(vaultName=vault, jobId=job_id)
    assert out["contentType"] == "text/csv"
    assert out["body"].read().decode().split("\n") == [
        HEADER,
        f"{plain['archiveId']},plain,2024-01-01T00:00:00.000Z,3,{plain['checksum']}",
        f'{tricky["archiveId"]},"a,b \\"c\\" \\d",2024-01-01T00:00:00.000Z,2,{tricky["checksum"]}',
        "",
    ]
    job = client.describe_job(vaultName=vault, jobId=job_id)
    assert job["InventoryRetrievalParameters"] == {"Format": "CSV"}


def test_csv_parses_with_backslash_escapes(client: Any, glacier: Glacier, vault: str) -> None:
    upload(client, b"x", 'say "hi", then go')
    body, _ = inventory(client, glacier, Format="CSV")
    rows = list(csv.reader(io.StringIO(body.decode()), escapechar="\\", doublequote=False))
    assert rows[0] == HEADER.split(",")
    assert rows[1][1] == 'say "hi", then go'


def test_date_filters_are_start_inclusive_end_exclusive(
    client: Any, glacier: Glacier, vault: str
) -> None:
    for hour in range(4):
        upload(client, b"x", f"h{hour}")
        glacier.advance(hours=1)
    params = {"StartDate": "2024-01-01T01:00:00Z", "EndDate": "2024-01-01T03:00:00Z"}
    body, job = inventory(client, glacier, **params)
    assert names(body) == ["h1", "h2"]
    assert job["InventoryRetrievalParameters"] == {"Format": "JSON", **params}
    assert names(inventory(client, glacier, StartDate="2024-01-01T02:00:00Z")[0]) == ["h2", "h3"]
    assert names(inventory(client, glacier, EndDate="2024-01-01T01:00:00Z")[0]) == ["h0"]


def test_limit_and_marker_page_through_the_inventory(
    client: Any, glacier: Glacier, vault: str
) -> None:
    for i in range(5):
        upload(client, b"x", f"a{i}")
    pages, marker = [], None
    while True:
        params: dict[str, Any] = {"Limit": "2"}
        if marker is not None:
            params["Marker"] = marker
        body, job = inventory(client, glacier, **params)
        pages.append(names(body))
        marker = job["InventoryRetrievalParameters"].get("Marker")
        if marker is None:
            break
        assert len(marker) == 135
    assert pages == [["a0", "a1"], ["a2", "a3"], ["a4"]]


def test_marker_is_echoed_while_in_progress(client: Any, glacier: Glacier, vault: str) -> None:
    for i in range(3):
        upload(client, b"x", f"a{i}")
    _, first = inventory(client, glacier, Limit="1")
    marker = first["InventoryRetrievalParameters"]["Marker"]
    job_id = client.initiate_job(
        vaultName=vault,
        jobParameters={
            "Type": "inventory-retrieval",
            "InventoryRetrievalParameters": {"Limit": "1", "Marker": marker},
        },
    )["jobId"]
    running = client.describe_job(vaultName=vault, jobId=job_id)
    assert running["InventoryRetrievalParameters"] == {
        "Format": "JSON",
        "Limit": "1",
        "Marker": marker,
    }


def test_marker_survives_deletion_of_the_next_archive(
    client: Any, glacier: Glacier, vault: str
) -> None:
    ids = [upload(client, b"x", f"a{i}")["archiveId"] for i in range(4)]
    _, job = inventory(client, glacier, Limit="2")
    client.delete_archive(vaultName=vault, archiveId=ids[2])
    body, _ = inventory(client, glacier, Marker=job["InventoryRetrievalParameters"]["Marker"])
    assert names(body) == ["a3"]


def test_limit_combines_with_dates(client: Any, glacier: Glacier, vault: str) -> None:
    for hour in range(4):
        upload(client, b"x", f"h{hour}")
        glacier.advance(hours=1)
    body, job = inventory(client, glacier, StartDate="2024-01-01T01:00:00Z", Limit="2")
    assert names(body) == ["h1", "h2"]
    body, _ = inventory(
        client,
        glacier,
        StartDate="2024-01-01T01:00:00Z",
        Limit="2",
        Marker=job["InventoryRetrievalParameters"]["Marker"],
    )
    assert names(body) == ["h3"]


def test_live_inventory_reflects_the_vault_at_completion(
    client: Any, glacier: Glacier, vault: str
) -> None:
    upload(client, b"x", "before")
    job_id = client.initiate_job(vaultName=vault, jobParameters={"Type": "inventory-retrieval"})[
        "jobId"
    ]
    glacier.advance(hours=1)
    upload(client, b"y", "during")
    glacier.advance(hours=4)
    upload(client, b"z", "after")
    body = client.get_job_output(vaultName=vault, jobId=job_id)["body"].read()
    assert names(body) == ["before", "during"]
    assert json.loads(body)["InventoryDate"] == "2024-01-01T05:00:00Z"


# -- daily mode --------------------------------------------------------------------------------
daily = pytest.mark.glacier(inventory="daily")


@daily
def test_daily_before_the_first_snapshot_is_empty(
    client: Any, glacier: Glacier, vault: str
) -> None:
    upload(client, b"x")
    body, _ = inventory(client, glacier)
    assert json.loads(body) == {
        "VaultARN": VAULT_ARN,
        "InventoryDate": "2024-01-01T00:00:00Z",
        "ArchiveList": [],
    }
    assert client.describe_vault(vaultName=vault)["NumberOfArchives"] == 0


@daily
def test_daily_snapshot_is_taken_a_day_after_the_vault_was_created(
    client: Any, glacier: Glacier, vault: str
) -> None:
    glacier.advance(hours=3)
    upload(client, b"abc", "one")
    glacier.advance(hours=21, seconds=-1)
    assert "LastInventoryDate" not in client.describe_vault(vaultName=vault)
    glacier.advance(seconds=1)
    described = client.describe_vault(vaultName=vault)
    assert described["LastInventoryDate"] == "2024-01-02T00:00:00.000Z"
    assert (described["NumberOfArchives"], described["SizeInBytes"]) == (1, 3 + 32768)
    body, _ = inventory(client, glacier)
    assert names(body) == ["one"]
    assert json.loads(body)["InventoryDate"] == "2024-01-02T00:00:00Z"


@daily
def test_daily_snapshot_date_only_moves_when_the_vault_changed(
    client: Any, glacier: Glacier, vault: str
) -> None:
    upload(client, b"abc")
    glacier.advance(days=3)
    assert client.describe_vault(vaultName=vault)["LastInventoryDate"] == "2024-01-02T00:00:00.000Z"
    upload(client, b"d")
    glacier.advance(days=2)
    described = client.describe_vault(vaultName=vault)
    assert described["LastInventoryDate"] == "2024-01-05T00:00:00.000Z"
    assert described["NumberOfArchives"] == 2


@daily
def test_daily_inventory_job_sees_the_snapshot_not_the_live_vault(
    client: Any, glacier: Glacier, vault: str
) -> None:
    upload(client, b"x", "old")
    glacier.advance(days=1)
    upload(client, b"y", "new")
    body, _ = inventory(client, glacier)  # completes 5 h later, before the next snapshot
    assert names(body) == ["old"]


@daily
def test_daily_snapshot_due_before_a_job_completes_is_used(
    client: Any, glacier: Glacier, vault: str
) -> None:
    glacier.advance(hours=20)
    upload(client, b"x", "late")
    job_id = client.initiate_job(vaultName=vault, jobParameters={"Type": "inventory-retrieval"})[
        "jobId"
    ]
    glacier.advance(hours=6)  # snapshot at 24 h, job completes at 25 h: settled in that order
    body = client.get_job_output(vaultName=vault, jobId=job_id)["body"].read()
    assert names(body) == ["late"]


@daily
def test_daily_delete_vault_waits_for_an_empty_snapshot(
    client: Any, glacier: Glacier, vault: str, raises_glacier: Any
) -> None:
    archive_id = upload(client, b"x")["archiveId"]
    glacier.advance(days=1)
    client.delete_archive(vaultName=vault, archiveId=archive_id)
    message = f"Vault not empty or recently written to: {VAULT_ARN}"
    with raises_glacier("InvalidParameterValueException", 400, message):
        client.delete_vault(vaultName=vault)
    glacier.advance(days=1)
    assert client.describe_vault(vaultName=vault)["NumberOfArchives"] == 0
    client.delete_vault(vaultName=vault)


def test_inventory_continuation_marker_is_only_inside_the_parameters(
    client: Any, glacier: Glacier, vault: str
) -> None:
    """§14.10: the continuation marker is the completed job's
    ``InventoryRetrievalParameters.Marker`` (the model); no top-level
    ``NextInventoryRetrievalMarker`` is sent."""
    upload(client, b"x")
    upload(client, b"x")
    bodies = raw_bodies(client, "DescribeJob")
    parameters = {"Type": "inventory-retrieval", "InventoryRetrievalParameters": {"Limit": "1"}}
    job_id = client.initiate_job(vaultName=vault, jobParameters=parameters)["jobId"]
    glacier.complete_jobs()
    client.describe_job(vaultName=vault, jobId=job_id)
    (body,) = bodies
    assert body["StatusCode"] == "Succeeded"
    assert body["InventoryRetrievalParameters"]["Marker"]
    assert "NextInventoryRetrievalMarker" not in body


def test_order_is_upload_order_across_deletions_additions_and_pages(
    client: Any, glacier: Glacier, vault: str
) -> None:
    """Upload order, with the region's other vaults' uploads in between; a marker keeps its
    place when the archive it points at and ones already listed are deleted."""
    client.create_vault(vaultName="other")
    ids = {}
    for i in range(6):
        ids[f"a{i}"] = upload(client, b"x", f"a{i}")["archiveId"]
        client.upload_archive(vaultName="other", body=b"y")
        glacier.advance(seconds=1)
    for name in ("a1", "a3"):
        client.delete_archive(vaultName=vault, archiveId=ids.pop(name))
    ids["a6"] = upload(client, b"x", "a6")["archiveId"]
    body, _ = inventory(client, glacier)
    assert names(body) == ["a0", "a2", "a4", "a5", "a6"]
    assert [a["ArchiveId"] for a in json.loads(body)["ArchiveList"]] == list(ids.values())
    body, job = inventory(client, glacier, Limit="2")
    assert names(body) == ["a0", "a2"]
    for name in ("a4", "a2"):  # the next page's first, and one already listed
        client.delete_archive(vaultName=vault, archiveId=ids.pop(name))
    upload(client, b"x", "a7")
    pages = []
    marker = job["InventoryRetrievalParameters"]["Marker"]
    while marker is not None:
        body, job = inventory(client, glacier, Limit="2", Marker=marker)
        pages.append(names(body))
        marker = job["InventoryRetrievalParameters"].get("Marker")
    assert pages == [["a5", "a6"], ["a7"]]


class _NotWalked(dict[str, str]):
    """The region's archive-id -> vault record, which an inventory must not walk."""

    def __iter__(self) -> Any:
        raise AssertionError("the inventory walked every archive id of the region")


def test_an_inventory_costs_its_own_vaults_archives(
    client: Any, glacier: Glacier, vault: str
) -> None:
    """Paging included: nothing proportional to the region's other (or deleted) archives."""
    region = glacier.backend.region_state("us-east-1")
    region.archive_vaults = _NotWalked(region.archive_vaults)
    for i in range(3):
        upload(client, b"x", f"a{i}")
    _, job = inventory(client, glacier, Limit="2")
    body, _ = inventory(client, glacier, Marker=job["InventoryRetrievalParameters"]["Marker"])
    assert names(body) == ["a2"]
    assert names(inventory(client, glacier, Format="JSON")[0]) == ["a0", "a1", "a2"]


@pytest.mark.parametrize("fmt", ["JSON", "CSV"])
def test_ranges_of_an_inventory_are_slices_of_its_output(
    client: Any, glacier: Glacier, vault: str, fmt: str
) -> None:
    for i in range(40):
        upload(client, b"x", f"archive number {i}, with a comma")
    whole, job = inventory(client, glacier, Format=fmt)
    total = len(whole)
    for start, end in [(0, 0), (7, 300), (total - 5, total - 1), (100, total + 50)]:
        out = client.get_job_output(
            vaultName=vault, jobId=job["JobId"], range=f"bytes={start}-{end}"
        )
        assert out["status"] == 206 and "checksum" not in out
        assert out["contentRange"] == f"bytes {start}-{min(end, total - 1)}/{total}"
        assert out["body"].read() == whole[start : end + 1]


def test_a_marker_of_a_deleted_vault_resumes_before_its_successors_archives(
    client: Any, glacier: Glacier, vault: str
) -> None:
    """Upload numbers are never reused: a vault made again under the name is all after it."""
    archive_ids = [upload(client, b"x", f"old{i}")["archiveId"] for i in range(3)]
    _, job = inventory(client, glacier, Limit="2")
    for archive_id in archive_ids:
        client.delete_archive(vaultName=vault, archiveId=archive_id)
    client.delete_vault(vaultName=vault)
    client.create_vault(vaultName=vault)
    for i in range(3):
        upload(client, b"x", f"new{i}")
    body, _ = inventory(client, glacier, Marker=job["InventoryRetrievalParameters"]["Marker"])
    assert names(body) == ["new0", "new1", "new2"]


#: descriptions as the service takes them (printable ASCII), JSON's escapes included
DESCRIPTIONS = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=30)
#: what a CSV reader with backslash escapes parses back unambiguously (no backslash)
CSV_DESCRIPTIONS = st.text(
    st.characters(min_codepoint=0x20, max_codepoint=0x7E, blacklist_characters="\\"),
    max_size=30,
)


def _uploaded_then_some_deleted(
    client: Any, descriptions: list[str], deleted: set[int]
) -> list[dict[str, Any]]:
    """Upload one archive per description, delete some; what an inventory must list."""
    kept = []
    for index, description in enumerate(descriptions):
        out = upload(client, bytes(index + 1), description)
        if index in deleted:
            client.delete_archive(vaultName="vault", archiveId=out["archiveId"])
        else:
            kept.append(
                {
                    "ArchiveId": out["archiveId"],
                    "ArchiveDescription": description,
                    "CreationDate": "2024-01-01T00:00:00.000Z",
                    "Size": index + 1,
                    "SHA256TreeHash": out["checksum"],
                }
            )
    return kept


@settings(max_examples=30, deadline=None)
@given(st.lists(DESCRIPTIONS, max_size=8), st.sets(st.integers(0, 7)))
def test_json_output_parses_back_to_the_archives(
    descriptions: list[str], deleted: set[int]
) -> None:
    with mock_glacier(start="2024-01-01T00:00:00Z") as glacier:
        client = glacier.client()
        client.create_vault(vaultName="vault")
        kept = _uploaded_then_some_deleted(client, descriptions, deleted)
        body, job = inventory(client, glacier)
    listed = json.loads(body)
    assert listed["ArchiveList"] == kept
    # exactly what json.dumps writes with compact separators
    assert body == json.dumps(listed, separators=(",", ":")).encode()
    assert job["InventorySizeInBytes"] == len(body)


@settings(max_examples=30, deadline=None)
@given(st.lists(CSV_DESCRIPTIONS, max_size=8), st.sets(st.integers(0, 7)))
def test_csv_output_parses_back_to_the_archives(descriptions: list[str], deleted: set[int]) -> None:
    with mock_glacier(start="2024-01-01T00:00:00Z") as glacier:
        client = glacier.client()
        client.create_vault(vaultName="vault")
        kept = _uploaded_then_some_deleted(client, descriptions, deleted)
        body, _ = inventory(client, glacier, Format="CSV")
    reader = csv.reader(io.StringIO(body.decode()), escapechar="\\", doublequote=False)
    rows = list(reader)
    assert rows[0] == HEADER.split(",")
    assert rows[1:] == [[str(value) for value in archive.values()] for archive in kept]
