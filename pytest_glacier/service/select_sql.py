"""The SQL of S3 Glacier Select, for the double: tokenizer, parser and evaluator.

The subset the service documents (spec §8.7): ``SELECT * | expr [[AS] alias], …
FROM ARCHIVE|OBJECT [[AS] alias] [WHERE cond]`` over CSV records whose fields are strings
until CAST. ``parse`` runs at InitiateJob: anything it cannot read, or a feature Glacier
Select lacks (aggregates, GROUP BY, ORDER BY, JOIN, LIMIT, …), is a ``SelectSyntaxError``
there and then. ``compile_query`` binds column names to a header row and ``Program.run``
evaluates records; a problem with the data itself (a CAST that fails, a header name that is
not there) is a ``SelectRuntimeError``, which fails the job.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import operator
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation, localcontext
from typing import Any

Value = bool | int | float | Decimal | str | dt.datetime | None
Row = Sequence[str]
Eval = Callable[[Row], Value]

#: deeper expressions are refused at initiation, so neither parsing (about eight frames per
#: nesting level) nor evaluation (one or two per tree level) can exhaust the stack
MAX_NESTING = 40
MAX_DEPTH = 150
INT_MIN, INT_MAX = -(2**63), 2**63 - 1
DECIMAL_PRECISION = 38


class SelectSyntaxError(ValueError):
    """An expression the engine cannot accept; its text is the InitiateJob error message."""


class SelectRuntimeError(Exception):
    """A query that met data it cannot evaluate: the job fails with ``code`` and ``message``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        #: the 1-based archive record being evaluated, when known
        self.record: int | None = None


# -- tokens ------------------------------------------------------------------------------------
TOKEN = re.compile(
    r"""(?P<space>\s+)
      |(?P<num>(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)(?:[eE][+-]?[0-9]+)?)
      |(?P<str>'(?:[^']|'')*')
      |(?P<qname>"(?:[^"]|"")*")
      |(?P<name>[A-Za-z_][A-Za-z0-9_]*)
      |(?P<op><>|!=|<=|>=|[-+*/%=<>(),.;\[\]|])""",
    re.X,
)

#: words that cannot be column names or aliases unless double-quoted
_RESERVED_WORDS = (
    "ALL AND ANY AS ASC BETWEEN BOTH BY CASE CAST DESC DISTINCT ELSE END ESCAPE EXCEPT FALSE FOR "
    "FROM FULL GROUP HAVING IN INNER INTERSECT IS JOIN LEADING LEFT LIKE LIMIT MISSING NOT NULL "
    "OFFSET ON OR ORDER OUTER RIGHT SELECT THEN TRAILING TRUE UNION WHEN WHERE"
)
RESERVED = frozenset(_RESERVED_WORDS.split())
#: clauses Glacier Select does not have, named in the refusal
UNSUPPORTED_CLAUSES = {
    "GROUP": "GROUP BY",
    "ORDER": "ORDER BY",
    "HAVING": "HAVING",
    "LIMIT": "LIMIT",
    "OFFSET": "OFFSET",
    "UNION": "UNION",
    "INTERSECT": "INTERSECT",
    "EXCEPT": "EXCEPT",
    "JOIN": "JOIN",
    "INNER": "JOIN",
    "LEFT": "JOIN",
    "RIGHT": "JOIN",
    "FULL": "JOIN",
    "OUTER": "JOIN",
}
AGGREGATES = frozenset({"AVG", "COUNT", "MAX", "MIN", "SUM"})
#: functions of the service's SQL reference this engine does not evaluate
NOT_IMPLEMENTED = frozenset(
    {"DATE_ADD", "DATE_DIFF", "EXTRACT", "TO_STRING", "TO_TIMESTAMP", "UTCNOW"}
)
FUNCTION_ARITY = {
    "CHAR_LENGTH": (1, 1),
    "CHARACTER_LENGTH": (1, 1),
    "LOWER": (1, 1),
    "UPPER": (1, 1),
    "COALESCE": (1, None),
    "NULLIF": (2, 2),
    "SUBSTRING": (2, 3),
}
CAST_TYPES = {
    "BOOL": "BOOL",
    "BOOLEAN": "BOOL",
    "INT": "INT",
    "INTEGER": "INT",
    "STRING": "STRING",
    "FLOAT": "FLOAT",
    "DECIMAL": "DECIMAL",
    "NUMERIC": "DECIMAL",
    "TIMESTAMP": "TIMESTAMP",
}
POSITIONAL = re.compile(r"_([1-9][0-9]*)")
OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "%": operator.mod,
}


