"""JSON request-body validation against the JSON Schema documents in ``pytest_glacier/schemas``.

Valid bodies are the common case: each schema is compiled once per process, on first use,
by fastjsonschema into a plain function that accepts them in a few microseconds. Only when it
refuses a body is jsonschema asked for the first failure, which becomes the service's error:
a missing required member is a MissingParameterValueException (``Required parameter missing:
<name>``); anything else is an InvalidParameterValueException whose text is the ``x-message``
of the failing schema node. (The schema files themselves are checked against the metaschema
by the test suite, so the yes path never imports jsonschema.)
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import Any

from ...core.errors import invalid, missing


@cache
def schema(name: str) -> Any:
    """The parsed schema document ``schemas/<name>.json``."""
    text = resources.files("pytest_glacier").joinpath(f"schemas/{name}.json").read_text("utf-8")
    return json.loads(text)


@cache
def _accepts(name: str) -> Callable[[Any], bool]:
    """Schema ``name``'s yes-or-no check, compiled on first use (a few ms: once per process,
    and only for the schemas a run's requests need)."""
    import fastjsonschema

    validate = fastjsonschema.compile(schema(name))
    refused = fastjsonschema.JsonSchemaException

    def accepts(body: Any) -> bool:
        try:
            validate(body)
        except refused:
            return False
        return True

    return accepts


@cache
def validator(name: str) -> Any:
    """jsonschema's validator of schema ``name``: it words the refusals."""
    from jsonschema import Draft202012Validator

    return Draft202012Validator(schema(name))


def is_valid(name: str, body: Any) -> bool:
    """Whether ``body`` follows schema ``name`` (the fast path alone)."""
    return _accepts(name)(body)


def check(name: str, body: Any) -> None:
    """Raise the service's error for the first way ``body`` breaks schema ``name``."""
    if _accepts(name)(body):
        return
    error = next(iter(validator(name).iter_errors(body)), None)
    if error is None:
        return
    if error.validator == "required":
        absent = next(key for key in error.validator_value if key not in error.instance)
        raise missing(absent)
    node = error.schema if isinstance(error.schema, dict) else {}
    path = "/".join(str(part) for part in error.absolute_path) or "body"
    template = node.get("x-message", f"Invalid value for {path}: {{value}}")
    raise invalid(template.format(value=render(error.instance)))


def render(value: Any) -> str:
    """A value as an error message shows it: strings bare, anything else as JSON."""
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value)
    except RecursionError:
        return "(a value nested too deeply to show)"


#: members whose value is a free-form map: their entries are values, not members, so a null
#: entry stays (and is refused as a value) where a null member is dropped
MAP_MEMBERS = frozenset({"Tags", "Tagging", "UserMetadata"})


def without_nulls(value: Any) -> Any:
    """A JSON body as the service reads it: a member whose value is ``null`` is absent.

    The service's JSON reader treats ``"Description": null`` like a missing ``Description``
    (the REST reference's own examples send such members), so an optional member may be null
    and a required one that is null is missing. Nested objects are read the same way; items
    of arrays and entries of free-form maps (``Tags``, ``Tagging``, ``UserMetadata``) are
    values and are kept as sent.
    """
    if isinstance(value, dict):
        return {
            key: member if key in MAP_MEMBERS else without_nulls(member)
            for key, member in value.items()
            if member is not None
        }
    if isinstance(value, list):
        return [item if item is None else without_nulls(item) for item in value]
    return value
