"""Optional SigV4 verification (config ``verify_signatures``): who sent a request, if anyone.

Off by default: every request acts in the configured ``account_id``, signed or not. When on,
the expected signature is computed by botocore's own signer (``botocore.auth.SigV4Auth``)
over the request as received, with the secret of the access key named in the credential
scope, so a request passes exactly when the real client code signed it with that secret.
The answers are the service's: no ``Authorization`` header is 400
``MissingAuthenticationTokenException``, an unknown access key 400
``UnrecognizedClientException``, a wrong signature 403 ``InvalidSignatureException``, and a
header missing its parts 400 ``IncompleteSignatureException``. The access key's account is
the caller's account: ``-`` in a path means it, and another account id is refused.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ...core.errors import GlacierError
from ...core.http import Request

if TYPE_CHECKING:
    from ...config import GlacierConfig

#: the double's own fake credentials (``simulator.FAKE_CREDENTIALS``): the keys that
#: ``verify_signatures=True`` accepts
FAKE_ACCESS_KEY = "AKIAPYTESTGLACIER000"
FAKE_SECRET_KEY = "pytest-glacier-fake-secret-key"

SIGNATURE_MISMATCH = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your AWS Secret Access Key and signing method. "
    "Consult the service documentation for details."
)
UNRECOGNIZED = "The security token included in the request is invalid."
MISSING = "Missing Authentication Token"

_ALGORITHM = "AWS4-HMAC-SHA256"
_FIELD = re.compile(r"\s*([A-Za-z]+)=([^,\s]*)\s*")


def caller_account(request: Request, config: GlacierConfig) -> str:
    """The account the request acts in; raises the service's error when verification fails."""
    keys = config.verify_signatures
    if not keys:
        return config.account_id
    table: Mapping[str, Mapping[str, Any]] = (
        {FAKE_ACCESS_KEY: {"secret_access_key": FAKE_SECRET_KEY}} if keys is True else keys
    )
    header = request.headers.get("authorization")
    if header is None:
        raise GlacierError("MissingAuthenticationTokenException", MISSING)
    fields = _fields(header)
    scope = fields.get("Credential", "").split("/")
    if len(scope) != 5 or scope[4] != "aws4_request" or not scope[0]:
        raise _incomplete(
            f"Authorization header requires 'Credential' parameter of the form "
            f"<key>/<date>/<region>/<service>/aws4_request; got {fields.get('Credential')!r}"
        )
    access_key, date, region, service, _ = scope
    entry = table.get(access_key)
    if entry is None:
        raise GlacierError("UnrecognizedClientException", UNRECOGNIZED)
    timestamp = request.headers.get("x-amz-date")
    if timestamp is None:
        raise _incomplete("Authorization header requires existence of a 'X-Amz-Date' header.")
    expected, canonical, string_to_sign = _expected(
        request,
        access_key,
        str(entry["secret_access_key"]),
        region,
        service,
        timestamp,
        fields["SignedHeaders"].split(";"),
    )
    if date != timestamp[:8] or not hmac.compare_digest(expected, fields["Signature"]):
        raise GlacierError(
            "InvalidSignatureException",
            f"{SIGNATURE_MISMATCH}\n\nThe Canonical String for this request should have been\n"
            f"'{canonical}'\n\nThe String-to-Sign should have been\n'{string_to_sign}'\n",
        )
    return str(entry.get("account_id") or config.account_id)


def _fields(header: str) -> dict[str, str]:
    algorithm, _, rest = header.strip().partition(" ")
    if algorithm != _ALGORITHM:
        raise _incomplete(f"Unsupported Authorization algorithm {algorithm!r}; use {_ALGORITHM}")
    fields: dict[str, str] = {}
    for part in rest.split(","):
        match = _FIELD.fullmatch(part)
        if match is not None:
            fields[match.group(1)] = match.group(2)
    missing = [
        name for name in ("Credential", "SignedHeaders", "Signature") if not fields.get(name)
    ]
    if missing:
        raise _incomplete(
            " ".join(f"Authorization header requires '{name}' parameter." for name in missing)
        )
    return fields


def _expected(
    request: Request,
    access_key: str,
    secret: str,
    region: str,
    service: str,
    timestamp: str,
    signed: list[str],
) -> tuple[str, str, str]:
    """(signature, canonical request, string to sign) as botocore's signer computes them."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    headers = {name: request.headers[name] for name in signed if name in request.headers}
    host = request.headers.get("host") or f"glacier.{region}.amazonaws.com"
    data = b""
    if "x-amz-content-sha256" not in headers:
        data = bytes(request.content())  # a JSON document: the payload hash is of the body
    aws = AWSRequest(
        method=request.method,
        url=f"https://{host}{request.path}",
        headers=headers,
        data=data,
        params=dict(request.query),
    )
    aws.context["timestamp"] = timestamp
    signer = SigV4Auth(Credentials(access_key, secret), service, region)
    canonical = signer.canonical_request(aws)
    string_to_sign = signer.string_to_sign(aws, canonical)
    return signer.signature(string_to_sign, aws), canonical, string_to_sign


def _incomplete(message: str) -> GlacierError:
    return GlacierError("IncompleteSignatureException", message)