@dataclass(frozen=True)
class Token:
    kind: str  # num | str | name | qname | op | end
    text: str
    pos: int

    @property
    def word(self) -> str:
        """The keyword this token spells (upper case), or "" when it is not a bare word."""
        return self.text.upper() if self.kind == "name" else ""


def tokenize(text: str) -> list[Token]:
    tokens = []
    pos = 0
    while pos < len(text):
        match = TOKEN.match(text, pos)
        if match is None:
            char = text[pos]
            if char in "'\"":
                what = "string literal" if char == "'" else "quoted identifier"
                raise SelectSyntaxError(f"unterminated {what} at character {pos + 1}")
            raise SelectSyntaxError(f"unexpected character {char!r} at character {pos + 1}")
        kind = match.lastgroup or ""
        if kind != "space":
            tokens.append(Token(kind, match.group(), pos))
        pos = match.end()
    tokens.append(Token("end", "", len(text)))
    return tokens


# -- syntax tree -------------------------------------------------------------------------------
class Node:
    """An expression of the syntax tree."""


@dataclass(frozen=True)
class Literal(Node):
    value: Value


@dataclass(frozen=True)
class Column(Node):
    name: str
    quoted: bool
    qualifier: str | None = None

    @property
    def position(self) -> int | None:
        """0-based index for ``_N`` references."""
        match = None if self.quoted else POSITIONAL.fullmatch(self.name)
        return int(match[1]) - 1 if match else None


@dataclass(frozen=True)
class Unary(Node):
    op: str  # - + NOT
    operand: Node


@dataclass(frozen=True)
class Binary(Node):
    op: str  # + - * / % = <> < > <= >= AND OR
    left: Node
    right: Node


@dataclass(frozen=True)
class Between(Node):
    operand: Node
    low: Node
    high: Node
    negated: bool


@dataclass(frozen=True)
class In(Node):
    operand: Node
    items: tuple[Node, ...]
    negated: bool


@dataclass(frozen=True)
class Like(Node):
    operand: Node
    pattern: Node
    escape: Node | None
    negated: bool


@dataclass(frozen=True)
class IsNull(Node):
    operand: Node
    negated: bool


@dataclass(frozen=True)
class Call(Node):
    name: str
    args: tuple[Node, ...]


@dataclass(frozen=True)
class Cast(Node):
    operand: Node
    type: str


@dataclass(frozen=True)
class Trim(Node):
    mode: str  # LEADING | TRAILING | BOTH
    chars: Node | None
    operand: Node


@dataclass(frozen=True)
class Case(Node):
    subject: Node | None
    whens: tuple[tuple[Node, Node], ...]
    default: Node | None


@dataclass(frozen=True)
class Projection:
    expr: Node
    alias: str | None


@dataclass(frozen=True)
class Query:
    """A parsed expression: ``projections`` is None for ``SELECT *``."""

    projections: tuple[Projection, ...] | None
    source: str
    alias: str | None
    where: Node | None
    columns: tuple[Column, ...]

    @property
    def uses_header_names(self) -> bool:
        return any(c.position is None for c in self.columns)


# -- parser ------------------------------------------------------------------------------------
def parse(text: str) -> Query:
    """The query ``text`` spells, or a SelectSyntaxError saying what is wrong and where."""
    query = _Parser(tokenize(text)).query()
    for node in (*(p.expr for p in query.projections or ()), query.where):
        if node is not None and _depth(node) > MAX_DEPTH:
            raise SelectSyntaxError(f"the expression nests more than {MAX_DEPTH} levels deep")
    return query


