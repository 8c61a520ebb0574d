"""Recursive descent from tokens to a ``Query``, refusing what Glacier Select lacks."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from .errors import SelectSyntaxError
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
    Projection,
    Query,
    Trim,
    Unary,
)
from .tokens import Token, tokenize
from .values import Value, _checked_int, _is_number, _negate

#: deeper expressions are refused at initiation, so neither parsing (about eight frames per
#: nesting level) nor evaluation (one or two per tree level) can exhaust the stack
MAX_NESTING = 40
MAX_DEPTH = 150

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
            literal = self.token
            if op == "-" and literal.kind == "num" and literal.text.isdigit():
                # read with its sign: -9223372036854775808 is INT64's minimum, not an overflow
                self.advance()
                return Literal(_checked_int(-int(literal.text)))
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
            return FunctionCall(name, tuple(args))
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
