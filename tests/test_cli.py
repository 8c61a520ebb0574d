"""``pytest-glacier serve`` and ``python -m pytest_glacier serve`` as real processes."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import boto3
import pytest

SCRIPT = shutil.which("pytest-glacier", path=os.path.dirname(sys.executable))
MODULE = [sys.executable, "-m", "pytest_glacier"]


@contextmanager
def serve(command: Sequence[str], *args: str) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """Start the server, yield (endpoint URL, process); stops it with SIGTERM if still running."""
    process = subprocess.Popen(
        [*command, "serve", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:"), process.communicate(timeout=30)
        yield url, process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        process.communicate(timeout=30)


def admin(url: str, route: str, body: Any = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    headers = {} if data is None else {"Content-Type": "application/json"}
    request = urllib.request.Request(f"{url}/_pytest_glacier/{route}", data=data, headers=headers)
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read())


def client(url: str) -> Any:
    return boto3.client(
        "glacier",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="AKID",
        aws_secret_access_key="secret",
    )


def parse(now: str) -> dt.datetime:
    return dt.datetime.fromisoformat(now.replace("Z", "+00:00"))


@pytest.mark.skipif(SCRIPT is None, reason="the package is not installed with its scripts")
def test_cli_script_serves_until_sigterm() -> None:
    assert SCRIPT is not None
    with serve([SCRIPT]) as (url, process):
        client(url).create_vault(vaultName="v")
        assert [v["VaultName"] for v in client(url).list_vaults()["VaultList"]] == ["v"]
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0


def test_cli_module_serves_until_sigint() -> None:
    with serve(MODULE) as (url, process):
        assert admin(url, "now") == {"now": "2024-01-01T00:00:00.000Z"}
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0
        assert process.stderr is not None
        assert "Traceback" not in process.stderr.read()


def test_cli_frozen_clock_moves_only_by_admin() -> None:
    with serve(MODULE, "--clock", "frozen") as (url, _):
        assert admin(url, "advance", {"hours": 5}) == {
            "now": "2024-01-01T05:00:00.000Z",
            "completed": [],
        }
        assert admin(url, "now") == {"now": "2024-01-01T05:00:00.000Z"}


def test_cli_real_clock_with_time_scale_runs_fast() -> None:
    with serve(MODULE, "--clock", "real", "--time-scale", "3600") as (url, _):
        before = parse(admin(url, "now")["now"])
        time.sleep(1.0)  # at least one wall second: at least one simulated hour
        after = parse(admin(url, "now")["now"])
    assert after - before >= dt.timedelta(hours=1)


def test_cli_seed_makes_ids_repeatable() -> None:
    def first_archive_id(seed: str) -> str:
        with serve(MODULE, "--seed", seed) as (url, _):
            glacier = client(url)
            glacier.create_vault(vaultName="v")
            return str(glacier.upload_archive(vaultName="v", body=b"x")["archiveId"])

    assert first_archive_id("42") == first_archive_id("42") != first_archive_id("43")


def test_cli_binds_the_given_port() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with serve(MODULE, "--port", str(port), "--host", "127.0.0.1") as (url, _):
        assert url == f"http://127.0.0.1:{port}"


def test_cli_rejects_time_scale_with_frozen_clock() -> None:
    result = subprocess.run(
        [*MODULE, "serve", "--time-scale", "10"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert result.stderr == "pytest-glacier: time_scale only applies to clock='real'\n"


def test_cli_requires_a_command() -> None:
    result = subprocess.run(MODULE, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "the following arguments are required: command" in result.stderr


def test_cli_keeps_the_newest_calls_only() -> None:
    with serve(MODULE, "--calls-kept", "5") as (url, _):
        glacier = client(url)
        for number in range(12):
            glacier.create_vault(vaultName=f"v{number}")
        calls = admin(url, "calls")
    assert 5 <= len(calls) < 10
    assert calls[-1]["params"]["vaultName"] == "v11"


def test_cli_refuses_a_calls_kept_that_is_not_positive() -> None:
    result = subprocess.run(
        [*MODULE, "serve", "--calls-kept", "0"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert "not a positive whole number: '0'" in result.stderr
