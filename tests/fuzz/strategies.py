"""Hypothesis strategies for fuzzing every operation of botocore's glacier model.

Inputs are drawn by walking each operation's input shape (strings of every awkward kind,
numbers out of range, blobs, nested JSON bodies, wrong types, members left out), often naming
the ids of a state built first (``Ref``, resolved by the harness), so handlers go past their
404s; ``PLANS`` draws that state and ``TAMPERING`` the edits a hand-written client could make.
"""

from __future__ import annotations

import bisect
import io
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import botocore.session
from botocore.utils import calculate_tree_hash
from hypothesis import strategies as st

MODEL = botocore.session.get_session().get_service_model("glacier")
OPERATIONS = sorted(MODEL.operation_names)
MIB = 1 << 20
ACCOUNT = "123456789012"
TOPIC = f"arn:aws:sns:us-east-1:{ACCOUNT}:topic"
VAULT_ARN = f"arn:aws:glacier:us-east-1:{ACCOUNT}:vaults/"
EMPTY_HASH = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def weighted(*options: tuple[int, st.SearchStrategy[Any]]) -> st.SearchStrategy[Any]:
    """One of ``options`` in proportion to its weight; shrinks toward the first."""
    bounds = list(itertools.accumulate(weight for weight, _ in options))
    return st.integers(0, bounds[-1] - 1).flatmap(
        lambda n: options[bisect.bisect_right(bounds, n)][1]
    )


