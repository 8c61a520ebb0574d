"""Common rules of every operation, routing, and the internal-error guard."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError
from support import initiate, nulls, raw, raw_bodies, state

from pytest_glacier import Glacier
from pytest_glacier.core.errors import GlacierError
from pytest_glacier.core.routes import OPERATIONS, ROUTES, resolve

TOPIC = "arn:aws:sns:us-east-1:123456789012:restores"
DENY = json.dumps(
    {
        "Statement": [
            {"Effect": "Deny", "Principal": "*", "Action": "glacier:DeleteArchive", "Resource": "*"}
        ]
    }
)


def drop_header(client: Any, name: str) -> None:
    def edit(request: Any, **_: Any) -> None:
        del request.headers[name]

    client.meta.events.register("before-sign.glacier", edit)


def test_every_route_resolves_to_its_operation() -> None:
    assert len(OPERATIONS) == 33
    for operation, method, template, query, _ in ROUTES:
        path = (
            template.replace("{accountId}", "-")
            .replace("{vaultName}", "v")
            .replace("{archiveId}", "a")
            .replace("{uploadId}", "u")
            .replace("{jobId}", "j")
            .replace("{lockId}", "l")
        )
        segments = path.strip("/").split("/")
        route = resolve(method, segments, dict([query]) if query else {})
        assert route.operation == operation


@pytest.mark.parametrize("word", ["jobs", "tags", "archives", "vaults", "lock-policy"])
def test_vaults_named_like_sub_resources(client: Any, word: str) -> None:
    client.create_vault(vaultName=word)
    assert client.describe_vault(vaultName=word)["VaultName"] == word


def test_missing_api_version(client: Any, raises_glacier: Any, glacier: Glacier) -> None:
    drop_header(client, "x-amz-glacier-version")
    with raises_glacier(
        "MissingParameterValueException", 400, "Required parameter missing: API version"
    ):
        client.create_vault(vaultName="v")
    assert dict(glacier.vaults()) == {}


def test_numeric_account_id_is_accepted(client: Any) -> None:
    client.create_vault(accountId="123456789012", vaultName="v")
    assert client.describe_vault(accountId="-", vaultName="v")["VaultName"] == "v"


@pytest.mark.parametrize("account", ["999999999999", "12345"])
def test_other_account_is_denied(
    client: Any, raises_glacier: Any, glacier: Glacier, account: str
) -> None:
    with raises_glacier("AccessDeniedException", 403, f"Access denied for account ID: {account}"):
        client.create_vault(accountId=account, vaultName="v")
    assert dict(glacier.vaults()) == {}


@pytest.mark.parametrize(
    ("call", "parameter"),
    [
        (lambda c: c.create_vault(accountId="", vaultName="v"), "accountId"),
        (lambda c: c.create_vault(vaultName=""), "vaultName"),
        (lambda c: c.delete_archive(vaultName="kept", archiveId=""), "archiveId"),
        (lambda c: c.describe_job(vaultName="kept", jobId=""), "jobId"),
        (lambda c: c.get_job_output(vaultName="kept", jobId=""), "jobId"),
        (lambda c: c.abort_multipart_upload(vaultName="kept", uploadId=""), "uploadId"),
    ],
)
def test_empty_uri_parameters_are_missing(
    client: Any, raises_glacier: Any, glacier: Glacier, call: Any, parameter: str
) -> None:
    client.create_vault(vaultName="kept")
    archive = client.upload_archive(vaultName="kept", body=b"stays")["archiveId"]
    with raises_glacier(
        "MissingParameterValueException", 400, f"Required parameter missing: {parameter}"
    ):
        call(client)
    assert list(glacier.vaults()) == ["kept"]
    assert list(glacier.archives("kept")) == [archive]


def test_configured_account_id(glacier: Glacier) -> None:
    assert glacier.account_id == "123456789012"


@pytest.mark.glacier(account_id="111122223333", region="eu-west-1")
def test_marker_sets_account_and_region(glacier: Glacier) -> None:
    client = glacier.client()
    client.create_vault(vaultName="v")
    assert client.describe_vault(vaultName="v")["VaultARN"] == (
        "arn:aws:glacier:eu-west-1:111122223333:vaults/v"
    )


def test_error_body_shape_and_request_id(client: Any) -> None:
    with pytest.raises(ClientError) as caught:
        client.describe_vault(vaultName="nope")
    response = caught.value.response
    headers = response["ResponseMetadata"]["HTTPHeaders"]
    assert len(headers["x-amzn-requestid"]) == 47
    assert response["ResponseMetadata"]["RequestId"] == headers["x-amzn-requestid"]
    assert headers["content-type"] == "application/json"
    assert "x-amzn-errortype" not in headers
    assert response["Error"]["Code"] == "ResourceNotFoundException"


@pytest.mark.glacier(requests=True)
def test_unknown_path_and_method_get_aws_shaped_errors(glacier: Glacier) -> None:
    assert raw("GET", "/-/vaults/v/nothing") == (
        400,
        {
            "code": "BadRequest",
            "message": "No Glacier operation matches GET /-/vaults/v/nothing",
            "type": "Client",
        },
    )
    status, wrong = raw("PATCH", "/-/vaults/v")
    assert status == 400
    assert wrong["message"] == (
        "Method PATCH is not allowed on /-/vaults/v; allowed: DELETE, GET, PUT"
    )
    _, tags = raw("POST", "/-/vaults/v/tags?operation=x")
    assert tags["code"] == "InvalidParameterValueException"


def test_calls_are_recorded(client: Any, glacier: Glacier) -> None:
    client.create_vault(vaultName="v")
    with pytest.raises(ClientError):
        client.describe_vault(vaultName="missing")
    assert [(c.operation, c.status, c.error_code) for c in glacier.calls] == [
        ("CreateVault", 201, None),
        ("DescribeVault", 404, "ResourceNotFoundException"),
    ]
    assert glacier.calls[1].params == {"accountId": "-", "vaultName": "missing"}


def test_glacier_error_pickles() -> None:
    import pickle

    error = pickle.loads(pickle.dumps(GlacierError("ThrottlingException", "slow down")))
    assert (error.code, error.message, error.status, error.type) == (
        "ThrottlingException",
        "slow down",
        400,
        "Client",
    )


def test_internal_error_is_a_500_and_fails_the_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        from botocore.config import Config
        from botocore.exceptions import ClientError
        from pytest_glacier.service import vaults

        def test_bug(glacier, monkeypatch):
            def broken(ctx):
                raise KeyError("bug in the double")
            monkeypatch.setitem(vaults.HANDLERS, "DescribeVault", broken)
            from pytest_glacier.service.engine.registry import _table
            _table.cache_clear()
            client = glacier.client(config=Config(retries={"total_max_attempts": 1}))
            try:
                client.describe_vault(vaultName="v")
            except ClientError as error:
                assert error.response["Error"]["Code"] == "ServiceUnavailableException"
                assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 500
            _table.cache_clear()
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*pytest_glacier raised while answering a request*", "*KeyError*"])


# -- the API version and the account, on every foundation operation -------------------------


@pytest.fixture
def populated(client: Any) -> dict[str, str]:
    """Vault ``v`` holding one archive, and the empty vault ``empty``."""
    client.create_vault(vaultName="v")
    client.create_vault(vaultName="empty")
    return {"archive": client.upload_archive(vaultName="v", body=b"kept")["archiveId"]}


#: the six foundation operations, each as a call that would change state if it succeeded
FOUNDATION: dict[str, Callable[[Any, dict[str, str], dict[str, str]], Any]] = {
    "CreateVault": lambda c, s, kw: c.create_vault(vaultName="new", **kw),
    "DescribeVault": lambda c, s, kw: c.describe_vault(vaultName="v", **kw),
    "ListVaults": lambda c, s, kw: c.list_vaults(**kw),
    "DeleteVault": lambda c, s, kw: c.delete_vault(vaultName="empty", **kw),
    "UploadArchive": lambda c, s, kw: c.upload_archive(vaultName="v", body=b"new", **kw),
    "DeleteArchive": lambda c, s, kw: c.delete_archive(vaultName="v", archiveId=s["archive"], **kw),
}


@pytest.mark.parametrize("operation", sorted(FOUNDATION))
def test_missing_api_version_is_refused_by_every_foundation_operation(
    client: Any, glacier: Glacier, populated: dict[str, str], raises_glacier: Any, operation: str
) -> None:
    before = state(glacier)

    def drop(request: Any, **_: Any) -> None:
        del request.headers["x-amz-glacier-version"]

    client.meta.events.register("before-sign.glacier", drop)
    with raises_glacier(
        "MissingParameterValueException", 400, "Required parameter missing: API version"
    ):
        FOUNDATION[operation](client, populated, {})
    assert state(glacier) == before
    assert glacier.calls[-1].error_code == "MissingParameterValueException"


@pytest.mark.parametrize("operation", sorted(FOUNDATION))
def test_wrong_api_version_is_refused_by_every_foundation_operation(
    client: Any, glacier: Glacier, populated: dict[str, str], raises_glacier: Any, operation: str
) -> None:
    before = state(glacier)

    def replace(request: Any, **_: Any) -> None:
        request.headers.replace_header("x-amz-glacier-version", "2011-06-01")

    client.meta.events.register("before-sign.glacier", replace)
    with raises_glacier("InvalidParameterValueException", 400, "Invalid API version: 2011-06-01"):
        FOUNDATION[operation](client, populated, {})
    assert state(glacier) == before


@pytest.mark.parametrize("operation", sorted(FOUNDATION))
def test_another_account_is_denied_by_every_foundation_operation(
    client: Any, glacier: Glacier, populated: dict[str, str], raises_glacier: Any, operation: str
) -> None:
    before = state(glacier)
    with raises_glacier("AccessDeniedException", 403, "Access denied for account ID: 210987654321"):
        FOUNDATION[operation](client, populated, {"accountId": "210987654321"})
    assert state(glacier) == before


# -- the wire: omitted fields; the model's names, not the guide's typos ----------------------


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


def _method(method: str) -> Callable[..., None]:
    def edit(request: Any, **_: Any) -> None:
        request.method = method

    return edit


def _path(old: str, new: str) -> Callable[..., None]:
    def edit(request: Any, **_: Any) -> None:
        request.url = request.url.replace(old, new)

    return edit


def _body(text: bytes) -> Callable[..., None]:
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
