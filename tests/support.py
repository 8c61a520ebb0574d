"""Helpers several test modules share: hand-edited headers and multipart steps."""

from __future__ import annotations

import io
import json
import re
from typing import Any

from botocore.utils import calculate_tree_hash

from pytest_glacier import Glacier

MIB = 1 << 20


def tree(data: bytes) -> str:
    """The tree hash botocore computes for ``data``."""
    return str(calculate_tree_hash(io.BytesIO(data)))


def rewrite_headers(client: Any, operation: str, /, **headers: str | None) -> None:
    """Change an operation's headers after botocore computed them, as a hand-written client
    might send them (``None`` removes a header; ``_`` in a name stands for ``-``)."""

    def edit(request: Any, **_: Any) -> None:
        for name, value in headers.items():
            key = name.replace("_", "-")
            if key in request.headers:
                del request.headers[key]
            if value is not None:
                request.headers[key] = value

    client.meta.events.register(f"before-sign.glacier.{operation}", edit)


def initiate(client: Any, part_size: int = MIB, **kwargs: Any) -> str:
    """Start a multipart upload into the vault named ``vault``."""
    out = client.initiate_multipart_upload(vaultName="vault", partSize=str(part_size), **kwargs)
    return str(out["uploadId"])


def put_part(client: Any, upload_id: str, start: int, body: bytes) -> Any:
    """Upload ``body`` as the part at byte ``start``."""
    return client.upload_multipart_part(
        vaultName="vault",
        uploadId=upload_id,
        range=f"bytes {start}-{start + len(body) - 1}/*",
        body=body,
    )


def state(glacier: Glacier) -> dict[str, list[str]]:
    """Every vault with its archive ids: what a refused request must leave untouched."""
    return {name: sorted(glacier.archives(name)) for name in glacier.vaults()}


def raw_bodies(client: Any, operation: str) -> list[Any]:
    """Collects the parsed raw JSON body of every ``operation`` response the client receives.

    Wire-level choices (a field omitted rather than null) are read from the raw HTTP body,
    since botocore's parser treats absent and null alike.
    """
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


REGION = "us-east-1"
ENDPOINT = f"https://glacier.{REGION}.amazonaws.com"


def raw(method: str, path: str, body: bytes = b"", **headers: str) -> tuple[int, Any]:
    """A hand-written request, signed as botocore signs, sent with ``requests``: the status
    and the parsed JSON body (``None`` when empty). Needs ``@pytest.mark.glacier(requests=True)``.
    """
    response = raw_response(method, path, body, **headers)
    return response.status_code, json.loads(response.content or b"null")


def raw_response(method: str, path: str, body: bytes = b"", **headers: str) -> Any:
    """``raw()``'s ``requests.Response`` itself, headers included."""
    import requests
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    headers = {"x-amz-glacier-version": "2012-06-01", **headers}
    request = AWSRequest(method, ENDPOINT + path, headers=headers, data=body)
    SigV4Auth(Credentials("AKIDEXAMPLE", "secret"), "glacier", REGION).add_auth(request)
    return requests.request(method, ENDPOINT + path, headers=dict(request.headers), data=body)


def fenced_examples(text: str, language: str = "python") -> list[str]:
    """The fenced ``language`` blocks of a Markdown page that define tests, each with its
    final newline: what its test file under ``tests/doc_examples/`` must equal byte for byte."""
    blocks = re.findall(rf"^```{language}\n(.*?)^```", text, re.S | re.M)
    return [block for block in blocks if "def test_" in block]
