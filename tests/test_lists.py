"""The four list operations (ListVaults, ListJobs, ListMultipartUploads, ListParts) alike:
page caps without ``limit``, refused limits and markers, and the last page on the wire.

Each list follows the current docs (spec §14.3-§14.5, §14.14; docs/fidelity.md).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from support import initiate, nulls, put_part, raw_bodies

MIB = 1 << 20


def archive(client: Any, body: bytes = b"x") -> str:
    return str(client.upload_archive(vaultName="vault", body=body)["archiveId"])


def retrieve(client: Any, archive_id: str) -> str:
    parameters = {"Type": "archive-retrieval", "ArchiveId": archive_id}
    return str(client.initiate_job(vaultName="vault", jobParameters=parameters)["jobId"])


# -- one list call per list operation, with its filler ----------------------------------------
def _vaults(client: Any, count: int) -> Callable[..., Any]:
    for index in range(count - 1):  # the ``vault`` fixture's vault is one of them
        client.create_vault(vaultName=f"v{index:03d}")
    return lambda **query: client.list_vaults(**query)


def _jobs(client: Any, count: int) -> Callable[..., Any]:
    archive_id = archive(client)
    for _ in range(count):
        retrieve(client, archive_id)
    return lambda **query: client.list_jobs(vaultName="vault", **query)


def _uploads(client: Any, count: int) -> Callable[..., Any]:
    for _ in range(count):
        initiate(client)
    return lambda **query: client.list_multipart_uploads(vaultName="vault", **query)


def _parts(client: Any, count: int) -> Callable[..., Any]:
    upload_id = initiate(client)
    for index in range(count):  # short parts are accepted until completion
        put_part(client, upload_id, index * MIB, b"p")
    return lambda **query: client.list_parts(vaultName="vault", uploadId=upload_id, **query)


#: operation -> (fill the vault with n items and return the list call, list key, default page)
LISTS: dict[str, tuple[Callable[[Any, int], Callable[..., Any]], str, int]] = {
    "ListVaults": (_vaults, "VaultList", 10),
    "ListJobs": (_jobs, "JobList", 50),
    "ListMultipartUploads": (_uploads, "UploadsList", 50),
    "ListParts": (_parts, "Parts", 50),
}


@pytest.mark.parametrize("operation", sorted(LISTS))
def test_a_list_without_limit_pages_at_the_service_cap(
    client: Any, vault: str, operation: str
) -> None:
    """§14.3: with no ``limit`` a page holds the current docs' cap (10 vaults, 50 of the rest),
    not the older docs' 1,000."""
    fill, key, cap = LISTS[operation]
    listing = fill(client, cap + 1)
    first = listing()
    assert len(first[key]) == cap and first["Marker"]
    assert len(listing(marker=first["Marker"])[key]) == 1


@pytest.mark.parametrize("operation", sorted(LISTS))
def test_a_limit_that_is_not_a_plain_number_is_refused(
    client: Any, vault: str, raises_glacier: Any, operation: str
) -> None:
    """§14.3: a ``limit`` that is not a number is a 400 (docs/fidelity.md, docs/multipart.md);
    "²" passes ``str.isdigit()`` but not ``int()``."""
    listing = LISTS[operation][0](client, 1)
    with raises_glacier(
        "InvalidParameterValueException",
        400,
        "Invalid limit: '²'. The limit must be a positive integer.",
    ):
        listing(limit="²")


@pytest.mark.parametrize("operation", sorted(LISTS))
def test_an_empty_marker_is_refused_not_a_restart(
    client: Any, vault: str, raises_glacier: Any, operation: str
) -> None:
    """§14.5: ``marker=''`` gets 400 as on the real service, not a listing from the start."""
    listing = LISTS[operation][0](client, 1)
    with raises_glacier("InvalidParameterValueException", 400, "Invalid marker: "):
        listing(marker="")


@pytest.mark.parametrize("operation", sorted(LISTS))
def test_a_last_page_omits_its_marker_on_the_wire(client: Any, vault: str, operation: str) -> None:
    """§14.14: the last page of a list has no ``Marker`` member, rather than
    ``"Marker": null`` (docs/fidelity.md: null fields are omitted)."""
    fill, key, _ = LISTS[operation]
    listing = fill(client, 1)
    bodies = raw_bodies(client, operation)
    assert len(listing()[key]) == 1
    (body,) = bodies
    assert nulls(body) == []
    assert "Marker" not in body