def mostly(valid: st.SearchStrategy[Any], fuzzed: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Usually a valid value, so that the members after it get checked too."""
    return weighted((9, valid), (1, fuzzed))


# -- references to the state an example builds first --------------------------------------


@dataclass(frozen=True)
class Ref:
    """A value that exists once the example's state is built: an id, the archive's bytes.

    ``change`` makes it a near miss (``upper``, ``chop``, ``extend``, ``slash``). The
    ``coherent_*`` refs agree with the request's other members (a part's range and hash).
    """

    what: str
    change: str = ""


NEAR_MISSES: dict[str, Callable[[str], str]] = {
    "upper": str.upper,
    "chop": lambda text: text[:-1],
    "extend": lambda text: text + "A",
    "slash": lambda text: text + "/x",
}


def refs(*names: str) -> st.SearchStrategy[Ref]:
    return st.builds(Ref, st.sampled_from(names), st.sampled_from(["", "", "", *NEAR_MISSES]))


# -- leaf values ----------------------------------------------------------------------------

SPECIAL_TEXT = [
    *("", " ", "  lead", "-", ".", "..", "../", "../vault", "..%2F..", "%2F", "%", "%00"),
    *("a/b", "/", "?x=1", "#", "&", "=", "+", ";", "*", "\\", "\x00", "\n", "\r\n", "\t"),
    *("é", "日本語", "😀", "\ud800", "a\udfff", "\x7f", "\u202e", "\ufeff", "\u0661\u0662"),
    *("0", "-1", "1", "00", "²", "\uff11", "1048576", "4294967296", "9223372036854775808"),
    *("1e3", "0x10", " 1", "1 ", "NaN", "inf", "null", "true", "[]", "{}", '{"a":', "'", '"'),
    *("{value}", "{0}", "%s", "${x}", "vault", "VAULT", "jobs", "tags"),
]
HUGE_TEXT = st.sampled_from([1025, 4097, 70_000]).flatmap(
    lambda n: st.sampled_from(["x" * n, "é" * n, "%2F" * (n // 3), "\ud800" * n])
)
URLSAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
#: characters that break what assumes ASCII, UTF-8, one line or no markup
NASTY = ["\ud800", "\udfff", "\x00", "\n", "\u0661", "²", "é", "😀", "%", "/", "{", "}", '"', "\\"]


def salted(text: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """``text`` with one nasty character put in somewhere."""
    return st.builds(
        lambda value, char, at: value[:at] + char + value[at:],
        text,
        st.sampled_from(NASTY),
        st.integers(0, 400),
    )


TEXT: st.SearchStrategy[str] = weighted(
    (4, st.sampled_from(SPECIAL_TEXT)),
    (3, salted(st.text(URLSAFE, max_size=16))),
    (4, st.text(st.characters(exclude_categories=()), max_size=24)),
    (2, st.text("0123456789-", max_size=22)),
    (2, st.text(URLSAFE, max_size=140)),
    (1, HUGE_TEXT),
)
ODD_NUMBERS = ["0", "-0", "-1", "+1048576", "1048575", "1048577", "8589934592", "1048576.0"]
ODD_NUMBERS += ["99999999999999999999999999", "1e6", " 1048576", "\u0661", "²"]
NUMERIC_TEXT: st.SearchStrategy[str] = weighted(
    (3, st.sampled_from([str(1 << k) for k in range(34)])),
    (2, st.sampled_from(ODD_NUMBERS)),
    (3, st.integers(-(2**70), 2**70).map(str)),
    (2, TEXT),
)
HUGE_NUMBERS = [2**63 - 1, 2**63, -(2**63) - 1, 10**30, 10**400, 10**4000]
INTEGERS: st.SearchStrategy[int] = weighted(
    (3, st.integers(-(2**64), 2**64)), (1, st.sampled_from(HUGE_NUMBERS))
)
SCALARS = st.one_of(
    st.none(), st.booleans(), INTEGERS, st.floats(allow_nan=True, allow_infinity=True), TEXT
)


def nested_lists(depth: int) -> Any:
    value: Any = []
    for _ in range(depth):
        value = [value]
    return value


#: any JSON value: what a member of the wrong type holds
ANY_JSON: st.SearchStrategy[Any] = weighted(
    (
        8,
        st.recursive(
            SCALARS,
            lambda children: (
                st.lists(children, max_size=3) | st.dictionaries(TEXT, children, max_size=3)
            ),
            max_leaves=6,
        ),
    ),
    (1, st.integers(1, 1200).map(nested_lists)),
)
OFFSETS = weighted(
    (3, st.integers(0, 3 * MIB)),
    (1, st.sampled_from([0, MIB - 1, MIB, 9999 * MIB, 10000 * MIB, 2**63, 10**30])),
    (1, st.integers(-5, -1)),
)
ODD_CONTENT_RANGES = ["bytes=0-2", "bytes 0-2", "bytes 2-0/*", "bytes -1-2/*", "bytes 0--1/*"]
ODD_CONTENT_RANGES += ["bytes \u0661-\u0662/*", "bytes 0-2/*,bytes 3-4/*", " bytes 0-2/* "]
CONTENT_RANGES = weighted(
    (2, OFFSETS.map(lambda start: Ref("coherent_range", str(start)))),
    (
        3,
        st.builds("bytes {}-{}/{}".format, OFFSETS, OFFSETS, st.sampled_from(["*", "0", "9" * 30])),
    ),
    (1, st.sampled_from(ODD_CONTENT_RANGES)),
    (1, TEXT),
)
ODD_HTTP_RANGES = ["bytes=-5", "bytes=0-", "bytes=0-0,2-3", "bytes 0-2/*", "bytes=\u0661-\u0662"]
ODD_HTTP_RANGES += ["bytes=", "items=0-1", " bytes=0-1 ", "bytes=0-0\n"]
HTTP_RANGES = weighted(
    (4, st.builds("bytes={}-{}".format, OFFSETS, OFFSETS | st.just(""))),
    (1, st.sampled_from(ODD_HTTP_RANGES)),
    (1, TEXT),
)
BYTE_RANGES = weighted(
    (4, st.builds("{}-{}".format, OFFSETS, OFFSETS)),
    (1, st.sampled_from(["0-", "-1", "0-1048575", "1048576-2097151", "0 - 1", "\u0660-\u0661"])),
    (1, st.just(Ref("whole_range"))),
    (1, TEXT),
)
HASHES = weighted(
    (2, st.just(Ref("coherent_hash"))),
    (3, st.text("0123456789abcdef", min_size=64, max_size=64)),
    (2, st.sampled_from([EMPTY_HASH, EMPTY_HASH.upper(), "0" * 32, "0" * 64, "0" * 65, "g" * 64])),
    (1, st.text("0123456789abcdefABCDEF", max_size=70)),
    (2, TEXT),
)
ODD_DATES = ["2012-02-30T00:00:00Z", "2013-03-20T17:03:43.221Z", "2013-03-20T17:03:43+00:00"]
ODD_DATES += ["2013-03-20", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2013-13-01T00:00:00Z"]
ODD_DATES += ["2013-03-20T24:00:00Z", "2013-03-20T23:59:60Z", "\uff12013-03-20T17:03:43Z"]
DATES = weighted(
    (3, st.datetimes().map(lambda moment: moment.isoformat(timespec="seconds") + "Z")),
    (2, st.sampled_from(ODD_DATES)),
    (1, TEXT),
)
SNS = f"arn:aws:sns:us-east-1:{ACCOUNT}:"
ODD_TOPICS = [
    TOPIC,
    f"arn:aws-cn:sns:cn-north-1:{ACCOUNT}:t.fifo",
    SNS + "t" * 256,
    SNS + "t" * 257,
]
ODD_TOPICS += ["arn:aws:sns:us-east-1:12345678901:t", f"arn:aws:sqs:us-east-1:{ACCOUNT}:q"]
TOPICS = weighted((3, st.sampled_from(ODD_TOPICS)), (1, TEXT))
PRINTABLE = st.characters(min_codepoint=32, max_codepoint=126)
DESCRIPTIONS = weighted(
    (3, st.text(PRINTABLE, max_size=30)),
    (1, st.sampled_from(["x" * 1024, "x" * 1025, "   spaces", "a,b", 'q"q', "\\,"])),
    (2, TEXT),
)
ODD_TAGS = ["aws:x", "AWS:x", "", "k" * 128, "k" * 129, "v" * 255, "v" * 256, "frozen", "yes"]
TAG_TEXT = weighted(
    (3, st.text("abcXYZ019 _.:/=+-@", max_size=12)), (1, st.sampled_from(ODD_TAGS)), (1, TEXT)
)
TAGS = weighted(
    (4, st.dictionaries(TAG_TEXT, TAG_TEXT, max_size=11)),
    (1, st.dictionaries(st.text("abcdefghij", min_size=3, max_size=6), st.just("v"), min_size=40)),
)
CSV_CHARS = weighted(
    (4, st.sampled_from([",", ";", "|", "\t", "\n", "\r", "\r\n", '"', "'", "#", "\\", "é"])),
    (1, st.sampled_from(["", "ab", "\x00", "\ud800"]) | TEXT),
)


def enum_values(values: list[str]) -> st.SearchStrategy[str]:
    """An enum: its values, their case variants, and anything else."""
    variants = [*values, *(v.lower() for v in values), *(v.upper() for v in values)]
    return weighted((4, st.sampled_from(variants)), (1, TEXT))


TIERS = enum_values(["Expedited", "Standard", "Bulk"])

# -- S3 Glacier Select expressions ----------------------------------------------------------

SQL_LEAVES = weighted(
    (4, st.sampled_from(["_1", "_2", "_3", "_1", "_2", "NULL", "MISSING", "TRUE", "FALSE"])),
    (
        2,
        st.sampled_from(
            [
                *("0", "1", "-1", "1.5", "1e308", "1e309", "9223372036854775807"),
                *("9223372036854775808", "-9223372036854775808", "99999999999999999999"),
                *("0.0000000000000000000000000000000000000001", "1" + "0" * 40 + ".5"),
            ]
        ),
    ),
    (
        2,
        st.sampled_from(
            [
                *("'x'", "''", "'%'", "'_'", "'\\'", "'2020-01-01T00:00:00Z'", "'2020'", "'y'"),
                *("'2020-01-01T00:00Z'", "'9999-12-31T23:59:59.999999999+14:00'", "'%Y'"),
                *("'yyyy-MM-dd'", "'MMMM d, y h:m:s a'", "'XXXXX'", "'nnnnnnnnn'", "'Q'"),
                "UTCNOW()",
            ]
        ),
    ),
    # header names and qualified names need FileHeaderInfo USE and a FROM alias
    (1, st.sampled_from(["s._1", "a", '"a"', '"A"', "b", "_0", "_99"])),
)
BINARY_OPS = ["+", "-", "*", "/", "%", "||", "=", "<>", "!=", "<", ">", "<=", ">=", "AND", "OR"]
FUNCTIONS_1 = ["CHAR_LENGTH", "CHARACTER_LENGTH", "LOWER", "UPPER", "TO_TIMESTAMP", "COALESCE"]
TYPES = ["INT", "INTEGER", "FLOAT", "DECIMAL", "NUMERIC", "STRING", "BOOL", "TIMESTAMP", "DATE"]
DATE_PARTS = ["year", "month", "day", "hour", "minute", "second", "timezone_hour", "week"]


def sql_compound(child: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    two, three = st.tuples(child, child), st.tuples(child, child, child)
    part = st.sampled_from(DATE_PARTS)
    return st.one_of(
        st.tuples(child, st.sampled_from(BINARY_OPS), child).map(" ".join),
        st.tuples(st.sampled_from(["-", "+", "NOT"]), child).map(" ".join),
        child.map("({})".format),
        st.tuples(st.sampled_from(FUNCTIONS_1), child).map(lambda t: f"{t[0]}({t[1]})"),
        st.tuples(child, st.sampled_from(TYPES)).map(lambda t: f"CAST({t[0]} AS {t[1]})"),
        three.map(lambda t: f"{t[0]} BETWEEN {t[1]} AND {t[2]}"),
        st.tuples(child, st.lists(child, min_size=1, max_size=3)).map(
            lambda t: f"{t[0]} NOT IN ({', '.join(t[1])})"
        ),
        two.map(lambda t: f"{t[0]} LIKE {t[1]}"),
        three.map(lambda t: f"{t[0]} LIKE {t[1]} ESCAPE {t[2]}"),
        three.map(lambda t: f"SUBSTRING({t[0]} FROM {t[1]} FOR {t[2]})"),
        two.map(lambda t: f"SUBSTRING({t[0]}, {t[1]})"),
        st.tuples(st.sampled_from(["LEADING", "TRAILING", "BOTH", ""]), child, child).map(
            lambda t: f"TRIM({t[0]} {t[1]} FROM {t[2]})"
        ),
        st.tuples(part, child, child).map(lambda t: f"DATE_ADD({t[0]}, {t[1]}, {t[2]})"),
        st.tuples(part, child, child).map(lambda t: f"DATE_DIFF({t[0]}, {t[1]}, {t[2]})"),
        st.tuples(part, child).map(lambda t: f"EXTRACT({t[0]} FROM {t[1]})"),
        two.map(lambda t: f"TO_STRING({t[0]}, {t[1]})"),
        two.map(lambda t: f"NULLIF({t[0]}, {t[1]})"),
        three.map(lambda t: f"CASE WHEN {t[0]} THEN {t[1]} ELSE {t[2]} END"),
        three.map(lambda t: f"CASE {t[0]} WHEN {t[1]} THEN {t[2]} END"),
        st.tuples(child, st.sampled_from(["IS NULL", "IS NOT NULL", "IS MISSING"])).map(" ".join),
    )


SQL_EXPRESSIONS = st.recursive(SQL_LEAVES, sql_compound, max_leaves=6)
SQL_TOKENS = "SELECT * FROM ARCHIVE OBJECT s WHERE AS ( ) , . [ ] ; CASE WHEN THEN END CAST IN"
SQL_TOKENS += " LIKE BETWEEN AND COUNT LIMIT DISTINCT ' \" 1 _1 NOT IS NULL TRIM FOR"
SOURCES = ["archive", "ARCHIVE", "object", "s3object", "archive s", "archive AS s"]
SQL = weighted(
    (
        6,
        st.builds(
            "SELECT {} FROM {}{}".format,
            st.just("*") | st.lists(SQL_EXPRESSIONS, min_size=1, max_size=3).map(", ".join),
            st.sampled_from(SOURCES),
            st.just("") | SQL_EXPRESSIONS.map(" WHERE {}".format),
        ),
    ),
    (2, st.lists(st.sampled_from(SQL_TOKENS.split()), max_size=12).map(" ".join)),
    (1, st.integers(1, 3000).map(lambda n: "SELECT " + "(" * n + "1" + ")" * n + " FROM archive")),
    (1, TEXT),
)

# -- IAM-style policy documents -------------------------------------------------------------

CONDITION_VALUES = weighted(
    (3, st.sampled_from(["1", "0", "-1", "1.5", "abc", "true", "", "*", "a*b?", "1e400"])),
    (2, st.sampled_from([1, 0, -1, 1.5, *HUGE_NUMBERS, float("nan"), float("inf"), True, None])),
    (1, st.lists(st.sampled_from(["1", 2, "x", 10**400]), max_size=3)),
    (1, ANY_JSON),
)
CONDITION_OPERATORS = "StringEquals StringNotEquals StringEqualsIgnoreCase StringLike"
CONDITION_OPERATORS += " StringNotLike NumericEquals NumericNotEquals NumericLessThan Null"
CONDITION_OPERATORS += " NumericGreaterThanEquals NumericLessThanIfExists StringLikeIfExists"
CONDITION_OPERATORS += " ForAnyValue:StringEquals Bool DateLessThan IfExists"
CONDITION_KEYS = "glacier:ArchiveAgeInDays glacier:archiveageindays glacier:ResourceTag/frozen"
CONDITION_KEYS += " glacier:ResourceTag/ glacier:resourcetag/x aws:CurrentTime"
CONDITIONS = st.dictionaries(
    st.sampled_from(CONDITION_OPERATORS.split()) | TEXT,
    st.dictionaries(st.sampled_from(CONDITION_KEYS.split()) | TEXT, CONDITION_VALUES, max_size=2)
    | ANY_JSON,
    max_size=2,
)
PRINCIPALS = st.sampled_from(
    [
        *("*", {"AWS": "*"}, {"AWS": ACCOUNT}, {"AWS": f"arn:aws:iam::{ACCOUNT}:user/x"}),
        *({"AWS": [f"arn:aws:iam::{ACCOUNT}:root", "999999999999"]}, {"Service": "x"}, {}),
        *({"AWS": []}, {"AWS": "bad"}),
    ]
)
ACTIONS = "* glacier:* glacier:DeleteArchive glacier:initiatejob glacier:Delete* glacier:"
ACTIONS += " glacier:?nitiateJob s3:* glacier:Nope Glacier:AddTagsToVault"
RESOURCES = ["*", VAULT_ARN + "vault", "arn:aws:glacier:*:*:vaults/*", "arn:", "vault", ""]


def one_or_list(values: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return weighted((3, values), (2, st.lists(values, max_size=3)), (1, ANY_JSON))


@st.composite
def statements(draw: st.DrawFn) -> dict[str, Any]:
    statement: dict[str, Any] = {
        "Effect": draw(weighted((6, st.sampled_from(["Deny", "Allow"])), (1, ANY_JSON))),
        "Principal": draw(weighted((6, PRINCIPALS), (1, ANY_JSON))),
    }
    for element, values in (("Action", ACTIONS.split()), ("Resource", RESOURCES)):
        negated = f"Not{element}"
        chosen = [[element], [element], [negated], [], [element, negated]]
        for name in draw(st.sampled_from(chosen)):
            statement[name] = draw(one_or_list(st.sampled_from(values)))
    if draw(st.booleans()):
        statement["Condition"] = draw(weighted((5, CONDITIONS), (1, ANY_JSON)))
    if draw(st.integers(0, 9)) == 0:
        statement[draw(st.sampled_from(["Sid", "Extra"]))] = draw(ANY_JSON)
    return statement


POLICY_DOCUMENTS = st.fixed_dictionaries(
    {"Statement": one_or_list(statements())},
    optional={"Version": st.sampled_from(["2012-10-17", "2008-10-17", "2020-01-01"]), "Id": TEXT},
)
POLICY_TEXT = weighted(
    (6, POLICY_DOCUMENTS.map(json.dumps)),
    (1, ANY_JSON.map(json.dumps)),
    (
        1,
        st.integers(1, 10_000).flatmap(
            lambda n: st.sampled_from(
                ["[" * n + "]" * n, '{"Statement":' + "[" * n + "]" * n + "}", '{"a":' * n]
            )
        ),
    ),
    (1, POLICY_DOCUMENTS.map(lambda document: json.dumps(document) + " " * 20_480)),
    (1, salted(POLICY_DOCUMENTS.map(json.dumps))),
    (1, TEXT),
)

# -- request bodies as an informed caller writes them ---------------------------------------

CSV_INPUT = st.fixed_dictionaries(
    {},
    optional={
        "FileHeaderInfo": enum_values(["USE", "IGNORE", "NONE"]),
        **dict.fromkeys(
            ["Comments", "QuoteEscapeCharacter", "RecordDelimiter", "FieldDelimiter"], CSV_CHARS
        ),
        "QuoteCharacter": CSV_CHARS,
    },
)
CSV_OUTPUT = st.fixed_dictionaries(
    {},
    optional={
        "QuoteFields": enum_values(["ALWAYS", "ASNEEDED"]),
        **dict.fromkeys(
            ["QuoteEscapeCharacter", "RecordDelimiter", "FieldDelimiter", "QuoteCharacter"],
            CSV_CHARS,
        ),
    },
)
BUCKETS = st.sampled_from(["bucket", "my.bucket", "a", "a..b", "Bucket", "b" * 64]) | TEXT
PREFIXES = st.sampled_from(["out", "a/b/", "é" * 256, "x" * 512, "x" * 513, "\ud800"]) | TEXT
DESCRIBED = {
    "Description": mostly(st.text(PRINTABLE, max_size=20), DESCRIPTIONS),
    "SNSTopic": mostly(st.just(TOPIC), TOPICS),
}


def job_parameters() -> st.SearchStrategy[dict[str, Any]]:
    """Bodies of each job type with the members that type takes, each value fuzzed."""
    archive = mostly(st.just(Ref("archive")), refs("archive", "other_archive"))
    s3_members = MODEL.shape_for("S3Location").members
    extras = ("Encryption", "CannedACL", "AccessControlList", "Tagging", "StorageClass")

    @st.composite
    def s3_locations(draw: st.DrawFn) -> dict[str, Any]:
        s3 = {
            "BucketName": draw(mostly(st.just("bucket"), BUCKETS)),
            "Prefix": draw(mostly(st.just("out"), PREFIXES)),
        }
        for name in draw(st.lists(st.sampled_from(extras), max_size=2, unique=True)):
            s3[name] = draw(generic(s3_members[name], "InitiateJob"))
        return s3

    select = st.fixed_dictionaries(
        {"Expression": SQL, "ExpressionType": mostly(st.just("SQL"), enum_values(["SQL"]))},
        optional={
            "InputSerialization": st.fixed_dictionaries({"csv": CSV_INPUT}),
            "OutputSerialization": st.fixed_dictionaries({"csv": CSV_OUTPUT}),
        },
    )
    inventory = st.fixed_dictionaries(
        {},
        optional={"StartDate": DATES, "EndDate": DATES, "Limit": NUMERIC_TEXT, "Marker": TEXT},
    )
    return st.one_of(
        st.fixed_dictionaries(
            {"Type": st.just("archive-retrieval"), "ArchiveId": archive},
            optional={"Tier": TIERS, "RetrievalByteRange": BYTE_RANGES, **DESCRIBED},
        ),
        st.fixed_dictionaries(
            {"Type": st.just("inventory-retrieval")},
            optional={
                "Format": enum_values(["CSV", "JSON"]),
                "Tier": TIERS,
                "InventoryRetrievalParameters": inventory,
                **DESCRIBED,
            },
        ),
        st.fixed_dictionaries(
            {
                "Type": st.just("select"),
                "ArchiveId": archive,
                "SelectParameters": select,
                "OutputLocation": st.fixed_dictionaries({"S3": s3_locations()}),
            },
            optional={"Tier": mostly(st.sampled_from(["Standard", "Bulk"]), TIERS), **DESCRIBED},
        ),
    )


RULES = st.fixed_dictionaries(
    {"Strategy": enum_values(["BytesPerHour", "FreeTier", "None"])},
    optional={"BytesPerHour": INTEGERS | st.floats() | TEXT},
)
RETRIEVAL_POLICIES = st.fixed_dictionaries({"Rules": st.lists(RULES, max_size=2)})
EVENTS = enum_values(["ArchiveRetrievalCompleted", "InventoryRetrievalCompleted"])
NOTIFICATION_CONFIGS = st.fixed_dictionaries(
    {"SNSTopic": TOPICS, "Events": st.lists(EVENTS, max_size=3)}
)

# -- walking an operation's input shape -----------------------------------------------------

#: member name -> [(operation, or None for all, strategy)]: what an informed caller sends
LEAVES: dict[str, list[tuple[str | None, st.SearchStrategy[Any]]]] = {
    "accountId": [(None, weighted((8, st.just("-")), (1, st.just(ACCOUNT)), (1, TEXT)))],
    "vaultName": [
        (None, weighted((12, st.just("vault")), (2, st.just("other")), (1, refs("vault"))))
    ],
    "archiveId": [(None, refs("archive", "other_archive"))],
    "jobId": [
        (None, refs("job:archive", "job:inventory", "job:select", "job:range", "job:failed"))
    ],
    "uploadId": [(None, refs("upload"))],
    "lockId": [(None, refs("lock"))],
    "partSize": [(None, NUMERIC_TEXT)],
    "archiveSize": [(None, weighted((2, st.just(Ref("coherent_size"))), (3, NUMERIC_TEXT)))],
    "checksum": [(None, HASHES)],
    "range": [("UploadMultipartPart", CONTENT_RANGES), ("GetJobOutput", HTTP_RANGES)],
    "archiveDescription": [(None, DESCRIPTIONS)],
    "limit": [(None, NUMERIC_TEXT)],
    "marker": [
        ("ListVaults", st.builds(lambda name: VAULT_ARN + name, TEXT) | TEXT),
        ("ListJobs", refs("job:archive", "job:inventory") | TEXT),
        ("ListParts", NUMERIC_TEXT),
        ("ListMultipartUploads", refs("upload") | TEXT),
    ],
    "statuscode": [(None, enum_values(["InProgress", "Succeeded", "Failed"]))],
    "completed": [(None, enum_values(["true", "false", "True", "1", "yes"]))],
    "body": [
        (
            None,
            weighted(
                (3, st.binary(max_size=40)),
                (2, st.just(Ref("archive_data"))),
                (1, st.sampled_from([b"", b"a" * (MIB + 1)])),
                (1, TEXT),
            ),
        )
    ],
    "jobParameters": [(None, st.deferred(job_parameters))],
    "Policy": [
        ("SetDataRetrievalPolicy", RETRIEVAL_POLICIES),
        ("SetVaultAccessPolicy", POLICY_TEXT),
        ("InitiateVaultLock", POLICY_TEXT),
    ],
    "vaultNotificationConfig": [(None, NOTIFICATION_CONFIGS)],
    "Tags": [(None, TAGS)],
    "TagKeys": [(None, st.lists(TAG_TEXT, max_size=12))],
}
#: optional in the model, but a request means little without them
LIKELY = {"partSize", "range", "archiveSize", "checksum", "body", "Type", "Rules", "Policy"}
LIKELY |= {"jobParameters", "policy", "vaultNotificationConfig", "Tags", "TagKeys"}


def informed(operation: str, name: str) -> st.SearchStrategy[Any] | None:
    for applies_to, strategy in LEAVES.get(name, ()):
        if applies_to in (None, operation):
            return strategy
    return None


def generic(shape: Any, operation: str) -> st.SearchStrategy[Any]:
    """Values of a shape's type, whatever its member means."""
    kind = shape.type_name
    if kind == "structure":
        return structures(shape, operation)
    if kind == "list":
        return st.lists(values_for(shape.member, "", operation), max_size=4)
    if kind == "map":
        keys = values_for(shape.key, "", operation, wrong_types=False)
        return st.dictionaries(keys, values_for(shape.value, "", operation), max_size=4)
    if kind == "string":
        enum = getattr(shape, "enum", None)
        return enum_values(list(enum)) if enum else TEXT
    if kind in ("long", "integer"):
        return INTEGERS
    if kind == "boolean":
        return st.booleans()
    if kind == "blob":
        return st.binary(max_size=64)
    return ANY_JSON


