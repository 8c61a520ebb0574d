"""CSV in and out of select jobs, with the request's serialization options.

Reading is a scanner of its own rather than ``csv.reader``, because the record delimiter is
the configured one, any character or ``\\r\\n``, where ``csv.reader`` splits on every line
end. Writing uses ``csv.writer``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .sql import SelectRuntimeError

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

    The record delimiter is the configured string, except that with ``\\n`` (the default) a
    ``\\r\\n`` line end is one delimiter too, so files written by Python's ``csv`` module read
    cleanly; a delimiter at the end of the text adds no record. A quote character opens a quoted
    field only at the start of a field; inside one both delimiters are data and the escape
    character followed by the quote character is a literal quote.
    """
    yield from _Reader(text, options).records()


class _Reader:
    """One pass over the text. A record without the quote character (the common case) is cut
    with ``str.find`` and ``str.split``; any other is read a field at a time with regular
    expressions, so Python never loops over single characters."""

    def __init__(self, text: str, options: CsvInput) -> None:
        self.text = text
        self.comments = options.comments or None
        # the service checks the lengths; here an empty option, or a quote or separator of
        # more than one character, matches nothing
        self.delimiter = options.record_delimiter or None
        #: with the ``\\n`` delimiter, ``\\r\\n`` ends a record as well
        self.crlf = self.delimiter == "\n"
        self.separator = _single(options.field_delimiter)
        self.quote = quote = _single(options.quote)
        escape = _single(options.quote_escape)
        self.quoted = None if quote is None else _quoted_field(quote, escape)
        self.escaped_quote = None if quote is None or escape is None else escape + quote
        # the record delimiter first, so that it wins over a separator that is its prefix
        record_end = "\r?\n" if self.crlf else _escaped(self.delimiter)
        self.field_end = _first_of([record_end, _escaped(self.separator)])

    def records(self) -> Iterator[tuple[int, list[str]]]:
        text, delimiter, comments = self.text, self.delimiter, self.comments
        number = 0
        i, end = 0, len(text)
        while i < end:
            if delimiter is not None and text.startswith(delimiter, i):
                i += len(delimiter)  # an empty record
            elif self.crlf and text.startswith("\r\n", i):
                i += 2
            elif comments is not None and text.startswith(comments, i):
                i = self.record_end(i)[1]
            else:
                number += 1
                fields, i = self.record(i, number)
                yield number, fields

    def record_end(self, i: int) -> tuple[int, int]:
        """Where the first record delimiter from ``i`` starts and where the next record does,
        quotes aside."""
        delimiter = self.delimiter
        if delimiter is not None:
            stop = self.text.find(delimiter, i)
            if stop >= 0:
                if self.crlf and stop > i and self.text[stop - 1] == "\r":
                    return stop - 1, stop + 1
                return stop, stop + len(delimiter)
        return len(self.text), len(self.text)

    def record(self, i: int, number: int) -> tuple[list[str], int]:
        """The fields of the record starting at ``i``, and where the next one starts."""
        stop, after = self.record_end(i)
        line = self.text[i:stop]
        if self.quote is not None and self.quote in line:
            return self.scan(i, number)
        if len(line) > MAX_RECORD_CHARS:
            raise _too_big(number, f"longer than {MAX_RECORD_CHARS} characters")
        fields = [line] if self.separator is None else line.split(self.separator)
        if len(fields) > MAX_COLUMNS:
            raise _too_big(number, f"more than {MAX_COLUMNS} columns")
        return fields, after

    def scan(self, i: int, number: int) -> tuple[list[str], int]:
        """``record`` for a record with the quote character, a field at a time."""
        text, end, start = self.text, len(self.text), i
        quote, quoted, escaped_quote = self.quote, self.quoted, self.escaped_quote
        delimiter, field_end = self.delimiter, self.field_end
        fields: list[str] = []
        while True:
            field = ""
            if (
                quote is not None
                and quoted is not None
                and text.startswith(quote, i)
                and not (delimiter is not None and text.startswith(delimiter, i))
            ):
                found = quoted.match(text, i)
                if found is None:
                    error = SelectRuntimeError(
                        "UnterminatedQuote", "a quoted field is never closed"
                    )
                    error.record = number
                    raise error
                field = found[1]
                if escaped_quote is not None:
                    field = field.replace(escaped_quote, quote)
                i = found.end()
            # what follows a closing quote, up to the field's end, is part of the field too
            found = field_end.search(text, i)
            stop = end if found is None else found.start()
            fields.append(field + text[i:stop])
            # with a quote in it, a record of too many columns is too long before that
            if stop - start > MAX_RECORD_CHARS:
                raise _too_big(number, f"longer than {MAX_RECORD_CHARS} characters")
            if found is None:
                return fields, end
            i = found.end()
            if found[0] != self.separator:  # the record delimiter
                return fields, i


def _single(option: str) -> str | None:
    return option if len(option) == 1 else None


def _escaped(option: str | None) -> str | None:
    return None if option is None else re.escape(option)


def _first_of(patterns: Iterable[str | None]) -> re.Pattern[str]:
    """Matches any one of ``patterns``, earlier ones first, or nothing when there are none."""
    wanted = [p for p in patterns if p is not None]
    return re.compile("|".join(wanted) if wanted else "(?!)")


def _quoted_field(quote: str, escape: str | None) -> re.Pattern[str]:
    """A quoted field, its text (escapes still in) as group 1. Inside, the escape character
    and a quote are a literal quote, and any other character is itself; with the quote as
    its own escape, a closing quote is one not followed by another. Each repetition starts
    with the escape, so a field that never closes fails without exponential backtracking."""
    q = re.escape(quote)
    if escape is None:
        return re.compile(f"{q}([^{q}]*){q}")
    if escape == quote:
        return re.compile(f"{q}([^{q}]*(?:{q}{q}[^{q}]*)*){q}(?!{q})")
    e = re.escape(escape)
    return re.compile(f"{q}([^{q}{e}]*(?:(?:{e}{q}|{e}(?!{q}))[^{q}{e}]*)*){q}")


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
