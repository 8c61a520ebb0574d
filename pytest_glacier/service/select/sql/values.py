"""SQL values: their types and text, casts, comparison, arithmetic and string helpers."""

from __future__ import annotations

import datetime as dt
import math
import operator
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation, localcontext
from typing import Any

from .errors import SelectRuntimeError

Value = bool | int | float | Decimal | str | dt.datetime | None

INT_MIN, INT_MAX = -(2**63), 2**63 - 1
DECIMAL_PRECISION = 38
OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "%": operator.mod,
}


def _is_number(value: Value) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def type_name(value: Value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, Decimal):
        return "decimal"
    if isinstance(value, str):
        return "string"
    return "timestamp"


def render(value: Value) -> str:
    """A value as a CSV field: null is empty, booleans ``true``/``false``, timestamps ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _checked_int(value: int) -> int:
    if not INT_MIN <= value <= INT_MAX:
        raise SelectRuntimeError("IntegerOverflow", f"{value} does not fit in a 64-bit INT")
    return value


def _negate(value: Value) -> Value:
    assert isinstance(value, int | float | Decimal)
    result = -value
    return _checked_int(result) if isinstance(result, int) else result


INT_TEXT = re.compile(r"[+-]?[0-9]+")
DECIMAL_TEXT = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
TIMESTAMP_TEXT = re.compile(
    r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?"
    r"(T(?:([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.([0-9]+))?)?(Z|[+-][0-9]{2}:[0-9]{2}))?)?"
)


def _cast(value: Value, target: str) -> Value:
    if value is None:
        return None
    try:
        return CASTS[target](value)
    except SelectRuntimeError:
        raise
    except (ValueError, ArithmeticError, OverflowError):
        pass
    raise SelectRuntimeError(
        "CastFailed", f"cannot cast {type_name(value)} {render(value)!r} to {target}"
    )


def _to_int(value: Value) -> int:
    if isinstance(value, str):
        if not INT_TEXT.fullmatch(value):
            raise ValueError(value)
        return _checked_int(int(value))
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float | Decimal):
        return _checked_int(int(value))
    raise ValueError(value)


def _to_float(value: Value) -> float:
    if isinstance(value, str):
        if not DECIMAL_TEXT.fullmatch(value):
            raise ValueError(value)
        return float(value)
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return float(value)
    raise ValueError(value)


def _to_decimal(value: Value) -> Decimal:
    if isinstance(value, str):
        if not DECIMAL_TEXT.fullmatch(value):
            raise ValueError(value)
        return Decimal(value)
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(value)
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return Decimal(value)
    raise ValueError(value)


def _to_bool(value: Value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    if _is_number(value):
        return value != 0
    raise ValueError(value)


def _to_string(value: Value) -> str:
    return render(value)


def _to_timestamp(value: Value) -> dt.datetime:
    """W3C date-time text; year or month precision must end in ``T`` (as Ion requires)."""
    if isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str):
        raise ValueError(value)
    match = TIMESTAMP_TEXT.fullmatch(value)
    if match is None:
        raise ValueError(value)
    year, month, day, t_part, hour, minute, second, fraction, offset = match.groups()
    if day is None and not t_part:
        raise ValueError(value)
    tz = dt.timezone.utc
    if offset and offset != "Z":
        sign = 1 if offset[0] == "+" else -1
        tz = dt.timezone(sign * dt.timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6])))
    return dt.datetime(
        int(year),
        int(month or 1),
        int(day or 1),
        int(hour or 0),
        int(minute or 0),
        int(second or 0),
        int((fraction or "0")[:6].ljust(6, "0")),
        tzinfo=tz,
    )


CASTS: dict[str, Callable[[Any], Value]] = {
    "INT": _to_int,
    "FLOAT": _to_float,
    "DECIMAL": _to_decimal,
    "BOOL": _to_bool,
    "STRING": _to_string,
    "TIMESTAMP": _to_timestamp,
}


def _as_number(text: str) -> int | Decimal | None:
    """A string that reads as a number (``INT`` or ``DECIMAL`` text exactly, no spaces)."""
    if INT_TEXT.fullmatch(text):
        return int(text)
    if DECIMAL_TEXT.fullmatch(text):
        return Decimal(text)
    return None


def _numeric_pair(left: Value, right: Value) -> tuple[Value, Value]:
    """A string beside a number is read as a number when it reads as one (the seed's
    ``WHERE s._3 > 100`` on CSV fields, which are strings); otherwise both are kept."""
    if isinstance(left, str) and _is_number(right):
        number = _as_number(left)
        return (left if number is None else number), right
    if isinstance(right, str) and _is_number(left):
        number = _as_number(right)
        return left, (right if number is None else number)
    return left, right


def _equal(left: Value, right: Value) -> bool | None:
    """SQL equality: null is unknown; a string beside a number compares as a number when it
    reads as one; values of unrelated types are simply not equal."""
    if left is None or right is None:
        return None
    left, right = _numeric_pair(left, right)
    if _is_number(left) and _is_number(right):
        return bool(left == right)
    if type(left) is not type(right):
        return False
    return bool(left == right)


def _order(op: str, left: Value, right: Value) -> bool | None:
    if left is None or right is None:
        return None
    left, right = _numeric_pair(left, right)
    comparable = (_is_number(left) and _is_number(right)) or (
        type(left) is type(right) and isinstance(left, str | bool | dt.datetime)
    )
    if not comparable:
        raise SelectRuntimeError(
            "InvalidComparison",
            f"cannot compare {type_name(left)} {render(left)!r} with {type_name(right)} "
            f"{render(right)!r} using {op}; a CSV field compares with a number only when "
            "it reads as one (else CAST it)",
        )
    a: Any = left
    b: Any = right
    if op == "<":
        return bool(a < b)
    if op == ">":
        return bool(a > b)
    if op == "<=":
        return bool(a <= b)
    return bool(a >= b)


def _arithmetic(op: str, left: Value, right: Value) -> Value:
    if left is None or right is None:
        return None
    if not (_is_number(left) and _is_number(right)):
        raise SelectRuntimeError(
            "InvalidArithmetic",
            f"cannot compute {type_name(left)} {render(left)!r} {op} {type_name(right)} "
            f"{render(right)!r}; CSV fields are strings until CAST",
        )
    a: Any = left
    b: Any = right
    if isinstance(a, float) or isinstance(b, float):
        a, b = float(a), float(b)
    elif isinstance(a, Decimal) or isinstance(b, Decimal):
        a, b = Decimal(a), Decimal(b)
    if op in "/%" and b == 0:
        raise SelectRuntimeError("DivisionByZero", f"{render(left)} {op} 0")
    if isinstance(a, int):
        if op in "/%":
            # SQL integer division truncates toward zero; the remainder takes a's sign
            quotient = abs(a) // abs(b) * (1 if (a < 0) == (b < 0) else -1)
            return _checked_int(quotient if op == "/" else a - b * quotient)
        return _checked_int(OPERATORS[op](a, b))
    if isinstance(a, Decimal):
        with localcontext() as context:
            context.prec = DECIMAL_PRECISION
            try:
                result: Value = OPERATORS[op](a, b)
            except InvalidOperation:
                raise SelectRuntimeError(
                    "InvalidArithmetic", f"cannot compute {render(left)} {op} {render(right)}"
                ) from None
            return result
    try:
        number: float = math.fmod(a, b) if op == "%" else OPERATORS[op](a, b)
    except OverflowError:
        raise SelectRuntimeError(
            "InvalidArithmetic", f"{render(left)} {op} {render(right)} overflows FLOAT"
        ) from None
    return number


def _truth(value: Value, where: str) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raise SelectRuntimeError(
        "InvalidBoolean", f"{where} needs a boolean, got {type_name(value)} {render(value)!r}"
    )


def _string(value: Value, where: str) -> str:
    if isinstance(value, str):
        return value
    raise SelectRuntimeError(
        "InvalidArgument", f"{where} needs a string, got {type_name(value)} {render(value)!r}"
    )


def _integer(value: Value, where: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise SelectRuntimeError(
        "InvalidArgument", f"{where} needs an INT, got {type_name(value)} {render(value)!r}"
    )


def like_regex(pattern: str, escape: str | None) -> re.Pattern[str]:
    """The regular expression of a LIKE pattern (``%`` any run, ``_`` any one character)."""
    if escape is not None and len(escape) != 1:
        raise SelectRuntimeError(
            "InvalidEscape", f"the LIKE escape must be one character, got {escape!r}"
        )
    parts = []
    chars = iter(pattern)
    for char in chars:
        if char == escape:
            following = next(chars, None)
            if following is None:
                raise SelectRuntimeError(
                    "InvalidEscape", f"the LIKE pattern {pattern!r} ends with its escape"
                )
            parts.append(re.escape(following))
        elif char == "%":
            parts.append(".*")
        elif char == "_":
            parts.append(".")
        else:
            parts.append(re.escape(char))
    return re.compile("".join(parts), re.S)


def _substring(text: str, start: int, length: int | None) -> str:
    """1-based; a start before 1 shortens the length by as much (the service's rule)."""
    if length is None:
        return text[max(start, 1) - 1 :]
    if length < 0:
        raise SelectRuntimeError("InvalidArgument", f"SUBSTRING length {length} is negative")
    end = start + length - 1
    start = max(start, 1)
    return text[start - 1 : end] if end >= start else ""


def _trim(text: str, mode: str, chars: str) -> str:
    if mode == "LEADING":
        return text.lstrip(chars)
    if mode == "TRAILING":
        return text.rstrip(chars)
    return text.strip(chars)