def values_for(
    shape: Any, name: str, operation: str, *, wrong_types: bool = True
) -> st.SearchStrategy[Any]:
    """Mostly what the member means, sometimes any value of its type, rarely another type."""
    options = [(1, generic(shape, operation))]
    tailored = informed(operation, name)
    if tailored is not None:
        options.insert(0, (6, tailored))
    if wrong_types:
        options.append((1, ANY_JSON))
    return weighted(*options)


def structures(shape: Any, operation: str, *, top: bool = False) -> st.SearchStrategy[Any]:
    """Each member present or not (a required one left out now and then)."""
    members = []
    for name, member in shape.members.items():
        # a path or header parameter of another type is only str()-ed by botocore
        in_body = not top or member.serialization.get("location") is None
        presence = 97 if name in shape.required_members else 85 if name in LIKELY else 50
        members.append((name, presence, values_for(member, name, operation, wrong_types=in_body)))

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Any]:
        out = {}
        for name, presence, values in members:
            if draw(st.integers(0, 99)) < presence:
                out[name] = draw(values)
        return out

    return build()


@cache
def requests_of(operation: str) -> st.SearchStrategy[dict[str, Any]]:
    return structures(MODEL.operation_model(operation).input_shape, operation, top=True)


@dataclass(frozen=True)
class Tamper:
    """A hand-edited request: its body replaced, or one header replaced (None: removed)."""

    body: bytes | None = None
    header: tuple[str, str | None] | None = None


