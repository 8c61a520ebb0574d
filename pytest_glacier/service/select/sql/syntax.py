"""The syntax tree of a parsed expression: what the parser builds and the compiler binds."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .values import Value

POSITIONAL = re.compile(r"_([1-9][0-9]*)")


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
class FunctionCall(Node):
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
