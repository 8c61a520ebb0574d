"""Common rules of every operation, routing, and the internal-error guard."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from pytest_glacier import Glacier
from pytest_glacier.core.errors import GlacierError
from pytest_glacier.core.http import Request
from pytest_glacier.core.routes import OPERATIONS, ROUTES, resolve


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


def test_unknown_path_and_method_get_aws_shaped_errors(glacier: Glacier) -> None:
    headers = {"x-amz-glacier-version": "2012-06-01"}
    unknown = glacier.service.handle(Request.from_url("GET", "/-/vaults/v/nothing", headers))
    assert unknown.status == 400
    assert json.loads(bytes(unknown.body)) == {  # type: ignore[arg-type]
        "code": "BadRequest",
        "message": "No Glacier operation matches GET /-/vaults/v/nothing",
        "type": "Client",
    }
    wrong = glacier.service.handle(Request.from_url("PATCH", "/-/vaults/v", headers))
    assert wrong.status == 400
    assert json.loads(bytes(wrong.body))["message"] == (  # type: ignore[arg-type]
        "Method PATCH is not allowed on /-/vaults/v; allowed: DELETE, GET, PUT"
    )
    tags = glacier.service.handle(Request.from_url("POST", "/-/vaults/v/tags?operation=x", headers))
    assert json.loads(bytes(tags.body))["code"] == "InvalidParameterValueException"  # type: ignore[arg-type]


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
