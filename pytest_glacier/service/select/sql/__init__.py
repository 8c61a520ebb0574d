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

from .compiler import compile_query
from .errors import SelectRuntimeError, SelectSyntaxError
from .parser import MAX_DEPTH, parse
from .syntax import Query
from .values import Value, render

__all__ = [
    "MAX_DEPTH",
    "Query",
    "SelectRuntimeError",
    "SelectSyntaxError",
    "Value",
    "compile_query",
    "parse",
    "render",
]