# -- paging from a marker while the list changes between pages --------------------------------
def _follow(listing: Callable[..., Any], key: str, between: Callable[[], None]) -> list[Any]:
    """Every page of ``listing`` (limit 3), calling ``between`` after each page."""
    pages, marker = [], None
    while True:
        page = listing(limit="3", **({"marker": marker} if marker else {}))
        pages.append(page[key])
        marker = page.get("Marker")
        if marker is None:
            return pages
        between()


def test_vaults_page_in_name_order_while_vaults_come_and_go(client: Any, vault: str) -> None:
    names = [f"v{index:02d}" for index in range(20)]
    for name in reversed(names):
        client.create_vault(vaultName=name)
    changes = iter([("delete", "v07"), ("create", "v075"), ("delete", "v12"), ("create", "a")])

    def between() -> None:
        kind, name = next(changes, ("", ""))
        if kind == "delete":
            client.delete_vault(vaultName=name)
        elif kind == "create":
            client.create_vault(vaultName=name)

    pages = _follow(client.list_vaults, "VaultList", between)
    listed = [entry["VaultName"] for page in pages for entry in page]
    assert listed == sorted(set(listed))
    assert {"v07", "v12", "a"}.isdisjoint(listed) and "v075" in listed
    assert client.list_vaults(limit="100")["VaultList"][0]["VaultName"] == "a"


def test_uploads_page_in_initiation_order_while_uploads_close_and_expire(
    client: Any, glacier: Any, vault: str
) -> None:
    """Completed and aborted uploads are skipped, idle ones expire between pages (an upload
    kept busy does not), and each open upload is listed once, in initiation order."""
    old = [initiate(client) for _ in range(6)]
    glacier.advance(hours=20)
    busy = old[4]
    fresh = [initiate(client) for _ in range(12)]
    client.abort_multipart_upload(vaultName=vault, uploadId=fresh[1])
    put_part(client, fresh[2], 0, b"p")
    client.complete_multipart_upload(
        vaultName=vault,
        uploadId=fresh[2],
        archiveSize="1",
        checksum=client.list_parts(vaultName=vault, uploadId=fresh[2])["Parts"][0][
            "SHA256TreeHash"
        ],
    )

    def between() -> None:
        glacier.advance(hours=2)
        put_part(client, busy, 0, b"p")

    pages = _follow(
        lambda **query: client.list_multipart_uploads(vaultName=vault, **query),
        "UploadsList",
        between,
    )
    listed = [entry["MultipartUploadId"] for page in pages for entry in page]
    order = old + fresh
    assert listed == sorted(set(listed), key=order.index)
    assert busy in listed and fresh[1] not in listed and fresh[2] not in listed
    open_now = client.list_multipart_uploads(vaultName=vault)["UploadsList"]
    assert [entry["MultipartUploadId"] for entry in open_now] == [busy] + [
        upload for upload in fresh if upload not in (fresh[1], fresh[2])
    ]


def test_parts_page_in_range_order_though_uploaded_out_of_order(
    client: Any, vault: str, raises_glacier: Any
) -> None:
    upload_id = initiate(client)
    order = [5, 0, 9, 2, 7, 8, 1, 3]
    for index in order[:5]:
        put_part(client, upload_id, index * MIB, b"p")
    added = iter(order[5:])

    def between() -> None:  # parts arriving between pages are listed when past the marker
        index = next(added, None)
        if index is not None:
            put_part(client, upload_id, index * MIB, b"p")

    pages = _follow(
        lambda **query: client.list_parts(vaultName=vault, uploadId=upload_id, **query),
        "Parts",
        between,
    )
    starts = [int(part["RangeInBytes"].split("-")[0]) // MIB for page in pages for part in page]
    assert starts == [0, 2, 5, 7, 8, 9]  # 8 arrived past the marker, 1 before it
    for index in order[6:]:
        put_part(client, upload_id, index * MIB, b"p")
    listed = client.list_parts(vaultName=vault, uploadId=upload_id)["Parts"]
    assert [part["RangeInBytes"] for part in listed] == [
        f"{index * MIB}-{index * MIB}" for index in sorted(order)
    ]
    with raises_glacier("InvalidParameterValueException", 400, f"Invalid marker: {4 * MIB}"):
        client.list_parts(vaultName=vault, uploadId=upload_id, marker=str(4 * MIB))
    with raises_glacier("InvalidParameterValueException", 400, "Invalid marker: 1"):
        client.list_parts(vaultName=vault, uploadId=upload_id, marker="1")
