"""CSV in and out of select jobs, with the request's serialization options.

Reading is a small state machine rather than ``csv.reader``, because the record delimiter may
be any character (``csv.reader`` only splits on line ends). Writing uses ``csv.writer``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .select_sql import SelectRuntimeError

#: the service's limits: a record of at most 1 MB, at most 1,048,576 columns
MAX_RECORD_CHARS = 1024 * 1024
MAX_COLUMNS = 1_048_576


@dataclass(frozen=True)
class CsvInput:
    """InputSerialization.csv, with the service's defaults."""

    file_header_info: str = "NONE"
    comments: str | None = None
    quote_escape: str = '"'
    record_delimiter: str = "\n"
    field_delimiter: str = ","
    quote: str = '"'

    @classmethod
    def from_request(cls, options: Mapping[str, Any]) -> CsvInput:
        quote = options.get("QuoteCharacter", '"')
        return cls(
            options.get("FileHeaderInfo", "NONE").upper(),
            options.get("Comments"),
            options.get("QuoteEscapeCharacter", quote),
            options.get("RecordDelimiter", "\n"),
            options.get("FieldDelimiter", ","),
            quote,
        )


@dataclass(frozen=True)
class CsvOutput:
    """OutputSerialization.csv, with the service's defaults."""

    quote_fields: str = "ASNEEDED"
    quote_escape: str = '"'
    record_delimiter: str = "\n"
    field_delimiter: str = ","
    quote: str = '"'

    @classmethod
    def from_request(cls, options: Mapping[str, Any]) -> CsvOutput:
        quote = options.get("QuoteCharacter", '"')
        return cls(
            options.get("QuoteFields", "ASNEEDED").upper(),
            options.get("QuoteEscapeCharacter", quote),
            options.get("RecordDelimiter", "\n"),
            options.get("FieldDelimiter", ","),
            quote,
        )


def decode(data: bytes | memoryview) -> str:
    """The archive as text: UTF-8 (a leading byte order mark is dropped)."""
    try:
        text = bytes(data).decode("utf-8")
    except UnicodeDecodeError as error:
        raise SelectRuntimeError(
            "InvalidTextEncoding", f"the archive is not UTF-8 text (byte {error.start})"
        ) from None
    return text.removeprefix("\ufeff")


def read_records(text: str, options: CsvInput) -> Iterator[tuple[int, list[str]]]:
    """(record number, fields) for each record; comment lines and empty records are skipped.

    A quote character opens a quoted field only at the start of a field; inside one, the
    escape character followed by the quote character is a literal quote. With the default
    ``\\n`` record delimiter a ``\\r\\n`` line end is one delimiter too.
    """
    quote, escape = options.quote, options.quote_escape
    delimiter, separator = options.record_delimiter, options.field_delimiter
    crlf = delimiter == "\n"
    fields: list[str] = []
    field: list[str] = []
    size = 0
    quoted = at_field_start = False
    started = False
    number = 0
    i, end = 0, len(text)
    while i < end:
        char = text[i]
        if quoted:
            if char == escape and text.startswith(quote, i + 1):
                field.append(quote)
                i += 2
                continue
            if char == quote:
                quoted = False
            else:
                field.append(char)
            i += 1
            continue
        if not started and options.comments is not None and char == options.comments:
            i = _after_record(text, i, delimiter)
            continue
        if char == delimiter or (crlf and char == "\r" and text.startswith("\n", i + 1)):
            if started:
                fields.append("".join(field))
                number += 1
                yield number, fields
            fields, field, size, started = [], [], 0, False
            i += 2 if char == "\r" else 1
            continue
        if not started or at_field_start:
            started, at_field_start = True, False
            if char == quote:
                quoted = True
                i += 1
                continue
        if char == separator:
            fields.append("".join(field))
            field = []
            at_field_start = True
            if len(fields) >= MAX_COLUMNS:
                raise _too_big(number + 1, f"more than {MAX_COLUMNS} columns")
        else:
            field.append(char)
        size += 1
        if size > MAX_RECORD_CHARS:
            raise _too_big(number + 1, f"longer than {MAX_RECORD_CHARS} characters")
        i += 1
    if quoted:
        error = SelectRuntimeError("UnterminatedQuote", "a quoted field is never closed")
        error.record = number + 1
        raise error
    if started:
        fields.append("".join(field))
        yield number + 1, fields


def _after_record(text: str, i: int, delimiter: str) -> int:
    """Where the record holding position ``i`` ends (a comment line: quotes mean nothing)."""
    found = text.find(delimiter, i)
    return len(text) if found < 0 else found + 1


def _too_big(record: int, what: str) -> SelectRuntimeError:
    error = SelectRuntimeError("RecordTooLarge", f"the record is {what}")
    error.record = record
    return error


def write_records(rows: Iterable[Sequence[str]], options: CsvOutput) -> str:
    """The rows as CSV text, each followed by the record delimiter."""
    buffer = io.StringIO()
    doubled = options.quote_escape == options.quote
    writer = csv.writer(
        buffer,
        delimiter=options.field_delimiter,
        quotechar=options.quote,
        escapechar=None if doubled else options.quote_escape,
        doublequote=doubled,
        lineterminator=options.record_delimiter,
        quoting=csv.QUOTE_ALL if options.quote_fields == "ALWAYS" else csv.QUOTE_MINIMAL,
    )
    writer.writerows(rows)
    return buffer.getvalue()