RAW_BODIES = weighted(
    (
        3,
        st.sampled_from(
            [
                *(b"", b"{", b"[]", b"null", b"1", b'"x"', b"{}", b'{"Type": ', b"\xff\xfe"),
                *(b'{"a":1,"a":2}', b"NaN", b"-Infinity", b'{"Type":"select"}', b"\x00"),
                b'{"Policy":{"Rules":[{"Strategy":"BytesPerHour","BytesPerHour":1e999}]}}',
                b'{"Limit":' + b"1" * 4301 + b"}",
            ]
        ),
    ),
    (2, st.integers(1, 100_000).map(lambda n: b"[" * n + b"]" * n)),
    (1, st.integers(1, 100_000).map(lambda n: b'{"Tags":' * n)),
    (2, ANY_JSON.map(lambda value: json.dumps(value).encode())),
    (1, st.binary(max_size=64)),
)
HEADERS = "Content-Length x-amz-content-sha256 x-amz-sha256-tree-hash Content-Type Range Host"
HEADERS += " x-amz-glacier-version x-amz-archive-size x-amz-part-size Content-Range"
HEADERS += " x-amz-archive-description"
TAMPERING = weighted(
    (12, st.none()),
    (1, st.builds(Tamper, body=RAW_BODIES)),
    (
        1,
        st.builds(
            Tamper,
            header=st.tuples(st.sampled_from(HEADERS.split()), st.none() | NUMERIC_TEXT | TEXT),
        ),
    ),
)

