"""CSV in and out of select jobs, with the request's serialization options.

Reading is a scanner of its own rather than ``csv.reader``, because the record delimiter may
be any character (``csv.reader`` only splits on line ends). Writing uses ``csv.writer``.
"""

from __future__ import annotations

import csv
import io
import re
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
    yield from _Reader(text, options).records()


class _Reader:
    """One pass over the text. A record without the quote character (the common case) is cut
    with ``str.find`` and ``str.split``; any other is read a field at a time with regular
    expressions, so Python never loops over single characters."""

    def __init__(self, text: str, options: CsvInput) -> None:
        self.text = text
        self.options = options
        self.crlf = options.record_delimiter == "\n"
        # an option that is not one character never matches one (the service checks lengths)
        self.quote = quote = _single(options.quote)
        self.separator = _single(options.field_delimiter)
        self.delimiter = _single(options.record_delimiter)
        self.plain_end = _any_of([self.delimiter, self.separator, "\r" if self.crlf else None])
        escape = _single(options.quote_escape)
        self.quoted = None if quote is None else _quoted_field(quote, escape)
        self.escaped_quote = None if quote is None or escape is None else escape + quote

    def records(self) -> Iterator[tuple[int, list[str]]]:
        text, comments = self.text, self.options.comments
        number = 0
        i, end = 0, len(text)
        while i < end:
            if text[i] == comments:
                i = _after_record(text, i, self.options.record_delimiter)
            elif self.ends_record(i):
                i = _after_delimiter(text, i)
            else:
                number += 1
                fields, i = self.record(i, number)
                yield number, fields

    def ends_record(self, i: int) -> bool:
        text = self.text
        return text[i] == self.options.record_delimiter or (
            self.crlf and text.startswith("\r\n", i)
        )

    def record(self, i: int, number: int) -> tuple[list[str], int]:
        """The fields of the record starting at ``i``, and where the next one starts."""
        text, end = self.text, len(self.text)
        stop = end if self.delimiter is None else text.find(self.delimiter, i)
        if stop < 0:
            stop = end
        elif self.crlf and text[stop - 1] == "\r":
            stop -= 1
        line = text[i:stop]
        if (self.quote is None or self.quote not in line) and len(line) <= MAX_RECORD_CHARS:
            fields = [line] if self.separator is None else line.split(self.separator)
            if len(fields) <= MAX_COLUMNS:
                return fields, end if stop == end else _after_delimiter(text, stop)
        return self.scan(i, number)

    def scan(self, i: int, number: int) -> tuple[list[str], int]:
        """``record`` for a record with quotes, or one over a limit (to fail where it does).

        ``size`` counts the characters outside quotes, as the limit does."""
        text, end = self.text, len(self.text)
        quote, quoted, escaped_quote = self.quote, self.quoted, self.escaped_quote
        separator, plain_end, ends_record = self.separator, self.plain_end.search, self.ends_record
        delimiter, crlf = self.options.record_delimiter, self.crlf
        fields: list[str] = []
        size = 0
        while True:  # a field
            field = ""
            if i < end and text[i] == quote and quoted is not None and not ends_record(i):
                found = quoted.match(text, i)
                if found is None:
                    error = SelectRuntimeError(
                        "UnterminatedQuote", "a quoted field is never closed"
                    )
                    error.record = number
                    raise error
                field = found[1]
                if escaped_quote is not None:
                    field = field.replace(escaped_quote, text[i])
                i = found.end()
            while True:  # its characters outside quotes, up to a separator
                found = plain_end(text, i)
                stop = end if found is None else found.start()
                field += text[i:stop]
                size += stop - i
                if size > MAX_RECORD_CHARS:
                    raise _too_big(number, f"longer than {MAX_RECORD_CHARS} characters")
                if stop == end:
                    fields.append(field)
                    return fields, end
                char = text[stop]
                # ends_record, inline: this loop runs once per field
                if char == delimiter or (crlf and char == "\r" and text.startswith("\n", stop + 1)):
                    fields.append(field)
                    return fields, _after_delimiter(text, stop)
                i = stop + 1
                size += 1
                if char == separator:
                    break
                field += "\r"  # one that does not end the line
                if size > MAX_RECORD_CHARS:
                    raise _too_big(number, f"longer than {MAX_RECORD_CHARS} characters")
            fields.append(field)
            if len(fields) >= MAX_COLUMNS:
                raise _too_big(number, f"more than {MAX_COLUMNS} columns")
            if size > MAX_RECORD_CHARS:
                raise _too_big(number, f"longer than {MAX_RECORD_CHARS} characters")


def _single(option: str) -> str | None:
    return option if len(option) == 1 else None


def _any_of(chars: Iterable[str | None]) -> re.Pattern[str]:
    """Matches any one of ``chars``, or nothing at all when there are none."""
    wanted = "".join(c for c in chars if c is not None)
    return re.compile(f"[{re.escape(wanted)}]" if wanted else "(?!)")


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


def _after_delimiter(text: str, i: int) -> int:
    """Where the next record starts, after the record delimiter at ``i`` (``\\r\\n`` is two)."""
    return i + 2 if text[i] == "\r" else i + 1


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
