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
