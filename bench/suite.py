"""A 500-test suite as users write it, run against each double in a fresh pytest process.

The tests are a mix of what a project's Glacier tests do: restore an archive (upload,
archive-retrieval job, wait, output), take an inventory, list vaults, meet an error, and a
vault's create/describe/delete. Each test makes its own boto3 client. The same tests run
against the ``glacier`` fixture and against the floor: the very same test text, its
``glacier`` fixture a stand-in whose ``before-send`` hook replays the HTTP answers the double
gave each test (recorded in a first run), so botocore serialises, signs and parses exactly
as against the double, and only answering differs (as ``percall``'s floor). For reference,
botocore's ``Stubber`` (which skips serialising, signing and parsing altogether) and, when
moto is installed, moto's ``mock_aws`` both "as usually written" (``@mock_aws`` on every
test, freezegun to move time) and with one ``mock_aws`` for the whole session. Whole-process
wall time in the parent, and the process's CPU time, best of the rounds; the ratios are to
the replayed floor. A warm-up run of each
first writes the byte code (to a temporary prefix), as an installed package has it.
The suite is ``python -m bench``'s longest section (moto per test: about a minute a round).
"""

from __future__ import annotations

import importlib.util
import os
import resource
import subprocess
import sys
import tempfile
from typing import Any

from .timing import now

#: the tests of each double, one per kind, cycled; ``{i}`` is the test's number
KINDS = ("restore", "inventory", "listing", "error", "vault")

OURS = {
    "header": "import boto3\nimport pytest\nfrom botocore.exceptions import ClientError\n\n",
    "restore": """
def test_restore_{i}(glacier):
    client = boto3.client("glacier", region_name="us-east-1")
    client.create_vault(vaultName="v{i}")
    archive = client.upload_archive(vaultName="v{i}", body=b"data {i}")["archiveId"]
    params = {{"Type": "archive-retrieval", "ArchiveId": archive}}
    job = client.initiate_job(vaultName="v{i}", jobParameters=params)["jobId"]
    glacier.advance(hours=6)
    assert client.describe_job(vaultName="v{i}", jobId=job)["Completed"]
    assert client.get_job_output(vaultName="v{i}", jobId=job)["body"].read() == b"data {i}"
""",
    "inventory": """
def test_inventory_{i}(glacier):
    client = boto3.client("glacier", region_name="us-east-1")
    client.create_vault(vaultName="v{i}")
    client.upload_archive(vaultName="v{i}", body=b"data {i}")
    params = {{"Type": "inventory-retrieval"}}
    job = client.initiate_job(vaultName="v{i}", jobParameters=params)["jobId"]
    glacier.advance(hours=6)
    assert client.get_job_output(vaultName="v{i}", jobId=job)["body"].read()
""",
    "listing": """
def test_listing_{i}(glacier):
    client = boto3.client("glacier", region_name="us-east-1")
    for name in ("a{i}", "b{i}", "c{i}"):
        client.create_vault(vaultName=name)
    names = {{vault["VaultName"] for vault in client.list_vaults()["VaultList"]}}
    assert {{"a{i}", "b{i}", "c{i}"}} <= names
""",
    "error": """
def test_error_{i}(glacier):
    client = boto3.client("glacier", region_name="us-east-1")
    client.create_vault(vaultName="v{i}")
    glacier.inject("ResourceNotFoundException", operation="DescribeVault")
    with pytest.raises(ClientError):
        client.describe_vault(vaultName="v{i}")
""",
    "vault": """
def test_vault_{i}(glacier):
    client = boto3.client("glacier", region_name="us-east-1")
    client.create_vault(vaultName="v{i}")
    assert client.describe_vault(vaultName="v{i}")["VaultName"] == "v{i}"
    client.delete_vault(vaultName="v{i}")
""",
}

