"""Optional SigV4 verification: botocore's own signer decides, through both doors."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import boto3
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

from pytest_glacier import mock_glacier
from pytest_glacier.config import ConfigError
from pytest_glacier.server.server import GlacierServer
from pytest_glacier.service.engine import signatures
from pytest_glacier.simulator import FAKE_CREDENTIALS

pytestmark = pytest.mark.timeout(60)
NO_RETRY = Config(retries={"total_max_attempts": 1})
KEYS = {
    "AKIAALICE0000000000": {"secret_access_key": "alice-secret", "account_id": "111111111111"},
    "AKIABOB00000000000": {"secret_access_key": "bob-secret", "account_id": "222222222222"},
    "AKIADEFAULT00000000": "default-secret",
}

POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "read",
            "Effect": "Allow",
            "Principal": "*",
            "Action": "glacier:ListJobs",
            "Resource": "arn:aws:glacier:us-east-1:111111111111:vaults/v",
        }
    ],
}


#: clients made by a test, closed after it (so no pooled socket outlives its server)
_CLIENTS: list[Any] = []


@pytest.fixture(autouse=True)
def _close_clients() -> Iterator[None]:
    yield
    while _CLIENTS:
        _CLIENTS.pop().close()


def client_for(endpoint: str | None, key: str, secret: str, **kwargs: Any) -> Any:
    client = boto3.session.Session().client(
        "glacier",
        region_name="us-east-1",
        endpoint_url=endpoint,
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        config=NO_RETRY,
        **kwargs,
    )
    _CLIENTS.append(client)
    return client


@pytest.fixture(params=["in-process", "server"])
def endpoint(request: pytest.FixtureRequest) -> Iterator[str | None]:
    """Where clients go: the in-process botocore door, or a local server."""
    if request.param == "in-process":
        with mock_glacier(verify_signatures=KEYS):
            yield None
    else:
        with GlacierServer(verify_signatures=KEYS) as server:
            yield server.endpoint_url


def code_of(call: Any) -> tuple[int, str, str]:
    with pytest.raises(ClientError) as caught:
        call()
    error = caught.value.response
    return (
        error["ResponseMetadata"]["HTTPStatusCode"],
        error["Error"]["Code"],
        error["Error"]["Message"],
    )


def test_correct_signature_is_served(endpoint: str | None) -> None:
    client = client_for(endpoint, "AKIAALICE0000000000", "alice-secret")
    client.create_vault(vaultName="v")
    client.upload_archive(vaultName="v", body=b"signed bytes")
    client.set_vault_access_policy(vaultName="v", policy={"Policy": json.dumps(POLICY)})
    client.add_tags_to_vault(vaultName="v", Tags={"k": "v"})  # a query string is signed too
    assert client.list_vaults()["VaultList"][0]["VaultARN"].endswith(":111111111111:vaults/v")


def test_wrong_secret_is_invalid_signature(endpoint: str | None) -> None:
    client = client_for(endpoint, "AKIAALICE0000000000", "not-alice-secret")
    status, code, message = code_of(lambda: client.list_vaults())
    assert (status, code) == (403, "InvalidSignatureException")
    assert message.startswith(signatures.SIGNATURE_MISMATCH)
    assert "The Canonical String for this request should have been" in message


def test_unknown_access_key_is_unrecognized_client(endpoint: str | None) -> None:
    client = client_for(endpoint, "AKIANOBODY000000000", "x")
    assert code_of(lambda: client.list_vaults()) == (
        400,
        "UnrecognizedClientException",
        "The security token included in the request is invalid.",
    )


def test_unsigned_request_is_missing_authentication_token(endpoint: str | None) -> None:
    client = boto3.session.Session().client(
        "glacier",
        region_name="us-east-1",
        endpoint_url=endpoint,
        config=Config(signature_version=UNSIGNED, retries={"total_max_attempts": 1}),
    )
    _CLIENTS.append(client)
    assert code_of(lambda: client.list_vaults()) == (
        400,
        "MissingAuthenticationTokenException",
        "Missing Authentication Token",
    )


def test_access_keys_map_to_their_own_accounts(endpoint: str | None) -> None:
    alice = client_for(endpoint, "AKIAALICE0000000000", "alice-secret")
    bob = client_for(endpoint, "AKIABOB00000000000", "bob-secret")
    default = client_for(endpoint, "AKIADEFAULT00000000", "default-secret")
    alice.create_vault(vaultName="shared-name")
    alice.create_vault(vaultName="alices")
    bob.create_vault(vaultName="shared-name")
    assert [v["VaultName"] for v in alice.list_vaults()["VaultList"]] == ["alices", "shared-name"]
    assert [v["VaultName"] for v in bob.list_vaults()["VaultList"]] == ["shared-name"]
    assert default.list_vaults()["VaultList"] == []
    assert code_of(lambda: bob.describe_vault(vaultName="alices"))[1] == "ResourceNotFoundException"
    status, code, _ = code_of(lambda: bob.list_vaults(accountId="111111111111"))
    assert (status, code) == (403, "AccessDeniedException")
    assert bob.list_vaults(accountId="222222222222")["VaultList"][0]["VaultName"] == "shared-name"
    assert default.list_vaults(accountId="123456789012")["VaultList"] == []


def test_verify_signatures_true_accepts_the_fake_credentials() -> None:
    assert (
        FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    ) == (signatures.FAKE_ACCESS_KEY, signatures.FAKE_SECRET_KEY)
    with mock_glacier(verify_signatures=True) as glacier:
        own = glacier.client(config=NO_RETRY)
        _CLIENTS.append(own)
        own.create_vault(vaultName="v")
        other = client_for(None, "AKIAOTHER0000000000", "x")
        assert code_of(lambda: other.list_vaults())[1] == "UnrecognizedClientException"


def test_verification_is_off_by_default(glacier: Any) -> None:
    client_for(None, "AKIAANYTHING0000000", "anything").create_vault(vaultName="v")


def test_tampered_request_over_the_wire_is_invalid_signature() -> None:
    """A signed request whose path is changed after signing no longer matches."""
    with GlacierServer(verify_signatures=KEYS) as server:
        client = client_for(server.endpoint_url, "AKIAALICE0000000000", "alice-secret")
        captured: dict[str, Any] = {}

        def keep(request: Any, **_: Any) -> None:
            captured["headers"] = dict(request.headers)

        client.meta.events.register("before-send", keep)
        client.list_vaults()
        headers = {
            k: v.decode() if isinstance(v, bytes) else v for k, v in captured["headers"].items()
        }
        parts = urlsplit(server.endpoint_url)
        assert parts.hostname and parts.port
        raw = (
            f"GET /-/vaults/other HTTP/1.1\r\nHost: {parts.netloc}\r\n"
            + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
            + "\r\n"
        )
        with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
            sock.sendall(raw.encode())
            answer = sock.recv(65536)
        assert answer.startswith(b"HTTP/1.1 403 ")
        assert b"InvalidSignatureException" in answer


@pytest.mark.parametrize(
    "value",
    [
        "yes",
        {},
        {"AK": 5},
        {"AK": {"secret_access_key": "s", "account_id": "12"}},
        {"AK": {"secret": "s"}},
    ],
)
def test_bad_verify_signatures_values_are_config_errors(value: Any) -> None:
    with (
        pytest.raises(ConfigError, match="verify_signatures"),
        mock_glacier(verify_signatures=value),
    ):
        pass
