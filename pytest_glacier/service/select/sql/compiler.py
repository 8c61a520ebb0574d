"""Binding a query to a header row and evaluating records: a closure per syntax node."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from .errors import SelectRuntimeError
from .syntax import (
    Between,
    Binary,
    Case,
    Cast,
    Column,
    FunctionCall,
    In,
    IsNull,
    Like,
    Literal,
    Node,
    Query,
    Trim,
    Unary,
)
from .values import (
    Value,
    _arithmetic,
    _cast,
    _equal,
    _integer,
    _is_number,
    _negate,
    _order,
    _string,
    _substring,
    _trim,
    _truth,
    like_regex,
    render,
    type_name,
)

Row = Sequence[str]
Eval = Callable[[Row], Value]


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
        assert isinstance(node, FunctionCall)
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
        if op in ("AND", "OR"):
            return _connective(op, left, right)
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

    def call(self, node: FunctionCall) -> Eval:
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


def _connective(op: str, left: Eval, right: Eval) -> Eval:
    """Three-valued AND / OR: the deciding value short-circuits, NULL beats the other."""
    decider = op == "OR"

    def connect(row: Row) -> Value:
        a = _truth(left(row), op)
        if a is decider:
            return decider
        b = _truth(right(row), op)
        if b is decider:
            return decider
        return None if a is None or b is None else not decider

    return connect