FLOOR = {
    "header": """import io

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.response import StreamingBody
from botocore.stub import Stubber


def stubbed(*answers):
    client = boto3.client(
        "glacier", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b"
    )
    stub = Stubber(client)
    for method, answer in answers:
        if answer is None:
            stub.add_client_error(method, "ResourceNotFoundException")
        else:
            stub.add_response(method, answer)
    stub.activate()
    return client


def body(data):
    return {"body": StreamingBody(io.BytesIO(data), len(data)), "status": 200}

""",
    "restore": """
def test_restore_{i}():
    client = stubbed(
        ("create_vault", {{"location": "/-/vaults/v{i}"}}),
        ("upload_archive", {{"archiveId": "a{i}", "checksum": "c", "location": "/l"}}),
        ("initiate_job", {{"jobId": "j{i}", "location": "/j"}}),
        ("describe_job", {{"JobId": "j{i}", "Completed": True}}),
        ("get_job_output", body(b"data {i}")),
    )
    client.create_vault(vaultName="v{i}")
    archive = client.upload_archive(vaultName="v{i}", body=b"data {i}")["archiveId"]
    params = {{"Type": "archive-retrieval", "ArchiveId": archive}}
    job = client.initiate_job(vaultName="v{i}", jobParameters=params)["jobId"]
    assert client.describe_job(vaultName="v{i}", jobId=job)["Completed"]
    assert client.get_job_output(vaultName="v{i}", jobId=job)["body"].read() == b"data {i}"
""",
    "inventory": """
def test_inventory_{i}():
    client = stubbed(
        ("create_vault", {{"location": "/-/vaults/v{i}"}}),
        ("upload_archive", {{"archiveId": "a{i}", "checksum": "c", "location": "/l"}}),
        ("initiate_job", {{"jobId": "j{i}", "location": "/j"}}),
        ("get_job_output", body(b'{{"ArchiveList": []}}')),
    )
    client.create_vault(vaultName="v{i}")
    client.upload_archive(vaultName="v{i}", body=b"data {i}")
    params = {{"Type": "inventory-retrieval"}}
    job = client.initiate_job(vaultName="v{i}", jobParameters=params)["jobId"]
    assert client.get_job_output(vaultName="v{i}", jobId=job)["body"].read()
""",
    "listing": """
def test_listing_{i}():
    listed = [{{"VaultName": name}} for name in ("a{i}", "b{i}", "c{i}")]
    client = stubbed(
        *[("create_vault", {{"location": "/-/vaults/x"}})] * 3,
        ("list_vaults", {{"VaultList": listed}}),
    )
    for name in ("a{i}", "b{i}", "c{i}"):
        client.create_vault(vaultName=name)
    names = {{vault["VaultName"] for vault in client.list_vaults()["VaultList"]}}
    assert {{"a{i}", "b{i}", "c{i}"}} <= names
""",
    "error": """
def test_error_{i}():
    client = stubbed(("create_vault", {{"location": "/-/vaults/v{i}"}}), ("describe_vault", None))
    client.create_vault(vaultName="v{i}")
    with pytest.raises(ClientError):
        client.describe_vault(vaultName="v{i}")
""",
    "vault": """
def test_vault_{i}():
    client = stubbed(
        ("create_vault", {{"location": "/-/vaults/v{i}"}}),
        ("describe_vault", {{"VaultName": "v{i}"}}),
        ("delete_vault", {{}}),
    )
    client.create_vault(vaultName="v{i}")
    assert client.describe_vault(vaultName="v{i}")["VaultName"] == "v{i}"
    client.delete_vault(vaultName="v{i}")
""",
}

