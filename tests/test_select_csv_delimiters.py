"""Select's CSV input: record and field delimiters, quotes, escapes, comments and headers.

The record delimiter is exactly the configured string. Unit cases and a fuzz against Python's
``csv.writer`` read through ``read_records``; end-to-end cases go through a real boto3 client.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_glacier import Glacier
from pytest_glacier.service.select.csv_io import (
    MAX_COLUMNS,
    MAX_RECORD_CHARS,
    CsvInput,
    read_records,
)
from pytest_glacier.service.select.sql import SelectRuntimeError

DELIMITERS = ["\n", "\r", "\r\n", ";", "|"]


def rows(text: str, **options: Any) -> list[list[str]]:
    """The fields of each record, checking that records are numbered 1, 2, …"""
    read = list(read_records(text, CsvInput(**options)))
    assert [number for number, _ in read] == list(range(1, len(read) + 1))
    return [fields for _, fields in read]


# -- record delimiters ---------------------------------------------------------------------------
def test_carriage_return_delimiter_keeps_the_next_character() -> None:
    assert rows("a,b\rc,d\r1\r22\r333", record_delimiter="\r") == [
        ["a", "b"],
        ["c", "d"],
        ["1"],
        ["22"],
        ["333"],
    ]


def test_crlf_delimiter_splits_and_lone_line_ends_are_data() -> None:
    text = "a,b\r\nc\nd,e\rf\r\ng\r\n"
    assert rows(text, record_delimiter="\r\n") == [["a", "b"], ["c\nd", "e\rf"], ["g"]]


def test_default_delimiter_takes_crlf_line_ends_too() -> None:
    assert rows("a,b\r\nc,d\r\n") == [["a", "b"], ["c", "d"]]
    assert rows('"x",y\r\n"z"\r\n\r\n"q\r\nr"\n') == [["x", "y"], ["z"], ["q\r\nr"]]
    assert rows("a\rb\n", field_delimiter="\r") == [["a", "b"]]
    assert rows("a\r\r\n") == [["a\r"]]


@pytest.mark.parametrize("delimiter", [";", "|", "x", "\t"])
def test_any_single_character_delimiter(delimiter: str) -> None:
    d = delimiter
    text = f"a,b{d}1,2\n3{d}{d}last"
    assert rows(text, record_delimiter=d) == [["a", "b"], ["1", "2\n3"], ["last"]]


@pytest.mark.parametrize("delimiter", DELIMITERS)
@pytest.mark.parametrize("trailing", [True, False])
def test_trailing_delimiter_and_empty_records(delimiter: str, trailing: bool) -> None:
    d = delimiter
    text = f"{d}{d}a,b{d}{d}{d}c,d" + (d if trailing else "")
    assert rows(text, record_delimiter=d) == [["a", "b"], ["c", "d"]]
    assert rows(d * 3, record_delimiter=d) == []
    assert rows("", record_delimiter=d) == []


@pytest.mark.parametrize("delimiter", DELIMITERS)
def test_quoted_fields_hold_both_delimiters(delimiter: str) -> None:
    d = delimiter
    text = f'"a{d}b,c",x{d}y,"{d}"{d}",",""{d}'
    assert rows(text, record_delimiter=d) == [[f"a{d}b,c", "x"], ["y", d], [",", ""]]


def test_field_delimiters() -> None:
    assert rows("a;b;;c\n", field_delimiter=";") == [["a", "b", "", "c"]]
    assert rows('a\tb\t"c\td"\n', field_delimiter="\t") == [["a", "b", "c\td"]]
    # a separator that starts the record delimiter: the record delimiter wins where both fit
    text = 'a\rb\r\nc\r\r\n\r"\r\n"\r\n'
    assert rows(text, record_delimiter="\r\n", field_delimiter="\r") == [
        ["a", "b"],
        ["c", ""],
        ["", "\r\n"],
    ]
    assert rows("a\nb\r\n", record_delimiter="\r\n", field_delimiter="\n") == [["a", "b"]]


def test_a_quote_that_starts_the_record_delimiter() -> None:
    text = "a,\r\nb,\rq\r\r\r"
    options = {"record_delimiter": "\r\n", "quote": "\r", "quote_escape": "\r"}
    assert rows(text, **options) == [["a", ""], ["b", "q\r"]]


# -- quotes and escapes --------------------------------------------------------------------------
def test_doubled_quotes() -> None:
    text = '"he said ""hi""",""""\n"a""b"c,"x"""\n'
    assert rows(text) == [['he said "hi"', '"'], ['a"bc', 'x"']]


