"""JSON request-body validation against the jsonschema documents in ``pytest_glacier/schemas``.

Each schema is read from package data and compiled on first use, once per process: for
jsonschema, and into a fast yes/no predicate (``schema_check``) that lets valid bodies through
without jsonschema's per-keyword cost. The first
failure becomes the service's error: a missing required member is a
MissingParameterValueException (``Required parameter missing: <name>``); anything else is an
InvalidParameterValueException whose text is the ``x-message`` of the failing schema node.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from ...core.errors import invalid, missing
from .schema_check import Check, compile_schema


@cache
def _schema(name: str) -> Any:
    text = resources.files("pytest_glacier").joinpath(f"schemas/{name}.json").read_text("utf-8")
    return json.loads(text)


@cache
def _validator(name: str) -> Any:
    from jsonschema import Draft202012Validator

    schema = _schema(name)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


@cache
def _fast_check(name: str) -> Check | None:
    _validator(name)  # the schema itself is checked once, whichever path answers
    return compile_schema(_schema(name))


def check(name: str, body: Any) -> None:
    """Raise the service's error for the first way ``body`` breaks schema ``name``."""
    fast = _fast_check(name)
    if fast is not None and fast(body):
        return
    error = next(iter(_validator(name).iter_errors(body)), None)
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