#: moto's tests; ``{mock}`` is ``@mock_aws`` per test, or nothing under a session-wide one
MOTO = {
    "header": """import datetime as dt

import boto3
import pytest
from botocore.exceptions import ClientError
from freezegun import freeze_time
from moto import mock_aws

""",
    "restore": """
{mock}def test_restore_{i}():
    with freeze_time("2024-01-01") as frozen:
        client = boto3.client("glacier", region_name="us-east-1")
        client.create_vault(vaultName="v{i}")
        archive = client.upload_archive(vaultName="v{i}", body=b"data {i}")["archiveId"]
        params = {{"Type": "archive-retrieval", "ArchiveId": archive}}
        job = client.initiate_job(vaultName="v{i}", jobParameters=params)["jobId"]
        frozen.tick(dt.timedelta(hours=6))
        assert client.describe_job(vaultName="v{i}", jobId=job)["Completed"]
        output = client.get_job_output(vaultName="v{i}", jobId=job)["body"].read()
        assert output == b"data {i}"
""",
    "inventory": """
{mock}def test_inventory_{i}():
    with freeze_time("2024-01-01") as frozen:
        client = boto3.client("glacier", region_name="us-east-1")
        client.create_vault(vaultName="v{i}")
        client.upload_archive(vaultName="v{i}", body=b"data {i}")
        params = {{"Type": "inventory-retrieval"}}
        job = client.initiate_job(vaultName="v{i}", jobParameters=params)["jobId"]
        frozen.tick(dt.timedelta(hours=6))
        assert client.get_job_output(vaultName="v{i}", jobId=job)["body"].read()
""",
    "listing": """
{mock}def test_listing_{i}():
    client = boto3.client("glacier", region_name="us-east-1")
    for name in ("a{i}", "b{i}", "c{i}"):
        client.create_vault(vaultName=name)
    names = {{vault["VaultName"] for vault in client.list_vaults()["VaultList"]}}
    assert {{"a{i}", "b{i}", "c{i}"}} <= names
""",
    "error": """
{mock}def test_error_{i}():
    client = boto3.client("glacier", region_name="us-east-1")
    client.create_vault(vaultName="v{i}")
    with pytest.raises(ClientError):
        client.describe_vault(vaultName="missing-{i}")
""",
    "vault": """
{mock}def test_vault_{i}():
    client = boto3.client("glacier", region_name="us-east-1")
    client.create_vault(vaultName="v{i}")
    assert client.describe_vault(vaultName="v{i}")["VaultName"] == "v{i}"
    client.delete_vault(vaultName="v{i}")
""",
}

#: one mock_aws for the whole session (and fake credentials), as a conftest
#: the recording run's conftest: each test's HTTP answers, as the double gave them
RECORD = """import base64, json, os
import pytest

ANSWERS = {}


@pytest.fixture(autouse=True)
def _record(request, glacier):
    service, answers = glacier.service, ANSWERS.setdefault(request.node.name, [])
    handle = service.handle

    def recording(http_request):
        response = handle(http_request)
        body = b"".join(response.chunks())
        answers.append([response.status, dict(response.headers), base64.b64encode(body).decode()])
        return type(response)(response.status, dict(response.headers), body, response.error_code)

    service.handle = recording
    yield


def pytest_sessionfinish(session):
    with open(os.environ["BENCH_SUITE_ANSWERS"], "w") as file:
        json.dump(ANSWERS, file)
"""

#: the floor's conftest: no double; a before-send hook replays each test's recorded answers
REPLAY = """import base64, collections, io, json, os
import boto3
import pytest
from botocore.awsrequest import AWSResponse

os.environ.update(
    AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="us-east-1"
)
with open(os.environ["BENCH_SUITE_ANSWERS"]) as file:
    ANSWERS = json.load(file)
PENDING = collections.deque()


class Raw(io.BytesIO):
    def stream(self, amt=1 << 16, decode_content=True):
        while chunk := self.read(amt):
            yield chunk


def answer(request, **_):
    status, headers, body = PENDING.popleft()
    return AWSResponse(request.url, status, headers, Raw(base64.b64decode(body)))


boto3.setup_default_session()
boto3.DEFAULT_SESSION.events.register("before-send.glacier", answer)


class NoDouble:
    def advance(self, **_):
        pass

    def inject(self, *args, **kwargs):
        pass


@pytest.fixture
def glacier(request):
    PENDING.clear()
    PENDING.extend(ANSWERS[request.node.name])
    yield NoDouble()
"""

SHARED_MOTO = """import pytest
from moto import mock_aws


@pytest.fixture(scope="session", autouse=True)
def _aws():
    with mock_aws():
        yield
"""

#: tests per generated file, as a project splits them
PER_FILE = 50
FLOOR_NAME = "floor (replayed answers)"