def test_quote_escape_character() -> None:
    """The escape character escapes the quote only; before anything else it is itself."""
    text = "'it\\'s';'a\\b';'c\\\\d';'\\''|x'y;z|"
    options = {"record_delimiter": "|", "field_delimiter": ";", "quote": "'", "quote_escape": "\\"}
    assert rows(text, **options) == [["it's", "a\\b", "c\\\\d", "'"], ["x'y", "z"]]
    # a doubled quote is no escape then: the field closes at the first quote, the rest is data
    assert rows("'a''b'\n", quote="'", quote_escape="\\") == [["a'b'"]]


def test_a_quote_inside_an_unquoted_field_is_data() -> None:
    assert rows('a"b,c"\r\n', record_delimiter="\r\n") == [['a"b', 'c"']]


@pytest.mark.parametrize("delimiter", DELIMITERS)
def test_unterminated_quote_names_its_record(delimiter: str) -> None:
    d = delimiter
    with pytest.raises(SelectRuntimeError, match="UnterminatedQuote") as caught:
        list(read_records(f'#c{d}a{d}{d}b,"c{d}d', CsvInput(comments="#", record_delimiter=d)))
    assert caught.value.record == 2


# -- comments ------------------------------------------------------------------------------------
@pytest.mark.parametrize("delimiter", DELIMITERS)
def test_comment_lines_end_at_the_record_delimiter(delimiter: str) -> None:
    d = delimiter
    lone = "\n" if d == "\r" else "\r"
    text = f'#x,"y{lone}{d}a,#b{d}#"{d}"c"{d}#last'
    assert rows(text, comments="#", record_delimiter=d) == [["a", "#b"], ["c"]]


def test_comments_off_by_default() -> None:
    assert rows("#a,b\n") == [["#a", "b"]]


# -- fuzz against csv.writer ---------------------------------------------------------------------
@st.composite
def dialects(draw: st.DrawFn) -> dict[str, Any]:
    """Options the service accepts (distinct delimiters and quote) that csv.writer can write
    unambiguously: no quote inside the record delimiter, no comment character that is it."""
    record = draw(st.sampled_from(["\n", "\r", "\r\n", ";", "|", "\t", "x", "é"]))
    field = draw(st.sampled_from([",", ";", "|", "\t", "\n", "\r", " ", "x"]).filter(record.__ne__))
    quote = draw(
        st.sampled_from(['"', "'", "|", "#", "\n", "q"]).filter(
            lambda q: q != field and q not in record
        )
    )
    escape = draw(st.sampled_from([quote, "\\", "e", ","]))
    comments = draw(st.none() | st.sampled_from(["#", ";", quote]).filter(record.__ne__))
    return {
        "record_delimiter": record,
        "field_delimiter": field,
        "quote": quote,
        "quote_escape": escape,
        "comments": comments,
    }


def serialise(rows: list[list[str]], options: dict[str, Any]) -> str:
    """The rows as ``csv.writer`` writes them with the options' dialect."""
    doubled = options["quote_escape"] == options["quote"]
    buffer = io.StringIO()
    csv.writer(
        buffer,
        delimiter=options["field_delimiter"],
        quotechar=options["quote"],
        escapechar=None if doubled else options["quote_escape"],
        doublequote=doubled,
        lineterminator=options["record_delimiter"],
        # with an escape character csv.writer escapes quotes outside quoted fields too
        quoting=csv.QUOTE_MINIMAL if doubled else csv.QUOTE_ALL,
    ).writerows(rows)
    return buffer.getvalue()


@settings(max_examples=400, deadline=None)
@given(options=dialects(), data=st.data())
def test_rows_written_by_csv_writer_read_back(options: dict[str, Any], data: Any) -> None:
    quote, escape, record = options["quote"], options["quote_escape"], options["record_delimiter"]
    specials = [options["field_delimiter"], quote, escape, "\r", "\n", "a", " ", "é", *record]
    # csv.writer escapes the escape character too; the service reads it as itself
    alphabet = [c for c in specials if c != escape or escape == quote]
    field = st.text(st.sampled_from(alphabet), max_size=6)
    table = data.draw(st.lists(st.lists(field, min_size=1, max_size=4), max_size=6))
    comments = options["comments"]
    if comments is not None:  # a row that reads as a comment is one: leave those out
        table = [row for row in table if not serialise([row], options).startswith(comments)]
    if record == "\n":  # a line ending "\r\n" is one record end under "\n": leave those out
        table = [row for row in table if not serialise([row], options).endswith("\r\n")]
    pieces = []
    for row in table:
        if comments is not None and data.draw(st.booleans()):
            note = data.draw(st.text(st.sampled_from(alphabet), max_size=5))
            if (note + record).find(record) == len(note):
                pieces.append(comments + note + record)
        pieces.append(record * data.draw(st.integers(0, 2)) + serialise([row], options))
    text = "".join(pieces)
    if data.draw(st.booleans()):
        text = text.removesuffix(record)
    assert rows(text, **options) == table