def _depth(root: Node) -> int:
    """How deep the tree goes (iteratively, so a deep tree cannot exhaust the stack)."""
    deepest = 0
    stack = [(root, 1)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        for field in dataclasses.fields(node):  # type: ignore[arg-type]
            value = getattr(node, field.name)
            items = value if isinstance(value, tuple) else (value,)
            for item in items:
                for child in item if isinstance(item, tuple) else (item,):
                    if isinstance(child, Node):
                        stack.append((child, level + 1))
    return deepest


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.at = 0
        self.nesting = 0
        self.columns: list[Column] = []

    # helpers
    @property
    def token(self) -> Token:
        return self.tokens[self.at]

    def advance(self) -> Token:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def accept(self, word: str) -> bool:
        token = self.token
        if token.word == word or (token.kind == "op" and token.text == word):
            self.at += 1
            return True
        return False

    def expect(self, word: str) -> None:
        if not self.accept(word):
            raise self.error(f"expected {word}")

    def error(self, expected: str) -> SelectSyntaxError:
        token = self.token
        if token.kind == "end":
            return SelectSyntaxError(f"{expected}, but the expression ended")
        unsupported = self.unsupported(token)
        if unsupported is not None:
            return SelectSyntaxError(unsupported)
        return SelectSyntaxError(f"{expected}, found {token.text!r} at character {token.pos + 1}")

    def unsupported(self, token: Token) -> str | None:
        clause = UNSUPPORTED_CLAUSES.get(token.word)
        if clause is not None:
            return f"{clause} is not supported by Glacier Select"
        if token.word == "DISTINCT":
            return "SELECT DISTINCT is not supported by Glacier Select"
        if token.word == "SELECT":
            return "subqueries are not supported by Glacier Select"
        return None

    def nest(self) -> None:
        self.nesting += 1
        if self.nesting > MAX_NESTING:
            raise SelectSyntaxError(
                f"the expression nests more than {MAX_NESTING} levels of parentheses, "
                "functions or operators"
            )

    # statement
    def query(self) -> Query:
        self.expect("SELECT")
        if self.token.word == "DISTINCT":
            raise self.error("")
        projections: tuple[Projection, ...] | None
        if self.accept("*"):
            projections = None
        else:
            items = [self.projection()]
            while self.accept(","):
                items.append(self.projection())
            projections = tuple(items)
        self.expect("FROM")
        source = self.token.word
        if source == "S3OBJECT":
            raise SelectSyntaxError(
                "FROM S3Object is S3 Select; a Glacier Select expression reads FROM ARCHIVE "
                "or FROM OBJECT"
            )
        if source not in ("ARCHIVE", "OBJECT"):
            raise self.error("expected ARCHIVE or OBJECT after FROM")
        self.advance()
        alias = self.alias()
        where = None
        if self.accept("WHERE"):
            where = self.expr()
        if self.token.kind == "op" and self.token.text == ",":
            raise SelectSyntaxError(
                "JOIN is not supported by Glacier Select (FROM names a single archive)"
            )
        if self.token.kind != "end":
            raise self.error("expected the end of the expression")
        self.check_qualifiers(alias)
        return Query(projections, source, alias, where, tuple(self.columns))

    def projection(self) -> Projection:
        expr = self.expr()
        return Projection(expr, self.alias())

    def alias(self) -> str | None:
        explicit = self.accept("AS")
        token = self.token
        if token.kind == "qname":
            self.advance()
            return token.text[1:-1].replace('""', '"')
        if token.kind == "name" and token.word not in RESERVED:
            self.advance()
            return token.text
        if explicit:
            raise self.error("expected an alias after AS")
        return None

    def check_qualifiers(self, alias: str | None) -> None:
        for column in self.columns:
            if column.qualifier is None:
                continue
            if alias is None or column.qualifier.upper() != alias.upper():
                raise SelectSyntaxError(
                    f"{column.qualifier}.{column.name} refers to {column.qualifier!r}, which "
                    "is not the alias given in the FROM clause"
                )

    # expressions, loosest first
    def expr(self) -> Node:
        self.nest()
        try:
            node = self.conjunction()
            while self.accept("OR"):
                node = Binary("OR", node, self.conjunction())
            return node
        finally:
            self.nesting -= 1

    def conjunction(self) -> Node:
        node = self.negation()
        while self.accept("AND"):
            node = Binary("AND", node, self.negation())
        return node

    def negation(self) -> Node:
        if self.accept("NOT"):
            self.nest()
            try:
                return Unary("NOT", self.negation())
            finally:
                self.nesting -= 1
        return self.predicate()

    def predicate(self) -> Node:
        node = self.additive()
        token = self.token
        if token.kind == "op" and token.text in ("=", "<>", "!=", "<", ">", "<=", ">="):
            self.advance()
            op = "<>" if token.text == "!=" else token.text
            return Binary(op, node, self.additive())
        if self.accept("IS"):
            negated = self.accept("NOT")
            if not (self.accept("NULL") or self.accept("MISSING")):
                raise self.error("expected NULL after IS")
            return IsNull(node, negated)
        negated = self.accept("NOT")
        if self.accept("BETWEEN"):
            low = self.additive()
            self.expect("AND")
            return Between(node, low, self.additive(), negated)
        if self.accept("IN"):
            self.expect("(")
            if self.token.word == "SELECT":
                raise self.error("")
            items = [self.expr()]
            while self.accept(","):
                items.append(self.expr())
            self.expect(")")
            return In(node, tuple(items), negated)
        if self.accept("LIKE"):
            pattern = self.additive()
            escape = self.additive() if self.accept("ESCAPE") else None
            return Like(node, pattern, escape, negated)
        if negated:
            raise self.error("expected BETWEEN, IN or LIKE after NOT")
        return node

    def additive(self) -> Node:
        node = self.multiplicative()
        while self.token.kind == "op" and self.token.text in ("+", "-"):
            node = Binary(self.advance().text, node, self.multiplicative())
        return node

    def multiplicative(self) -> Node:
        node = self.unary()
        while self.token.kind == "op" and self.token.text in ("*", "/", "%"):
            node = Binary(self.advance().text, node, self.unary())
        return node

    def unary(self) -> Node:
        if self.token.kind == "op" and self.token.text in ("-", "+"):
            op = self.advance().text
            self.nest()
            try:
                operand = self.unary()
            finally:
                self.nesting -= 1
            if op == "-" and isinstance(operand, Literal) and _is_number(operand.value):
                return Literal(_negate(operand.value))
            return Unary(op, operand)
        return self.primary()

    def primary(self) -> Node:
        token = self.token
        if token.kind == "num":
            self.advance()
            return Literal(_number_literal(token.text))
        if token.kind == "str":
            self.advance()
            return Literal(token.text[1:-1].replace("''", "'"))
        if token.kind == "op" and token.text == "(":
            self.advance()
            if self.token.word == "SELECT":
                raise self.error("")
            node = self.expr()
            self.expect(")")
            return node
        if token.kind == "qname":
            self.advance()
            return self.column(token.text[1:-1].replace('""', '"'), quoted=True)
        if token.kind == "name":
            return self.word()
        raise self.error("expected a value, a column or a function")

    def word(self) -> Node:
        token = self.advance()
        word = token.word
        if word in ("TRUE", "FALSE"):
            return Literal(word == "TRUE")
        if word in ("NULL", "MISSING"):
            return Literal(None)
        if word == "CASE":
            return self.case()
        following = self.token
        if following.kind == "op" and following.text == "(":
            return self.call(token)
        if following.kind == "op" and following.text == ".":
            self.advance()
            if token.word in RESERVED:
                self.at -= 2
                raise self.error("expected a value, a column or a function")
            member = self.advance()
            if member.kind == "qname":
                return self.column(member.text[1:-1].replace('""', '"'), True, token.text)
            if member.kind == "name" and member.word not in RESERVED:
                return self.column(member.text, False, token.text)
            if member.kind == "op" and member.text == "*":
                raise SelectSyntaxError(
                    f"{token.text}.* is not supported; use SELECT * to return whole records"
                )
            self.at -= 1
            raise self.error("expected a column name after '.'")
        if word in RESERVED:
            self.at -= 1
            raise self.error("expected a value, a column or a function")
        return self.column(token.text, quoted=False)

    def column(self, name: str, quoted: bool, qualifier: str | None = None) -> Column:
        column = Column(name, quoted, qualifier)
        self.columns.append(column)
        return column

    def call(self, token: Token) -> Node:
        name = token.word
        self.expect("(")
        self.nest()
        try:
            if name == "CAST":
                return self.cast()
            if name == "TRIM":
                return self.trim()
            if name in AGGREGATES:
                raise SelectSyntaxError(
                    f"aggregate functions such as {name} are not supported by Glacier Select "
                    "(they are S3 Select only)"
                )
            if name in NOT_IMPLEMENTED:
                raise SelectSyntaxError(
                    f"the function {name} is not supported by pytest_glacier's select engine"
                )
            if name not in FUNCTION_ARITY:
                raise SelectSyntaxError(
                    f"unknown function {token.text} at character {token.pos + 1}"
                )
            args = self.substring_args() if name == "SUBSTRING" else self.arguments()
            low, high = FUNCTION_ARITY[name]
            if len(args) < low or (high is not None and len(args) > high):
                wanted = f"{low}" if low == high else f"{low} to {high or 'any number of'}"
                raise SelectSyntaxError(f"{name} takes {wanted} argument(s), {len(args)} given")
            return Call(name, tuple(args))
        finally:
            self.nesting -= 1

    def arguments(self) -> list[Node]:
        if self.accept(")"):
            return []
        args = [self.expr()]
        while self.accept(","):
            args.append(self.expr())
        self.expect(")")
        return args

    def substring_args(self) -> list[Node]:
        """``SUBSTRING(s FROM start [FOR length])`` or ``SUBSTRING(s, start[, length])``."""
        subject = self.expr()
        if not self.accept("FROM"):
            self.expect(",")
            return [subject, *self.arguments()]
        args = [subject, self.expr()]
        if self.accept("FOR"):
            args.append(self.expr())
        self.expect(")")
        return args

    def cast(self) -> Node:
        operand = self.expr()
        self.expect("AS")
        target = self.token.word
        if target not in CAST_TYPES:
            raise self.error(
                "expected a type (BOOL, INT, INTEGER, STRING, FLOAT, DECIMAL, NUMERIC, TIMESTAMP)"
            )
        self.advance()
        if CAST_TYPES[target] == "DECIMAL" and self.accept("("):
            # precision and scale are accepted and ignored, as the service does
            for _ in range(2):
                if self.token.kind != "num" or not self.token.text.isdigit():
                    raise self.error("expected a precision")
                self.advance()
                if not self.accept(","):
                    break
            self.expect(")")
        self.expect(")")
        return Cast(operand, CAST_TYPES[target])

    def trim(self) -> Node:
        """``TRIM([[LEADING|TRAILING|BOTH] [chars] FROM] s)``."""
        mode = "BOTH"
        chars: Node | None = None
        if self.token.word in ("LEADING", "TRAILING", "BOTH"):
            mode = self.advance().word
            if not self.accept("FROM"):
                chars = self.expr()
                self.expect("FROM")
            operand = self.expr()
        else:
            operand = self.expr()
            if self.accept("FROM"):
                chars, operand = operand, self.expr()
        self.expect(")")
        return Trim(mode, chars, operand)

    def case(self) -> Node:
        self.nest()
        try:
            subject = None if self.token.word == "WHEN" else self.expr()
            whens = []
            while self.accept("WHEN"):
                condition = self.expr()
                self.expect("THEN")
                whens.append((condition, self.expr()))
            if not whens:
                raise self.error("expected WHEN")
            default = self.expr() if self.accept("ELSE") else None
            self.expect("END")
            return Case(subject, tuple(whens), default)
        finally:
            self.nesting -= 1


def _number_literal(text: str) -> Value:
    """``12`` is an int, ``1.5`` a decimal, ``1e3`` a float (as in the service's SQL)."""
    if "e" in text or "E" in text:
        return float(text)
    if "." in text:
        return Decimal(text)
    return _checked_int(int(text))


# -- values ------------------------------------------------------------------------------------
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


def _equal(left: Value, right: Value) -> bool | None:
    """SQL equality: null is unknown; values of unrelated types are simply not equal."""
    if left is None or right is None:
        return None
    if _is_number(left) and _is_number(right):
        return bool(left == right)
    if type(left) is not type(right):
        return False
    return bool(left == right)


def _order(op: str, left: Value, right: Value) -> bool | None:
    if left is None or right is None:
        return None
    comparable = (_is_number(left) and _is_number(right)) or (
        type(left) is type(right) and isinstance(left, str | bool | dt.datetime)
    )
    if not comparable:
        raise SelectRuntimeError(
            "InvalidComparison",
            f"cannot compare {type_name(left)} {render(left)!r} with {type_name(right)} "
            f"{render(right)!r} using {op}; CSV fields are strings until CAST",
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


# -- compiler ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Program:
    """A query bound to a header: evaluates records into output rows."""

    select: Callable[[Row], list[Value]] | None
    where: Eval | None

    def run(self, records: Iterable[tuple[int, Row]]) -> Iterator[Sequence[Value]]:
        """The output rows, in input order; a runtime error names its record number."""
        for number, row in records:
            try:
                if self.where is not None and _truth(self.where(row), "WHERE") is not True:
                    continue
                yield row if self.select is None else self.select(row)
            except SelectRuntimeError as error:
                error.record = number
                raise


def compile_query(query: Query, header: Sequence[str] | None) -> Program:
    """Bind ``query`` to ``header`` (the first record when FileHeaderInfo is USE)."""
    compiler = _Compiler(header)
    where = compiler.compile(query.where) if query.where is not None else None
    select = None
    if query.projections is not None:
        parts = [compiler.compile(p.expr) for p in query.projections]

        def select(row: Row) -> list[Value]:
            return [part(row) for part in parts]

    return Program(select, where)


class _Compiler:
    def __init__(self, header: Sequence[str] | None) -> None:
        self.header = header

    def column_index(self, column: Column) -> int:
        position = column.position
        if position is not None:
            return position
        header = self.header or ()
        if column.quoted:
            found = [i for i, name in enumerate(header) if name == column.name]
        else:
            wanted = column.name.casefold()
            found = [i for i, name in enumerate(header) if name.casefold() == wanted]
        if not found:
            raise SelectRuntimeError(
                "MissingHeaderName", f"the header row has no column named {column.name!r}"
            )
        if len(found) > 1:
            raise SelectRuntimeError(
                "AmbiguousFieldName",
                f"{column.name!r} matches {len(found)} header columns; double-quote it to "
                "match case-sensitively",
            )
        return found[0]

    def compile(self, node: Node) -> Eval:
        if isinstance(node, Literal):
            value = node.value
            return lambda row: value
        if isinstance(node, Column):
            index = self.column_index(node)
            return lambda row: row[index] if index < len(row) else None
        if isinstance(node, Unary):
            return self.unary(node)
        if isinstance(node, Binary):
            return self.binary(node)
        if isinstance(node, Between):
            return self.between(node)
        if isinstance(node, In):
            return self.membership(node)
        if isinstance(node, Like):
            return self.like(node)
        if isinstance(node, IsNull):
            operand, negated = self.compile(node.operand), node.negated
            return lambda row: (operand(row) is None) != negated
        if isinstance(node, Cast):
            operand, target = self.compile(node.operand), node.type
            return lambda row: _cast(operand(row), target)
        if isinstance(node, Trim):
            return self.trim(node)
        if isinstance(node, Case):
            return self.case(node)
        assert isinstance(node, Call)
        return self.call(node)

    def unary(self, node: Unary) -> Eval:
        operand = self.compile(node.operand)
        if node.op == "NOT":

            def negation(row: Row) -> Value:
                value = _truth(operand(row), "NOT")
                return None if value is None else not value

            return negation
        sign = node.op

        def signed(row: Row) -> Value:
            value = operand(row)
            if value is None:
                return None
            if not _is_number(value):
                raise SelectRuntimeError(
                    "InvalidArithmetic",
                    f"cannot apply unary {sign} to {type_name(value)} {render(value)!r}",
                )
            return _negate(value) if sign == "-" else value

        return signed

    def binary(self, node: Binary) -> Eval:
        left, right, op = self.compile(node.left), self.compile(node.right), node.op
        if op == "AND":

            def conjunction(row: Row) -> Value:
                a = _truth(left(row), "AND")
                if a is False:
                    return False
                b = _truth(right(row), "AND")
                if b is False:
                    return False
                return None if a is None or b is None else True

            return conjunction
        if op == "OR":

            def disjunction(row: Row) -> Value:
                a = _truth(left(row), "OR")
                if a is True:
                    return True
                b = _truth(right(row), "OR")
                if b is True:
                    return True
                return None if a is None or b is None else False

            return disjunction
        if op == "=":
            return lambda row: _equal(left(row), right(row))
        if op == "<>":

            def unequal(row: Row) -> Value:
                same = _equal(left(row), right(row))
                return None if same is None else not same

            return unequal
        if op in ("<", ">", "<=", ">="):
            return lambda row: _order(op, left(row), right(row))
        return lambda row: _arithmetic(op, left(row), right(row))

    def between(self, node: Between) -> Eval:
        operand, low, high = (self.compile(n) for n in (node.operand, node.low, node.high))
        negated = node.negated

        def between(row: Row) -> Value:
            value = operand(row)
            above = _order(">=", value, low(row))
            below = _order("<=", value, high(row))
            if above is False or below is False:
                result: bool | None = False
            elif above is None or below is None:
                result = None
            else:
                result = True
            return None if result is None else result != negated

        return between

    def membership(self, node: In) -> Eval:
        operand = self.compile(node.operand)
        items = [self.compile(item) for item in node.items]
        negated = node.negated

        def member(row: Row) -> Value:
            value = operand(row)
            unknown = False
            for item in items:
                same = _equal(value, item(row))
                if same:
                    return not negated
                unknown = unknown or same is None
            return None if unknown else negated

        return member

    def like(self, node: Like) -> Eval:
        operand = self.compile(node.operand)
        negated = node.negated
        pattern_node, escape_node = node.pattern, node.escape
        if isinstance(pattern_node, Literal) and (
            escape_node is None or isinstance(escape_node, Literal)
        ):
            # a constant pattern is compiled once; its problems surface on the first record
            pattern_value = pattern_node.value
            escape_value = None if escape_node is None else escape_node.value
            cached: list[re.Pattern[str]] = []

            def constant(row: Row) -> re.Pattern[str] | None:
                if pattern_value is None or (escape_node is not None and escape_value is None):
                    return None
                if not cached:
                    escape = None if escape_value is None else _string(escape_value, "ESCAPE")
                    cached.append(like_regex(_string(pattern_value, "LIKE"), escape))
                return cached[0]

            regex_for: Callable[[Row], re.Pattern[str] | None] = constant
        else:
            pattern = self.compile(pattern_node)
            escape_eval = None if escape_node is None else self.compile(escape_node)

            def computed(row: Row) -> re.Pattern[str] | None:
                value = pattern(row)
                escape = None if escape_eval is None else escape_eval(row)
                if value is None or (escape_eval is not None and escape is None):
                    return None
                return like_regex(
                    _string(value, "LIKE"), None if escape is None else _string(escape, "ESCAPE")
                )

            regex_for = computed

        def like(row: Row) -> Value:
            value = operand(row)
            regex = regex_for(row)
            if value is None or regex is None:
                return None
            return (regex.fullmatch(_string(value, "LIKE")) is not None) != negated

        return like

    def trim(self, node: Trim) -> Eval:
        operand = self.compile(node.operand)
        chars = self.compile(node.chars) if node.chars is not None else None
        mode = node.mode

        def trim(row: Row) -> Value:
            value = operand(row)
            removed = " " if chars is None else chars(row)
            if value is None or removed is None:
                return None
            return _trim(_string(value, "TRIM"), mode, _string(removed, "TRIM"))

        return trim

    def case(self, node: Case) -> Eval:
        subject = self.compile(node.subject) if node.subject is not None else None
        whens = [(self.compile(c), self.compile(r)) for c, r in node.whens]
        default = self.compile(node.default) if node.default is not None else None

        def case(row: Row) -> Value:
            value = subject(row) if subject is not None else None
            for condition, result in whens:
                test = condition(row)
                hit = _equal(value, test) if subject is not None else _truth(test, "WHEN")
                if hit:
                    return result(row)
            return default(row) if default is not None else None

        return case

    def call(self, node: Call) -> Eval:
        args = [self.compile(arg) for arg in node.args]
        name = node.name
        if name == "COALESCE":

            def coalesce(row: Row) -> Value:
                for arg in args:
                    value = arg(row)
                    if value is not None:
                        return value
                return None

            return coalesce
        if name == "NULLIF":
            first, second = args

            def nullif(row: Row) -> Value:
                value = first(row)
                return None if _equal(value, second(row)) else value

            return nullif
        if name == "SUBSTRING":

            def substring(row: Row) -> Value:
                values = [arg(row) for arg in args]
                if any(v is None for v in values):
                    return None
                length = _integer(values[2], "SUBSTRING") if len(values) == 3 else None
                return _substring(
                    _string(values[0], "SUBSTRING"), _integer(values[1], "SUBSTRING"), length
                )

            return substring
        (operand,) = args
        functions: dict[str, Callable[[str], Value]] = {
            "CHAR_LENGTH": len,
            "CHARACTER_LENGTH": len,
            "LOWER": str.lower,
            "UPPER": str.upper,
        }
        apply = functions[name]

        def function(row: Row) -> Value:
            value = operand(row)
            return None if value is None else apply(_string(value, name))

        return function