# -- the state an example starts from -------------------------------------------------------

CSV_CELLS = ["1", "-1", "0", "1.5", "abc", "", "9223372036854775807", "9223372036854775808"]
CSV_CELLS += ["1e308", "1e309", "NaN", "2020-01-01T00:00:00Z", "2020-02-30T00:00:00Z", "true"]
CSV_CELLS += ['"q,uoted"', '"unterminated', "日本", "\r", "  1  "]
CSV_ARCHIVES = st.builds(
    lambda header, rows: (header + "".join(",".join(row) + "\n" for row in rows)).encode(),
    st.sampled_from(["", "a,b,c\n", "A,a,_1\n"]),
    st.lists(st.lists(st.sampled_from(CSV_CELLS), min_size=1, max_size=4), min_size=1, max_size=4),
)


class Large(bytes):
    """An archive of more than 1 MiB of ``a``, shown by its size in failure reports."""

    def __new__(cls, size: int) -> Large:
        return super().__new__(cls, b"a" * size)

    def __repr__(self) -> str:
        return f"Large({len(self)})"


JOB_KINDS = ("archive", "inventory", "select", "range", "failed")


@dataclass(frozen=True)
class Plan:
    """What exists before the fuzzed request; built through the API in this order."""

    archive: bytes
    description: str
    other_vault: bool
    part: bytes | None
    jobs: frozenset[str]
    complete_jobs: bool
    notifications: bool
    capacity_units: int
    retrieval_policy: str
    tags: dict[str, str]
    access_policy: bool
    lock: str