# -- end to end through boto3 --------------------------------------------------------------------
def select_all(
    client: Any, glacier: Glacier, body: bytes, csv_in: dict[str, str], expression: str = ""
) -> tuple[str, bytes]:
    """Runs a select job over ``body``; its status and its results (default CSV output)."""
    archive = client.upload_archive(vaultName="vault", body=body)["archiveId"]
    parameters = {
        "Type": "select",
        "ArchiveId": archive,
        "SelectParameters": {
            "Expression": expression or "SELECT * FROM archive",
            "ExpressionType": "SQL",
            "InputSerialization": {"csv": csv_in},
        },
        "OutputLocation": {"S3": {"BucketName": "results-bucket", "Prefix": "out"}},
    }
    job_id = client.initiate_job(vaultName="vault", jobParameters=parameters)["jobId"]
    glacier.advance(hours=6)
    job = client.describe_job(vaultName="vault", jobId=job_id)
    manifest = glacier.s3_objects.get(f"s3://results-bucket/out/{job_id}/result_manifest.txt")
    parts = [] if manifest is None else manifest.decode().splitlines()
    return job["StatusMessage"], b"".join(glacier.s3_objects[url] for url in parts)


def written(table: list[list[str]]) -> bytes:
    """``table`` as the default CSV output serialization writes it."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(table)
    return buffer.getvalue().encode()


TABLE = [["1", "a,b", 'say "hi"'], ["2", "line\nbreak", ""], ["3", "semi;colon", "pipe|"]]


@pytest.mark.parametrize("delimiter", DELIMITERS)
def test_select_star_reads_back_the_table(
    client: Any, glacier: Glacier, vault: str, delimiter: str
) -> None:
    options = {"record_delimiter": delimiter, "field_delimiter": ",", "quote": '"'}
    body = serialise(TABLE, {**options, "quote_escape": '"', "comments": None}).encode()
    status, out = select_all(client, glacier, body, {"RecordDelimiter": delimiter})
    assert (status, out) == ("Succeeded", written(TABLE))


def test_crlf_file_header_names(client: Any, glacier: Glacier, vault: str) -> None:
    body = b'# people\r\nid,name\r\n1,alice\r\n\r\n2,"bob\r\nsmith"\r\n'
    csv_in = {"RecordDelimiter": "\r\n", "FileHeaderInfo": "USE", "Comments": "#"}
    status, out = select_all(client, glacier, body, csv_in, "SELECT name, id FROM archive")
    assert (status, out) == ("Succeeded", b'alice,1\n"bob\r\nsmith",2\n')
    # the default delimiter reads the same file the same way
    del csv_in["RecordDelimiter"]
    status, out = select_all(client, glacier, body, csv_in, "SELECT name, id FROM archive")
    assert (status, out) == ("Succeeded", b'alice,1\n"bob\r\nsmith",2\n')


@pytest.mark.parametrize(
    ("header", "expected"),
    [("USE", b"alice\nbob\n"), ("IGNORE", b"alice\nbob\n"), ("NONE", b"name\nalice\nbob\n")],
)
def test_file_header_info_with_a_custom_delimiter(
    client: Any, glacier: Glacier, vault: str, header: str, expected: bytes
) -> None:
    body = b"id;name|1;alice|2;bob"
    csv_in = {"RecordDelimiter": "|", "FieldDelimiter": ";", "FileHeaderInfo": header}
    status, out = select_all(client, glacier, body, csv_in, "SELECT _2 FROM archive")
    assert (status, out) == ("Succeeded", expected)


def test_carriage_return_records_end_to_end(client: Any, glacier: Glacier, vault: str) -> None:
    body = b"10,x\r20,y\r30,z"
    csv_in = {"RecordDelimiter": "\r"}
    expression = "SELECT _2 FROM archive WHERE CAST(_1 AS INT) > 15"
    assert select_all(client, glacier, body, csv_in, expression) == ("Succeeded", b"y\nz\n")


# -- limits --------------------------------------------------------------------------------------
@pytest.mark.parametrize("quoted", [False, True])
def test_record_length_limit_counts_every_character(quoted: bool) -> None:
    """At most 1,048,576 characters a record, quotes included, delimiter excluded."""
    body = 'x,"' + "a" * (MAX_RECORD_CHARS - 4) + '"' if quoted else "a" * MAX_RECORD_CHARS
    assert len(rows(f"1\r\n{body}\r\n", record_delimiter="\r\n")[1]) == (2 if quoted else 1)
    with pytest.raises(SelectRuntimeError, match="RecordTooLarge") as caught:
        list(read_records(f"1\r\n{body}b\r\n", CsvInput(record_delimiter="\r\n")))
    assert caught.value.record == 2


def test_column_limit() -> None:
    assert len(rows("," * (MAX_COLUMNS - 1))[0]) == MAX_COLUMNS
    with pytest.raises(SelectRuntimeError, match="RecordTooLarge: the record is more than"):
        list(read_records("," * MAX_COLUMNS, CsvInput()))
