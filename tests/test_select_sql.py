"""The select SQL engine and CSV serialization, unit by unit (no client needed)."""

from __future__ import annotations

import re
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_glacier.service.select.csv_io import CsvInput, CsvOutput, read_records, write_records
from pytest_glacier.service.select.sql import (
    MAX_DEPTH,
    SelectRuntimeError,
    SelectSyntaxError,
    compile_query,
    parse,
    render,
)

ROWS = [["1", "alice", "30"], ["2", "Bob", "x"], ["3", "carol", ""]]
HEADER = ["id", "Name", "age"]


def query(
    sql: str, rows: Sequence[Sequence[str]] = ROWS, header: list[str] | None = None
) -> list[list[str]]:
    program = compile_query(parse(sql), header)
    return [[render(v) for v in row] for row in program.run(enumerate(rows, 1))]


def value(expression: str) -> str:
    (row,) = query(f"SELECT {expression} FROM archive", [["1"]])
    return row[0]


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("1 + 2 * 3", "7"),
        ("(1 + 2) * 3", "9"),
        ("7 / 2", "3"),
        ("-7 / 2", "-3"),
        ("-7 % 3", "-1"),
        ("7 % -3", "1"),
        ("1.5 + 1", "2.5"),
        ("1.0 / 4", "0.25"),
        ("1e1 / 4", "2.5"),
        ("- - 2", "2"),
        ("CAST('12' AS INT) + 1", "13"),
        ("CAST('1.25' AS DECIMAL(5, 2)) * 2", "2.50"),
        ("CAST('2.5' AS FLOAT)", "2.5"),
        ("CAST('TRUE' AS BOOL)", "true"),
        ("CAST(0 AS BOOLEAN)", "false"),
        ("CAST(12 AS STRING)", "12"),
        ("CAST(3.9 AS INTEGER)", "3"),
        ("CAST('2007-04-05T14:30Z' AS TIMESTAMP)", "2007-04-05T14:30:00Z"),
        ("CAST('2007T' AS TIMESTAMP)", "2007-01-01T00:00:00Z"),
        ("CAST('2007-04-05T14:30:15.5+02:00' AS TIMESTAMP)", "2007-04-05T14:30:15.500000+02:00"),
        ("CAST(NULL AS INT)", ""),
        ("CHAR_LENGTH('abcdefg')", "7"),
        ("CHARACTER_LENGTH('')", "0"),
        ("LOWER('AbCdEfG!@#$')", "abcdefg!@#$"),
        ("UPPER('AbCdEfG!@#$')", "ABCDEFG!@#$"),
        ("SUBSTRING('123456789', 0)", "123456789"),
        ("SUBSTRING('123456789', 2)", "23456789"),
        ("SUBSTRING('123456789', -4)", "123456789"),
        ("SUBSTRING('123456789', 0, 999)", "123456789"),
        ("SUBSTRING('123456789', 1, 5)", "12345"),
        ("SUBSTRING('123456789' FROM 3 FOR 2)", "34"),
        ("SUBSTRING('123456789', -2, 3)", ""),
        ("TRIM('   foobar   ')", "foobar"),
        ("TRIM(LEADING FROM '  foobar  ')", "foobar  "),
        ("TRIM(TRAILING FROM '  foobar  ')", "  foobar"),
        ("TRIM(BOTH '12' FROM '1112211foobar22211122')", "foobar"),
        ("TRIM('x' FROM 'xxaxx')", "a"),
        ("COALESCE(NULL, NULL, 'c')", "c"),
        ("COALESCE(NULL)", ""),
        ("NULLIF(1, 1)", ""),
        ("NULLIF(1, '1')", ""),  # '1' reads as a number beside one: equal
        ("NULLIF(1.0, 1)", ""),
        ("NULLIF(NULL, 1)", ""),
        ("CASE WHEN 1 = 2 THEN 'a' WHEN 2 = 2 THEN 'b' ELSE 'c' END", "b"),
        ("CASE 'x' WHEN 'y' THEN 1 WHEN 'x' THEN 2 END", "2"),
        ("CASE 'z' WHEN 'y' THEN 1 END", ""),
        ("'it''s'", "it's"),
        ("1 = 1", "true"),
        ("1 = '1'", "true"),
        ("1 = 'one'", "false"),
        ("1 <> 2 AND 2 != 3", "true"),
        ("NULL = NULL", ""),
        ("NULL OR TRUE", "true"),
        ("NULL AND FALSE", "false"),
        ("NOT NULL", ""),
        ("2 BETWEEN 1 AND 3", "true"),
        ("5 NOT BETWEEN 1 AND 3", "true"),
        ("'b' IN ('a', 'b')", "true"),
        ("'c' NOT IN ('a', 'b')", "true"),
        ("'c' IN ('a', NULL)", ""),
        ("'abc' LIKE 'a%'", "true"),
        ("'abc' LIKE '_b_'", "true"),
        ("'a%c' LIKE 'a!%c' ESCAPE '!'", "true"),
        ("'abc' LIKE 'a!%c' ESCAPE '!'", "false"),
        ("'abc' NOT LIKE 'b%'", "true"),
        ("NULL IS NULL", "true"),
        ("1 IS NOT NULL", "true"),
        ("'b' < 'c'", "true"),
        ("TRUE", "true"),
    ],
)
def test_expressions(expression: str, expected: str) -> None:
    assert value(expression) == expected


