"""The 33 routes of the Glacier vault API and an O(path length) resolver over a segment trie.

Templates are declarative; ``{name}`` marks a path parameter. Literal children win over the
parameter child, so a vault literally named ``jobs`` still resolves (the literal words only
appear after ``{vaultName}``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import GlacierError, missing

V = "/{accountId}/vaults/{vaultName}"

#: (operation, method, path template, required query value or None, success status)
ROUTES: tuple[tuple[str, str, str, tuple[str, str] | None, int], ...] = (
    ("ListVaults", "GET", "/{accountId}/vaults", None, 200),
    ("CreateVault", "PUT", V, None, 201),
    ("DescribeVault", "GET", V, None, 200),
    ("DeleteVault", "DELETE", V, None, 204),
    ("UploadArchive", "POST", V + "/archives", None, 201),
    ("DeleteArchive", "DELETE", V + "/archives/{archiveId}", None, 204),
    ("InitiateMultipartUpload", "POST", V + "/multipart-uploads", None, 201),
    ("ListMultipartUploads", "GET", V + "/multipart-uploads", None, 200),
    ("UploadMultipartPart", "PUT", V + "/multipart-uploads/{uploadId}", None, 204),
    ("CompleteMultipartUpload", "POST", V + "/multipart-uploads/{uploadId}", None, 201),
    ("AbortMultipartUpload", "DELETE", V + "/multipart-uploads/{uploadId}", None, 204),
    ("ListParts", "GET", V + "/multipart-uploads/{uploadId}", None, 200),
    ("InitiateJob", "POST", V + "/jobs", None, 202),
    ("ListJobs", "GET", V + "/jobs", None, 200),
    ("DescribeJob", "GET", V + "/jobs/{jobId}", None, 200),
    ("GetJobOutput", "GET", V + "/jobs/{jobId}/output", None, 200),
    ("SetVaultNotifications", "PUT", V + "/notification-configuration", None, 204),
    ("GetVaultNotifications", "GET", V + "/notification-configuration", None, 200),
    ("DeleteVaultNotifications", "DELETE", V + "/notification-configuration", None, 204),
    ("SetVaultAccessPolicy", "PUT", V + "/access-policy", None, 204),
    ("GetVaultAccessPolicy", "GET", V + "/access-policy", None, 200),
    ("DeleteVaultAccessPolicy", "DELETE", V + "/access-policy", None, 204),
    ("InitiateVaultLock", "POST", V + "/lock-policy", None, 201),
    ("GetVaultLock", "GET", V + "/lock-policy", None, 200),
    ("AbortVaultLock", "DELETE", V + "/lock-policy", None, 204),
    ("CompleteVaultLock", "POST", V + "/lock-policy/{lockId}", None, 204),
    ("AddTagsToVault", "POST", V + "/tags", ("operation", "add"), 204),
    ("RemoveTagsFromVault", "POST", V + "/tags", ("operation", "remove"), 204),
    ("ListTagsForVault", "GET", V + "/tags", None, 200),
    ("GetDataRetrievalPolicy", "GET", "/{accountId}/policies/data-retrieval", None, 200),
    ("SetDataRetrievalPolicy", "PUT", "/{accountId}/policies/data-retrieval", None, 204),
    ("PurchaseProvisionedCapacity", "POST", "/{accountId}/provisioned-capacity", None, 201),
    ("ListProvisionedCapacity", "GET", "/{accountId}/provisioned-capacity", None, 200),
)

OPERATIONS: frozenset[str] = frozenset(r[0] for r in ROUTES)
SUCCESS_STATUS: dict[str, int] = {r[0]: r[4] for r in ROUTES}


@dataclass(frozen=True)
class Route:
    operation: str
    params: dict[str, str]


@dataclass
class _Node:
    literals: dict[str, _Node] = field(default_factory=dict)
    param: tuple[str, _Node] | None = None
    #: method -> list of (query discriminator, operation)
    methods: dict[str, list[tuple[tuple[str, str] | None, str]]] = field(default_factory=dict)


def _build() -> _Node:
    root = _Node()
    for operation, method, template, query, _ in ROUTES:
        node = root
        for part in template.strip("/").split("/"):
            if part.startswith("{"):
                if node.param is None:
                    node.param = (part[1:-1], _Node())
                node = node.param[1]
            else:
                node = node.literals.setdefault(part, _Node())
        node.methods.setdefault(method, []).append((query, operation))
    return root


_ROOT = _build()


def resolve(method: str, segments: list[str], query: dict[str, str]) -> Route:
    """Find the operation for a request, or raise an AWS-shaped error saying why none fits."""
    node, params = _ROOT, {}
    for segment in segments:
        child = node.literals.get(segment)
        if child is None and node.param is not None:
            if not segment:  # botocore sends an empty URI parameter as an empty segment
                raise missing(node.param[0])
            params[node.param[0]] = segment
            child = node.param[1]
        if child is None:
            raise _no_route(method, segments)
        node = child
    candidates = node.methods.get(method)
    if not candidates:
        if not node.methods:
            raise _no_route(method, segments)
        allowed = ", ".join(sorted(node.methods))
        raise GlacierError(
            "BadRequest",
            f"Method {method} is not allowed on /{'/'.join(segments)}; allowed: {allowed}",
        )
    for discriminator, operation in candidates:
        if discriminator is None or query.get(discriminator[0]) == discriminator[1]:
            return Route(operation, params)
    wanted = " or ".join(f"{d[0]}={d[1]}" for d, _ in candidates if d)
    raise GlacierError(
        "InvalidParameterValueException", f"Invalid operation query parameter: expected {wanted}"
    )


def _no_route(method: str, segments: list[str]) -> GlacierError:
    return GlacierError(
        "BadRequest", f"No Glacier operation matches {method} /{'/'.join(segments)}"
    )


#: operations whose body is JSON (its members are recorded in ``Call.params``)
JSON_OPERATIONS = frozenset(
    {
        "InitiateJob",
        "SetVaultNotifications",
        "SetVaultAccessPolicy",
        "InitiateVaultLock",
        "AddTagsToVault",
        "RemoveTagsFromVault",
        "SetDataRetrievalPolicy",
    }
)


def operation_has_json(operation: str) -> bool:
    return operation in JSON_OPERATIONS