PLANS = st.builds(
    Plan,
    archive=weighted(
        (5, CSV_ARCHIVES), (1, st.binary(min_size=1, max_size=32)), (1, st.just(Large(MIB + 5)))
    ),
    description=st.text(PRINTABLE, max_size=12),
    other_vault=st.booleans(),
    part=st.none() | st.binary(min_size=1, max_size=8),
    jobs=st.frozensets(st.sampled_from(JOB_KINDS)),
    complete_jobs=st.booleans(),
    notifications=st.booleans(),
    capacity_units=st.integers(0, 2),
    retrieval_policy=st.sampled_from(["", "FreeTier", "BytesPerHour"]),
    tags=weighted((4, st.just({})), (4, st.just({"team": "a b"})), (1, st.just({"frozen": "yes"}))),
    access_policy=st.booleans(),
    lock=st.sampled_from(["", "InProgress", "Locked"]),
)


#: a vault holding one CSV archive and an open upload, nothing else
SIMPLE_PLAN = Plan(b"1,2\n", "", False, None, frozenset(), False, False, 0, "", {}, False, "")


def deny(action: str, condition: dict[str, Any]) -> str:
    statement = {"Effect": "Deny", "Principal": "*", "Action": action, "Resource": "*"}
    return json.dumps({"Statement": [{**statement, "Condition": condition}]})


#: a lock keeping young archives and an access policy keyed on a tag: evaluated on many calls
LOCK_POLICY = deny("glacier:DeleteArchive", {"NumericLessThan": {"glacier:ArchiveAgeInDays": "1"}})
ACCESS_POLICY = deny("glacier:Initiate*", {"StringEquals": {"glacier:ResourceTag/frozen": "yes"}})


def tree(data: bytes) -> str:
    return str(calculate_tree_hash(io.BytesIO(data)))


def select_job(
    archive_id: Any, expression: str = "SELECT * FROM archive", prefix: str = "out"
) -> dict[str, Any]:
    return {
        "Type": "select",
        "ArchiveId": archive_id,
        "Tier": "Bulk",
        "SelectParameters": {"Expression": expression, "ExpressionType": "SQL"},
        "OutputLocation": {"S3": {"BucketName": "bucket", "Prefix": prefix}},
    }