def test_select_star_and_where() -> None:
    assert query("SELECT * FROM archive WHERE _2 LIKE '%o%'") == [ROWS[1], ROWS[2]]
    assert query("select * from OBJECT") == ROWS


def test_positional_columns_and_aliases() -> None:
    assert query("SELECT s._2 AS who, _1 n FROM archive AS s WHERE s._1 IN ('1', '3')") == [
        ["alice", "1"],
        ["carol", "3"],
    ]
    assert query("SELECT _9 FROM archive", ROWS[:1]) == [[""]]  # past the record: null


def test_header_names() -> None:
    assert query("SELECT NAME, \"age\" FROM archive WHERE id = '1'", header=HEADER) == [
        ["alice", "30"]
    ]
    assert query("SELECT \"Name\" FROM archive s WHERE s.ID = '2'", header=HEADER) == [["Bob"]]
    with pytest.raises(SelectRuntimeError, match="MissingHeaderName"):
        query('SELECT "name" FROM archive', header=HEADER)
    with pytest.raises(SelectRuntimeError, match="AmbiguousFieldName"):
        query("SELECT a FROM archive", header=["a", "A"])


def test_null_fields_and_casts() -> None:
    sql = "SELECT _2 FROM archive WHERE CAST(NULLIF(_3, '') AS INT) IS NULL"
    assert query(sql, [ROWS[0], ROWS[2]]) == [["carol"]]


@pytest.mark.parametrize(
    ("expression", "code"),
    [
        ("CAST(_1 AS INT)", "CastFailed"),
        ("CAST('1.5' AS INT)", "CastFailed"),
        ("CAST(' 1' AS INT)", "CastFailed"),
        ("CAST('maybe' AS BOOL)", "CastFailed"),
        ("CAST('2007' AS TIMESTAMP)", "CastFailed"),
        ("_1 + 1", "InvalidArithmetic"),
        ("-_1", "InvalidArithmetic"),
        ("_1 < 5", "InvalidComparison"),
        ("1 / 0", "DivisionByZero"),
        ("1.5 % 0", "DivisionByZero"),
        ("9223372036854775807 + 1", "IntegerOverflow"),
        ("UPPER(1)", "InvalidArgument"),
        ("SUBSTRING('abc', '1')", "InvalidArgument"),
        ("SUBSTRING('abc', 1, -1)", "InvalidArgument"),
        ("'a' LIKE 'a' ESCAPE 'xy'", "InvalidEscape"),
        ("'a' LIKE 'a!' ESCAPE '!'", "InvalidEscape"),
        ("_1 AND TRUE", "InvalidBoolean"),
    ],
)
def test_runtime_errors(expression: str, code: str) -> None:
    with pytest.raises(SelectRuntimeError) as caught:
        query(f"SELECT {expression} FROM archive", [["a"]])
    assert caught.value.code == code
    assert caught.value.record == 1


def test_integer_literals_span_int64_with_their_sign() -> None:
    assert value("-9223372036854775808") == "-9223372036854775808"
    assert value("- 9223372036854775807 - 1") == "-9223372036854775808"
    assert value("-(5)") == "-5"
    with pytest.raises(SelectRuntimeError, match="IntegerOverflow"):
        parse("SELECT -9223372036854775809 FROM archive")


def test_where_must_be_boolean() -> None:
    with pytest.raises(SelectRuntimeError, match="WHERE needs a boolean"):
        query("SELECT * FROM archive WHERE _1")


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        (
            "SELECT * FROM archive WHERE",
            "expected a value, a column or a function, but the expression ended",
        ),
        ("SELECT COUNT(_1) FROM archive", "aggregate functions such as COUNT"),
        ("SELECT SUM(_1) FROM archive", "aggregate functions such as SUM"),
        ("SELECT DISTINCT _1 FROM archive", "SELECT DISTINCT is not supported"),
        ("SELECT _1 FROM archive HAVING _1", "HAVING is not supported"),
        ("SELECT _1 FROM archive UNION SELECT _1 FROM archive", "UNION is not supported"),
        ("SELECT * FROM archive a, archive b", "JOIN is not supported"),
        ("SELECT * FROM archive LEFT JOIN archive", "JOIN is not supported"),
        ("SELECT * FROM archive WHERE _1 IN (SELECT _1 FROM archive)", "subqueries"),
        ("SELECT * FROM table", "expected ARCHIVE or OBJECT after FROM"),
        ("SELECT x._1 FROM archive s", "is not the alias given in the FROM clause"),
        ("SELECT s._1 FROM archive", "is not the alias given in the FROM clause"),
        ("SELECT s.* FROM archive s", "s.* is not supported"),
        ("SELECT CAST(_1 AS BLOB) FROM archive", "expected a type"),
        ("SELECT UTCNOW() FROM archive", "not supported by pytest_glacier's select engine"),
        ("SELECT NULLIF(_1) FROM archive", "NULLIF takes 2 argument(s), 1 given"),
        ('SELECT "unterminated FROM archive', "unterminated quoted identifier"),
        ("SELECT _1 FROM archive WHERE _1 = = 1", "found '=' at character 35"),
        ("SELECT _1 FROM archive;", "expected the end of the expression, found ';'"),
        ("SELECT cast FROM archive", "expected a value, a column or a function, found 'cast'"),
        ("SELECT _1 FROM archive WHERE _1 NOT _2", "expected BETWEEN, IN or LIKE after NOT"),
        ("SELECT _1 @ 2 FROM archive", "unexpected character '@'"),
        ("SELECT " + "(" * 60 + "1" + ")" * 60 + " FROM archive", "nests more than 40"),
        ("SELECT " + " + ".join(["1"] * 300) + " FROM archive", f"more than {MAX_DEPTH}"),
    ],
)
def test_syntax_errors(sql: str, message: str) -> None:
    with pytest.raises(SelectSyntaxError, match=re.escape(message)):
        parse(sql)


