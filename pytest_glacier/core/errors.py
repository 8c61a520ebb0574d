"""The one error type of the service, rendered as the Glacier JSON error body."""

from __future__ import annotations

import json

from .http import Response

#: code -> (HTTP status, error type), from the service's error table.
ERROR_CODES: dict[str, tuple[int, str]] = {
    "AccessDeniedException": (403, "Client"),
    "BadRequest": (400, "Client"),
    "ExpiredTokenException": (403, "Client"),
    "InsufficientCapacityException": (503, "Server"),
    "InvalidParameterValueException": (400, "Client"),
    "InvalidSignatureException": (403, "Client"),
    "LimitExceededException": (400, "Client"),
    "MissingAuthenticationTokenException": (400, "Client"),
    "MissingParameterValueException": (400, "Client"),
    "NoLongerSupportedException": (400, "Client"),
    "PolicyEnforcedException": (400, "Client"),
    "RequestTimeoutException": (408, "Client"),
    "ResourceNotFoundException": (404, "Client"),
    "SerializationException": (400, "Client"),
    "ServiceUnavailableException": (500, "Server"),
    "ThrottlingException": (400, "Client"),
    "UnrecognizedClientException": (400, "Client"),
}

#: each code's message when nothing more precise is known: the service's own where known
#: ([R]); injected faults without a message and the service's own refusals both use it
DEFAULT_MESSAGES: dict[str, str] = {
    "AccessDeniedException": "User is not authorized to perform this operation.",
    "BadRequest": "The request could not be processed.",
    "ExpiredTokenException": "The security token included in the request is expired.",
    "InsufficientCapacityException": (
        "There is not enough capacity to process this Expedited retrieval request. "
        "Try again later or purchase provisioned capacity."
    ),
    "InvalidParameterValueException": "A parameter of the request is not valid.",
    "InvalidSignatureException": (
        "The request signature we calculated does not match the signature you provided."
    ),
    "LimitExceededException": "The request exceeds a limit of the service.",
    "MissingAuthenticationTokenException": "Missing Authentication Token",
    "MissingParameterValueException": "A required parameter is missing.",
    "NoLongerSupportedException": (
        "This API is no longer supported for new accounts. "
        "Please use Amazon S3 Glacier storage classes instead."
    ),
    "PolicyEnforcedException": "InitiateJob request denied by current data retrieval policy.",
    "RequestTimeoutException": "The request timed out while the service received the body.",
    "ResourceNotFoundException": "The requested resource was not found.",
    "SerializationException": "The request body could not be parsed.",
    "ServiceUnavailableException": "Service is temporarily unavailable. Try again later.",
    "ThrottlingException": "Rate exceeded",
    "UnrecognizedClientException": "The security token included in the request is invalid.",
}


class GlacierError(Exception):
    """A service error: the handler raises it, the dispatcher renders it."""

    def __init__(
        self, code: str, message: str, *, status: int | None = None, type: str | None = None
    ) -> None:
        default_status, default_type = ERROR_CODES.get(code, (400, "Client"))
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = default_status if status is None else status
        self.type = default_type if type is None else type

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild, (self.code, self.message, self.status, self.type))

    def body(self) -> bytes:
        return json.dumps({"code": self.code, "message": self.message, "type": self.type}).encode()


def _rebuild(code: str, message: str, status: int, type: str) -> GlacierError:
    return GlacierError(code, message, status=status, type=type)


def invalid(message: str) -> GlacierError:
    return GlacierError("InvalidParameterValueException", message)


def missing(what: str) -> GlacierError:
    return GlacierError("MissingParameterValueException", f"Required parameter missing: {what}")


def not_found(message: str) -> GlacierError:
    return GlacierError("ResourceNotFoundException", message)


def error_response(error: GlacierError) -> Response:
    """The Glacier JSON error response for ``error``."""
    return Response(error.status, {"content-type": "application/json"}, error.body(), error.code)
