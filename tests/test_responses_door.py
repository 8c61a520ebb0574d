"""``requests`` through ``responses``: Glacier URLs served by the core, other mocks untouched."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import responses
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.utils import calculate_tree_hash

from pytest_glacier import Glacier, mock_glacier
from pytest_glacier.core.http import Response

REGION = "us-west-2"
ENDPOINT = f"https://glacier.{REGION}.amazonaws.com"
VERSION = {"x-amz-glacier-version": "2012-06-01"}
MIB = 1024 * 1024


def signed(method: str, path: str, body: bytes = b"", **headers: str) -> requests.Response:
    """A request signed the way botocore signs, sent with ``requests``."""
    request = AWSRequest(method, ENDPOINT + path, headers={**VERSION, **headers}, data=body)
    SigV4Auth(Credentials("AKIDEXAMPLE", "secret"), "glacier", REGION).add_auth(request)
    return requests.request(method, ENDPOINT + path, headers=dict(request.headers), data=body)


@pytest.mark.glacier(requests=True)
def test_requests_signed_matches_boto3(glacier: Glacier) -> None:
    assert signed("PUT", "/-/vaults/photos").status_code == 201
    via_requests = signed("GET", "/-/vaults/photos")
    via_boto3 = glacier.client(REGION).describe_vault(vaultName="photos")
    assert via_requests.status_code == 200
    assert via_requests.headers["content-type"] == "application/json"
    del via_boto3["ResponseMetadata"]
    assert via_requests.json() == via_boto3
    assert via_boto3["VaultARN"] == f"arn:aws:glacier:{REGION}:123456789012:vaults/photos"


@pytest.mark.glacier(requests=True)
def test_requests_upload_lands_like_boto3(glacier: Glacier) -> None:
    client = glacier.client(REGION)
    client.create_vault(vaultName="v")
    data = b"0123456789" * 200_000
    tree = calculate_tree_hash(io.BytesIO(data))
    response = signed(
        "POST",
        "/-/vaults/v/archives",
        data,
        **{
            "x-amz-content-sha256": hashlib.sha256(data).hexdigest(),
            "x-amz-sha256-tree-hash": tree,
        },
    )
    assert response.status_code == 201
    assert response.headers["x-amz-sha256-tree-hash"] == tree
    archive = glacier.archives("v", REGION)[response.headers["x-amz-archive-id"]]
    assert bytes(archive.data) == data
    via_boto3 = client.upload_archive(vaultName="v", body=data)
    assert via_boto3["checksum"] == tree


@pytest.mark.glacier(requests=True)
def test_requests_error_matches_boto3(glacier: Glacier) -> None:
    response = requests.get(ENDPOINT + "/-/vaults/missing", headers=VERSION)  # unsigned
    assert response.status_code == 404
    try:
        glacier.client(region_name=REGION).describe_vault(vaultName="missing")
    except Exception as error:
        boto3_error: Any = error
    assert response.json() == {
        "code": "ResourceNotFoundException",
        "message": boto3_error.response["Error"]["Message"],
        "type": "Client",
    }


@pytest.mark.glacier(requests=True)
def test_requests_unsigned_uses_the_region_of_the_host(glacier: Glacier) -> None:
    assert glacier.region != REGION
    assert requests.put(ENDPOINT + "/-/vaults/v", headers=VERSION).status_code == 201
    assert list(glacier.vaults(REGION)) == ["v"]
    assert list(glacier.vaults()) == []


@pytest.mark.glacier(requests=True)
def test_requests_user_mock_started_inside_keeps_working(glacier: Glacier) -> None:
    with responses.RequestsMock() as mock:
        mock.get("https://example.com/hello", body="hi")
        assert requests.get("https://example.com/hello").text == "hi"
        assert requests.put(ENDPOINT + "/-/vaults/v", headers=VERSION).status_code == 201
        with pytest.raises(requests.ConnectionError, match="Connection refused by Responses"):
            requests.get("https://example.com/other")
    assert list(glacier.vaults(REGION)) == ["v"]


@pytest.mark.glacier(requests=True)
def test_requests_user_mock_of_a_glacier_url_wins(glacier: Glacier) -> None:
    with responses.RequestsMock() as mock:
        mock.get(ENDPOINT + "/-/vaults", json={"VaultList": ["mine"]})
        assert requests.get(ENDPOINT + "/-/vaults", headers=VERSION).json() == {
            "VaultList": ["mine"]
        }
    assert glacier.calls == ()


@responses.activate
def test_requests_user_mock_started_outside_keeps_working() -> None:
    responses.add(responses.GET, "https://example.com/hello", body="hi")
    with mock_glacier(requests=True) as double:
        assert requests.get("https://example.com/hello").text == "hi"
        assert requests.put(ENDPOINT + "/-/vaults/v", headers=VERSION).status_code == 201
    assert list(double.vaults(REGION)) == ["v"]
    assert len(responses.calls) == 1


def test_requests_not_answered_without_the_option(glacier: Glacier) -> None:
    with responses.RequestsMock() as mock:
        with pytest.raises(requests.ConnectionError, match="Connection refused by Responses"):
            requests.get(ENDPOINT + "/-/vaults", headers=VERSION)
        assert len(mock.calls) == 1
    assert glacier.calls == ()


def test_requests_door_closes_with_the_double() -> None:
    send = requests.adapters.HTTPAdapter.send
    find = responses.RequestsMock._find_match
    with mock_glacier(requests=True):
        assert requests.adapters.HTTPAdapter.send is not send
    assert requests.adapters.HTTPAdapter.send is send
    assert responses.RequestsMock._find_match is find


@pytest.mark.glacier(requests=True)
def test_requests_response_body_is_streamed(glacier: Glacier) -> None:
    made: list[int] = []

    def body() -> Iterator[bytes]:
        for i in range(4):
            made.append(i)
            yield bytes([65 + i]) * MIB

    glacier.service.interceptors.append(lambda ctx: Response(200, {}, body()))
    response = requests.get(ENDPOINT + "/-/vaults", headers=VERSION, stream=True)
    first = next(response.iter_content(MIB))
    assert (first[:1], len(first), made) == (b"A", MIB, [0])
    rest = b"".join(response.iter_content(MIB))
    assert (len(rest), made) == (3 * MIB, [0, 1, 2, 3])


@pytest.mark.glacier(requests=True)
def test_requests_generator_body_is_joined(glacier: Glacier) -> None:
    response = requests.put(
        ENDPOINT + "/-/vaults/v", headers=VERSION, data=iter([b"", b""])
    )  # a chunked, empty body
    assert response.status_code == 201
