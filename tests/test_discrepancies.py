"""The facts reference's open questions (spec §14) whose choice no other test pinned down.

docs/fidelity.md ("Discrepancies in the facts reference") lists every §14 item, our choice and
the test proving it; this module holds the tests that were missing. Each docstring names its
item. Wire-level choices (a field omitted rather than null, a key never sent) are read from the
raw HTTP body, since botocore's parser treats absent and null alike.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from support import initiate, put_part

from pytest_glacier import Glacier

MIB = 1 << 20
TOPIC = "arn:aws:sns:us-east-1:123456789012:restores"
DENY = json.dumps(
    {
        "Statement": [
            {"Effect": "Deny", "Principal": "*", "Action": "glacier:DeleteArchive", "Resource": "*"}
        ]
    }
)


def raw_bodies(client: Any, operation: str) -> list[Any]:
    """Collects the parsed raw JSON body of every ``operation`` response the client receives."""
    seen: list[Any] = []

    def grab(http_response: Any, **_: Any) -> None:
        seen.append(json.loads(http_response.content or b"null"))

    client.meta.events.register(f"after-call.glacier.{operation}", grab)
    return seen


def nulls(value: Any, path: str = "$") -> list[str]:
    """The JSON paths holding ``null`` in ``value``."""
    if value is None:
        return [path]
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in nulls(item, f"{path}.{key}")]
    if isinstance(value, list):
        return [p for index, item in enumerate(value) for p in nulls(item, f"{path}[{index}]")]
    return []


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


def test_a_list_parts_marker_the_double_never_issued_is_refused(
    client: Any, vault: str, raises_glacier: Any
) -> None:
    """§14.4: markers are opaque tokens the double issues; ListParts issues the byte offset of
    a part, so "7" (no part starts there) is unknown and refused (docs/multipart.md)."""
    listing = _parts(client, 3)
    assert listing(limit="1")["Marker"] == str(MIB)
    with raises_glacier("InvalidParameterValueException", 400, "Invalid marker: 7"):
        listing(marker="7")


@pytest.mark.parametrize("operation", sorted(LISTS))
def test_an_empty_marker_is_refused_not_a_restart(
    client: Any, vault: str, raises_glacier: Any, operation: str
) -> None:
    """§14.5: ``marker=''`` gets 400 as on the real service, not a listing from the start."""
    listing = LISTS[operation][0](client, 1)
    with raises_glacier("InvalidParameterValueException", 400, "Invalid marker: "):
        listing(marker="")


def test_describe_job_answers_200(client: Any, glacier: Glacier, vault: str) -> None:
    """§14.8: DescribeJob succeeds with 200 (the docs' syntax section says 201), in progress
    and once done."""
    job_id = retrieve(client, archive(client))
    running = client.describe_job(vaultName=vault, jobId=job_id)
    glacier.complete_jobs()
    done = client.describe_job(vaultName=vault, jobId=job_id)
    assert [out["StatusCode"] for out in (running, done)] == ["InProgress", "Succeeded"]
    assert [out["ResponseMetadata"]["HTTPStatusCode"] for out in (running, done)] == [200, 200]
    assert [c.status for c in glacier.calls if c.operation == "DescribeJob"] == [200, 200]


def test_inventory_continuation_marker_is_only_inside_the_parameters(
    client: Any, glacier: Glacier, vault: str
) -> None:
    """§14.10: the continuation marker is the completed job's
    ``InventoryRetrievalParameters.Marker`` (the model); no top-level
    ``NextInventoryRetrievalMarker`` is sent."""
    archive(client)
    archive(client)
    bodies = raw_bodies(client, "DescribeJob")
    parameters = {"Type": "inventory-retrieval", "InventoryRetrievalParameters": {"Limit": "1"}}
    job_id = client.initiate_job(vaultName=vault, jobParameters=parameters)["jobId"]
    glacier.complete_jobs()
    client.describe_job(vaultName=vault, jobId=job_id)
    (body,) = bodies
    assert body["StatusCode"] == "Succeeded"
    assert body["InventoryRetrievalParameters"]["Marker"]
    assert "NextInventoryRetrievalMarker" not in body


def test_initiate_job_on_a_deleted_archive_is_not_found(
    client: Any, glacier: Glacier, vault: str, raises_glacier: Any
) -> None:
    """§14.12: InitiateJob naming a deleted archive fails at once (the model's "will fail"),
    with the observed 404 text, and creates no job."""
    archive_id = archive(client)
    client.delete_archive(vaultName=vault, archiveId=archive_id)
    with raises_glacier(
        "ResourceNotFoundException", 404, f"The archive ID was not found: {archive_id}"
    ):
        retrieve(client, archive_id)
    assert dict(glacier.jobs(vault)) == {}


def test_fields_without_a_value_are_omitted_on_the_wire(
    client: Any, glacier: Glacier, vault: str
) -> None:
    """§14.14: fields that would be null are left out of the JSON, not sent as ``null``."""
    bodies = {
        op: raw_bodies(client, op)
        for op in ("DescribeVault", "DescribeJob", "ListMultipartUploads", "GetVaultLock")
    }
    client.describe_vault(vaultName=vault)  # no LastInventoryDate yet
    job_id = client.initiate_job(vaultName=vault, jobParameters={"Type": "inventory-retrieval"})[
        "jobId"
    ]
    client.describe_job(vaultName=vault, jobId=job_id)  # no CompletionDate, sizes, Tier
    initiate(client)
    initiate(client)  # a second page: this one's Marker is a real value
    client.list_multipart_uploads(vaultName=vault, limit="1")  # no ArchiveDescription
    lock_id = client.initiate_vault_lock(vaultName=vault, policy={"Policy": DENY})["lockId"]
    client.complete_vault_lock(vaultName=vault, lockId=lock_id)
    client.get_vault_lock(vaultName=vault)  # no ExpirationDate once Locked
    (described,) = bodies["DescribeVault"]
    assert "LastInventoryDate" not in described
    (job,) = bodies["DescribeJob"]
    assert not {"CompletionDate", "InventorySizeInBytes", "Tier", "ArchiveId"} & set(job)
    (uploads,) = bodies["ListMultipartUploads"]
    assert "ArchiveDescription" not in uploads["UploadsList"][0]
    (locked,) = bodies["GetVaultLock"]
    assert "ExpirationDate" not in locked
    assert [nulls(body) for found in bodies.values() for body in found] == [[]] * 4


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


def _method(method: str) -> Callable[[Any], None]:
    def edit(request: Any, **_: Any) -> None:
        request.method = method

    return edit


def _path(old: str, new: str) -> Callable[[Any], None]:
    def edit(request: Any, **_: Any) -> None:
        request.url = request.url.replace(old, new)

    return edit


def _body(text: bytes) -> Callable[[Any], None]:
    def edit(params: Any, **_: Any) -> None:
        params["body"] = text

    return edit


def _lock(client: Any) -> Any:
    return client.initiate_vault_lock(vaultName="vault", policy={"Policy": DENY})


def _capacity(client: Any) -> Any:
    return client.list_provisioned_capacity()


def _notifications(client: Any) -> Any:
    config = {"SNSTopic": TOPIC, "Events": ["ArchiveRetrievalCompleted"]}
    return client.set_vault_notifications(vaultName="vault", vaultNotificationConfig=config)


def _untag(client: Any) -> Any:
    return client.remove_tags_from_vault(vaultName="vault", TagKeys=["keep"])


TOPIC_BODY = json.dumps({"Topic": TOPIC, "Events": ["ArchiveRetrievalCompleted"]}).encode()


@pytest.mark.parametrize(
    ("event", "edit", "call", "code", "message"),
    [
        (
            "before-sign.glacier.InitiateVaultLock",
            _method("PUT"),
            _lock,
            "BadRequest",
            "Method PUT is not allowed on /-/vaults/vault/lock-policy; allowed: DELETE, GET, POST",
        ),
        (
            "before-sign.glacier.ListProvisionedCapacity",
            _path("/provisioned-capacity", "/priority-capacity"),
            _capacity,
            "BadRequest",
            "No Glacier operation matches GET /-/priority-capacity",
        ),
        (
            "before-sign.glacier.SetVaultNotifications",
            _path("/notification-configuration", "/notification-policy"),
            _notifications,
            "BadRequest",
            "No Glacier operation matches PUT /-/vaults/vault/notification-policy",
        ),
        (
            "before-call.glacier.RemoveTagsFromVault",
            _body(b'{"TagsKeys": ["keep"]}'),
            _untag,
            "MissingParameterValueException",
            "Required parameter missing: TagKeys",
        ),
        (
            "before-call.glacier.SetVaultNotifications",
            _body(TOPIC_BODY),
            _notifications,
            "MissingParameterValueException",
            "Required parameter missing: SNSTopic",
        ),
    ],
    ids=["PUT-lock-policy", "priority-capacity", "notification-policy", "TagsKeys", "Topic"],
)
def test_the_guides_typos_are_not_aliases(
    client: Any,
    glacier: Glacier,
    vault: str,
    raises_glacier: Any,
    event: str,
    edit: Callable[..., None],
    call: Callable[[Any], Any],
    code: str,
    message: str,
) -> None:
    """§14.17: the botocore model's methods, paths and member names are the API; the guide's
    typos are refused with a 400 and change nothing."""
    client.add_tags_to_vault(vaultName=vault, Tags={"keep": "1"})
    client.meta.events.register_last(event, edit)
    with raises_glacier(code, 400, message):
        call(client)
    assert client.list_tags_for_vault(vaultName=vault)["Tags"] == {"keep": "1"}
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.get_vault_lock(vaultName=vault)
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.get_vault_notifications(vaultName=vault)
