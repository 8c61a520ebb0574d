"""Splitting an expression into tokens, each with its position for error messages."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import SelectSyntaxError

TOKEN = re.compile(
    r"""(?P<space>\s+)
      |(?P<num>(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)(?:[eE][+-]?[0-9]+)?)
      |(?P<str>'(?:[^']|'')*')
      |(?P<qname>"(?:[^"]|"")*")
      |(?P<name>[A-Za-z_][A-Za-z0-9_]*)
      |(?P<op><>|!=|<=|>=|[-+*/%=<>(),.;\[\]|])""",
    re.X,
)


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