def test_reserved_words_need_quotes() -> None:
    with pytest.raises(SelectSyntaxError):
        parse("SELECT select FROM archive")
    assert query('SELECT "CAST" FROM archive', [["x"]], header=["CAST"]) == [["x"]]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_any_text_parses_or_is_a_syntax_error(text: str) -> None:
    try:
        parse(text)
    except SelectSyntaxError as error:
        assert str(error)


# -- CSV -----------------------------------------------------------------------------------------
def test_read_records_defaults() -> None:
    text = 'a,b,c\r\n"x,1","he said ""hi""",\n\n1,2'
    assert list(read_records(text, CsvInput())) == [
        (1, ["a", "b", "c"]),
        (2, ["x,1", 'he said "hi"', ""]),
        (3, ["1", "2"]),
    ]


def test_read_records_options() -> None:
    options = CsvInput(
        comments="#", quote_escape="\\", record_delimiter="|", field_delimiter=";", quote="'"
    )
    text = "#skip 'me|a;'b\\'c'|'d|e';f|"
    assert list(read_records(text, options)) == [(1, ["a", "b'c"]), (2, ["d|e", "f"])]


def test_unterminated_quote_is_a_runtime_error() -> None:
    with pytest.raises(SelectRuntimeError, match="UnterminatedQuote") as caught:
        list(read_records('a\n"b', CsvInput()))
    assert caught.value.record == 2


def test_write_records() -> None:
    rows = [["a", "b,c", 'q"'], ["1", "", "x"]]
    assert write_records(rows, CsvOutput()) == 'a,"b,c","q"""\n1,,x\n'
    always = CsvOutput("ALWAYS", "\\", "\r\n", "\t", '"')
    assert write_records(rows, always) == '"a"\t"b,c"\t"q\\""\r\n"1"\t""\t"x"\r\n'


@given(
    st.lists(
        st.lists(st.text(alphabet='ab,"\n\r;|x', min_size=1), min_size=1, max_size=4), max_size=5
    )
)
def test_written_csv_reads_back(rows: list[list[str]]) -> None:
    text = write_records(rows, CsvOutput("ALWAYS"))
    assert [fields for _, fields in read_records(text, CsvInput())] == rows


@pytest.mark.parametrize(
    ("where", "rows", "selected"),
    [
        ("_1 > 100", [["5"], ["500"], ["100"], ["1e3"], ["100.5"]], ["500", "1e3", "100.5"]),
        ("_1 >= 1.5", [["1"], ["1.5"], ["2"]], ["1.5", "2"]),
        ("100 < _1", [["99"], ["101"]], ["101"]),
        ("_1 = 5", [["5"], ["5.0"], ["05"], ["x"]], ["5", "5.0", "05"]),
        ("_1 BETWEEN 2 AND 4", [["1"], ["3"], ["-3"]], ["3"]),
        ("_1 IN (1, 2)", [["1"], ["3"], ["a"]], ["1"]),
        ("_1 > _2", [["9", "10"]], ["9"]),  # two fields: compared as text
    ],
)
def test_a_field_that_reads_as_a_number_compares_as_one(
    where: str, rows: list[list[str]], selected: list[str]
) -> None:
    assert [r[0] for r in query(f"SELECT _1 FROM archive WHERE {where}", rows)] == selected


@pytest.mark.parametrize("text", ["abc", " 5", "", "0x10", "1,5"])
def test_a_field_that_does_not_read_as_a_number_cannot_be_ordered_against_one(
    text: str,
) -> None:
    with pytest.raises(SelectRuntimeError) as caught:
        query("SELECT _1 FROM archive WHERE _1 > 100", [[text]])
    assert caught.value.code == "InvalidComparison"
    assert query("SELECT _1 FROM archive WHERE _1 = 100", [[text]]) == []
