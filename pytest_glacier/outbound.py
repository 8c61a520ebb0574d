"""Where job completions reach other services: SNS for notifications, S3 for select output.

A real botocore client carries them (never the double's own door), when a service is there to
take them: moto's ``mock_aws`` active in this process (either order of activation), or an
endpoint configured with ``sns_endpoint_url`` / ``s3_endpoint_url`` (a moto server, say).
Without one, nothing leaves the double: ``glacier.notifications`` and ``glacier.s3_objects``
record everything either way. As the service does, a topic that does not exist takes the
message silently; a select job whose output cannot be written fails with the S3 error.
"""

from __future__ import annotations

import contextlib
import functools
import json
import urllib.parse
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ._compat.moto import mock_active

if TYPE_CHECKING:
    from .config import GlacierConfig
    from .service.select.request import SelectRequest

#: the credentials the outbound clients sign with (moto and local servers accept any)
CREDENTIALS = {"aws_access_key_id": "AKIAPYTESTGLACIER000", "aws_secret_access_key": "glacier"}
#: OutputLocation grant permissions -> put_object's grant arguments (objects take no WRITE)
GRANTS = {
    "FULL_CONTROL": "GrantFullControl",
    "READ": "GrantRead",
    "READ_ACP": "GrantReadACP",
    "WRITE_ACP": "GrantWriteACP",
}
GRANTEE_KEYS = {"CanonicalUser": ("id", "ID"), "Group": ("uri", "URI")}


class Outbound:
    """The SNS and S3 side of one double."""

    def __init__(self, config: GlacierConfig) -> None:
        self._endpoints = {"sns": config.sns_endpoint_url, "s3": config.s3_endpoint_url}
        self._region = config.region
        self._clients: dict[tuple[str, str], Any] = {}

    def _client(self, service: str, region: str) -> Any:
        endpoint = self._endpoints[service]
        if endpoint is None and not mock_active():
            return None
        key = (service, region)
        client = self._clients.get(key)
        if client is None:
            client = self._clients[key] = shared_session().create_client(
                service, region_name=region, endpoint_url=endpoint, **CREDENTIALS
            )
        return client

    def publish(self, topic: str, message: Mapping[str, Any]) -> None:
        """Send Glacier's message (the job's DescribeJob JSON) to ``topic``."""
        parts = topic.split(":")
        client = self._client("sns", parts[3] if len(parts) > 3 else self._region)
        if client is None:
            return
        from botocore.exceptions import ClientError

        # the service does not check the topic: a failed delivery is silent
        with contextlib.suppress(ClientError):
            client.publish(TopicArn=topic, Message=json.dumps(message))

    def put_select_output(self, select: SelectRequest, objects: Mapping[str, bytes]) -> str | None:
        """Write one select job's objects to its bucket; the job's failure message, if any."""
        client = self._client("s3", self._region)
        if client is None:
            return None
        from botocore.exceptions import ClientError

        options = _put_options(select.output_location.get("S3", {}))
        for url, body in objects.items():
            bucket, _, key = url.removeprefix("s3://").partition("/")
            try:
                client.put_object(Bucket=bucket, Key=key, Body=body, **options)
            except ClientError as error:
                details = error.response.get("Error", {})
                return (
                    f"Unable to write the job output to s3://{bucket}/{key}: "
                    f"{details.get('Code', 'Error')}: {details.get('Message', '')}".rstrip(": ")
                )
        return None


@functools.cache
def shared_session() -> Any:
    """One botocore session for every client the package makes (glacier.client(), the
    outbound SNS and S3 clients): its loader parses each service model once."""
    import botocore.session

    return botocore.session.Session()


def _put_options(s3: Mapping[str, Any]) -> dict[str, Any]:
    """OutputLocation.S3's storage class, encryption, ACL, tagging and metadata, as
    ``put_object`` takes them."""
    options: dict[str, Any] = {}
    if "StorageClass" in s3:
        options["StorageClass"] = s3["StorageClass"]
    encryption = s3.get("Encryption") or {}
    if "EncryptionType" in encryption:
        options["ServerSideEncryption"] = encryption["EncryptionType"]
        if "KMSKeyId" in encryption:
            options["SSEKMSKeyId"] = encryption["KMSKeyId"]
        if "KMSContext" in encryption:
            options["SSEKMSEncryptionContext"] = encryption["KMSContext"]
    if "CannedACL" in s3:
        options["ACL"] = s3["CannedACL"]
    grants: dict[str, list[str]] = {}
    for grant in s3.get("AccessControlList") or ():
        grantee = grant.get("Grantee", {})
        name, field = GRANTEE_KEYS.get(grantee.get("Type", ""), ("emailAddress", "EmailAddress"))
        argument = GRANTS.get(grant.get("Permission", ""))
        if argument is not None and field in grantee:
            grants.setdefault(argument, []).append(f'{name}="{grantee[field]}"')
    options.update({argument: ", ".join(values) for argument, values in grants.items()})
    if s3.get("Tagging"):
        options["Tagging"] = urllib.parse.urlencode(s3["Tagging"])
    if s3.get("UserMetadata"):
        options["Metadata"] = dict(s3["UserMetadata"])
    return options
