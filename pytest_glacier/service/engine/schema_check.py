"""A fast yes/no check for the JSON Schema subset our request schemas use.

jsonschema costs about 60 µs to accept a three-member InitiateJob body, most of it building
validator objects per keyword. Valid bodies are the common case, so each schema is also
compiled into nested closures that only answer "valid or not"; jsonschema still decides
every refusal and its message (``schemas.check`` calls it whenever this says no). A schema
using a keyword outside the subset compiles to ``None`` and is left to jsonschema alone.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

Check = Callable[[Any], bool]

#: keywords that only annotate
_ANNOTATIONS = frozenset({"$schema", "$id", "title", "description", "x-message"})


class Unsupported(Exception):
    """The schema uses a keyword this compiler does not know."""


def compile_schema(schema: Any) -> Check | None:
    """A predicate equivalent to the schema's validity, or None when it cannot be built."""
    try:
        return _compile(schema)
    except Unsupported:
        return None


def _is_type(name: str, value: Any) -> bool:
    if name == "string":
        return isinstance(value, str)
    if name == "object":
        return isinstance(value, dict)
    if name == "array":
        return isinstance(value, list)
    if name == "boolean":
        return isinstance(value, bool)
    if name == "null":
        return value is None
    if isinstance(value, bool):
        return False
    if name == "integer":
        return isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    if name == "number":
        return isinstance(value, int | float)
    raise Unsupported(name)


def json_equal(a: Any, b: Any) -> bool:
    """JSON equality: booleans are not numbers, 1 equals 1.0, containers compare deeply."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    return type(a) is type(b) and a == b


def _compile(schema: Any) -> Check:
    if schema is True or schema == {}:
        return lambda value: True
    if schema is False:
        return lambda value: False
    if not isinstance(schema, Mapping):
        raise Unsupported(schema)
    checks = [_keyword(schema, key, argument) for key, argument in schema.items()]
    conditional = _conditional(schema)
    if conditional is not None:
        checks.append(conditional)
    return _every([check for check in checks if check is not None])


def _every(checks: list[Check]) -> Check:
    """All of ``checks``, as one call (a plain loop: this runs on every request body)."""
    if len(checks) == 1:
        return checks[0]

    def check(value: Any) -> bool:
        for one in checks:  # noqa: SIM110 - a loop is faster than all() over a generator
            if not one(value):
                return False
        return True

    return check


def _conditional(schema: Mapping[str, Any]) -> Check | None:
    if "if" not in schema:
        return None
    condition = _compile(schema["if"])
    then = _compile(schema.get("then", True))
    otherwise = _compile(schema.get("else", True))
    return lambda value: then(value) if condition(value) else otherwise(value)


def _keyword(schema: Mapping[str, Any], key: str, argument: Any) -> Check | None:
    if key in _ANNOTATIONS or key in ("if", "then", "else"):
        return None
    build = _KEYWORDS.get(key)
    if build is None:
        raise Unsupported(key)
    return build(argument, schema)


def _type(argument: Any, _: Mapping[str, Any]) -> Check:
    names = [argument] if isinstance(argument, str) else list(argument)
    for name in names:
        _is_type(name, None)  # an unknown type name is Unsupported at compile time
    if names == ["string"]:  # most members are strings: one isinstance, no loop
        return lambda value: isinstance(value, str)
    if names == ["object"]:
        return lambda value: isinstance(value, dict)
    return lambda value: any(_is_type(name, value) for name in names)


def _properties(argument: Mapping[str, Any], _: Mapping[str, Any]) -> Check:
    members = {name: _compile(sub) for name, sub in argument.items()}

    def check(value: Any) -> bool:
        if isinstance(value, dict):
            for name, item in value.items():
                sub = members.get(name)
                if sub is not None and not sub(item):
                    return False
        return True

    return check


def _additional(argument: Any, schema: Mapping[str, Any]) -> Check:
    if "patternProperties" in schema:
        raise Unsupported("patternProperties")
    known = frozenset(schema.get("properties", ()))
    sub = _compile(argument)

    def check(value: Any) -> bool:
        if not isinstance(value, dict):
            return True
        return all(sub(value[name]) for name in value if name not in known)

    return check


def _required(argument: list[str], _: Mapping[str, Any]) -> Check:
    if len(argument) == 1:
        (name,) = argument
        return lambda value: not isinstance(value, dict) or name in value
    return lambda value: not isinstance(value, dict) or all(name in value for name in argument)


def _all_of(argument: list[Any], _: Mapping[str, Any]) -> Check:
    return _every([_compile(sub) for sub in argument])


def _any_of(argument: list[Any], _: Mapping[str, Any]) -> Check:
    subs = [_compile(sub) for sub in argument]
    return lambda value: any(sub(value) for sub in subs)


def _not(argument: Any, _: Mapping[str, Any]) -> Check:
    if argument is True or argument == {}:  # "not": {} forbids a member outright
        return lambda value: False
    sub = _compile(argument)
    return lambda value: not sub(value)


def _const(argument: Any, _: Mapping[str, Any]) -> Check:
    if isinstance(argument, str):
        return lambda value: value == argument and isinstance(value, str)
    return lambda value: json_equal(value, argument)


def _enum(argument: list[Any], _: Mapping[str, Any]) -> Check:
    if all(isinstance(option, str) for option in argument):
        options = frozenset(argument)
        return lambda value: isinstance(value, str) and value in options
    return lambda value: any(json_equal(value, option) for option in argument)


def _items(argument: Any, _: Mapping[str, Any]) -> Check:
    if isinstance(argument, list):
        raise Unsupported("items as a list")  # tuple form: prefixItems since 2020-12
    sub = _compile(argument)
    return lambda value: not isinstance(value, list) or all(sub(item) for item in value)


Builder = Callable[[Any, Mapping[str, Any]], Check]


def _bound(kind: Any, measure: Callable[[Any], Any], at_least: bool) -> Builder:
    """A builder for min/max keywords over values of ``kind`` (others are unconstrained)."""

    def build(limit: Any, _: Mapping[str, Any]) -> Check:
        def check(value: Any) -> bool:
            if not isinstance(value, kind) or isinstance(value, bool):
                return True
            size = measure(value)
            return bool(size >= limit if at_least else size <= limit)

        return check

    return build


def _identity(value: Any) -> Any:
    return value


_KEYWORDS: dict[str, Builder] = {
    "type": _type,
    "properties": _properties,
    "additionalProperties": _additional,
    "required": _required,
    "allOf": _all_of,
    "anyOf": _any_of,
    "not": _not,
    "const": _const,
    "enum": _enum,
    "items": _items,
    "minItems": _bound(list, len, at_least=True),
    "maxItems": _bound(list, len, at_least=False),
    "minLength": _bound(str, len, at_least=True),
    "maxLength": _bound(str, len, at_least=False),
    "minimum": _bound(int | float, _identity, at_least=True),
    "maximum": _bound(int | float, _identity, at_least=False),
}