def _doubles() -> dict[str, tuple[dict[str, str], str, str]]:
    """Each double's (templates, ``{mock}`` text, conftest), moto's only when installed."""
    doubles = {
        FLOOR_NAME: (OURS, "", REPLAY),
        "pytest_glacier": (OURS, "", ""),
        "botocore Stubber (no HTTP layer)": (FLOOR, "", ""),
    }
    if importlib.util.find_spec("moto") is not None:
        doubles["moto, mock_aws per test"] = (MOTO, "@mock_aws\n", "")
        doubles["moto, one mock_aws per session"] = (MOTO, "", SHARED_MOTO)
    return doubles


def write_suite(
    directory: str, templates: dict[str, str], mock: str, conftest: str, count: int
) -> None:
    """``count`` tests of the kinds in turn, ``PER_FILE`` to a file."""
    os.makedirs(directory)
    if conftest:
        with open(os.path.join(directory, "conftest.py"), "w") as file:
            file.write(conftest)
    for first in range(0, count, PER_FILE):
        tests = [
            templates[KINDS[i % len(KINDS)]].format(i=i, mock=mock)
            for i in range(first, min(first + PER_FILE, count))
        ]
        with open(os.path.join(directory, f"test_suite_{first // PER_FILE}.py"), "w") as file:
            file.write(templates["header"] + "".join(tests))


def child_env(pycache: str) -> dict[str, str]:
    """The environment of a child pytest: byte code written and read under ``pycache``
    (a temporary prefix: the tree stays clean), as an installed package has it."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = pycache
    return env


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_suite(directory: str, env: dict[str, str], *flags: str) -> tuple[float, float]:
    """(wall seconds in the parent, CPU seconds) of one ``pytest -n 0`` run of ``directory``.

    It runs from outside the repository, so ``PYTHONPATH`` may point the child at another
    copy of the package (a before/after comparison).
    """
    command = [sys.executable, "-m", "pytest", "-n", "0", "-p", "no:cacheprovider", "-q", *flags]
    cpu, start = _children_cpu(), now()
    done = subprocess.run(
        [*command, directory],
        cwd=os.path.dirname(directory),
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    wall, cpu = now() - start, _children_cpu() - cpu
    if done.returncode != 0:
        raise RuntimeError(f"{directory} failed:\n{done.stdout[-3000:]}")
    return wall, cpu


def run(quick: bool) -> dict[str, Any]:
    count, rounds = (50, 1) if quick else (500, 3)
    doubles = _doubles()
    walls: dict[str, list[float]] = {name: [] for name in doubles}
    cpus: dict[str, list[float]] = {name: [] for name in doubles}
    with tempfile.TemporaryDirectory(prefix="bench-suite-") as root:
        env = child_env(os.path.join(root, "pycache"))
        env["BENCH_SUITE_ANSWERS"] = os.path.join(root, "answers.json")
        recording = os.path.join(root, "recording")
        write_suite(recording, OURS, "", RECORD, count)
        run_suite(recording, env)  # the answers the floor replays
        directories = {}
        for index, (name, (templates, mock, conftest)) in enumerate(doubles.items()):
            directories[name] = os.path.join(root, f"suite_{index}")
            write_suite(directories[name], templates, mock, conftest, count)
            run_suite(directories[name], env)  # warm-up: byte code written, files cached
        for _ in range(rounds):
            for name, directory in directories.items():
                # without a double, pytest_glacier's plugin is not even loaded
                flags = () if name == "pytest_glacier" else ("-p", "no:glacier")
                wall, cpu = run_suite(directory, env, *flags)
                walls[name].append(wall)
                cpus[name].append(cpu)
    wall = {name: min(values) for name, values in walls.items()}
    cpu = {name: min(values) for name, values in cpus.items()}
    floor = FLOOR_NAME
    return {
        "tests": count,
        "rounds": rounds,
        "wall": wall,
        "cpu": cpu,
        "wall_ratio": {name: value / wall[floor] for name, value in wall.items()},
        "cpu_ratio": {name: value / cpu[floor] for name, value in cpu.items()},
    }
