"""The backup tool tested against the double: hours of Glacier time in milliseconds."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from glacier_backup import backup, inventory, restore

from pytest_glacier import Glacier


@pytest.fixture
def files(tmp_path: Path) -> list[Path]:
    made = []
    for name, size in [
        ("photos.tar", 3 * 1024 * 1024 + 11),
        ("notes.txt", 400),
        ("db.dump", 70_000),
    ]:
        path = tmp_path / name
        path.write_bytes(bytes(i % 251 for i in range(size)))
        made.append(path)
    return made


def test_backup_then_expedited_restore(glacier: Glacier, files: list[Path], tmp_path: Path) -> None:
    client = glacier.client()
    catalogue = tmp_path / "catalogue.json"
    backup(client, "backups", files, catalogue)

    restored = restore(
        client,
        "backups",
        "photos.tar",
        catalogue,
        tmp_path / "restored.tar",
        sleep=lambda seconds: glacier.advance(seconds=seconds),
    )

    assert restored.read_bytes() == files[0].read_bytes()
    assert glacier.now() - glacier.config.start == dt.timedelta(minutes=5)


def test_inventory_lists_what_was_backed_up(
    glacier: Glacier, files: list[Path], tmp_path: Path
) -> None:
    client = glacier.client()
    ids = backup(client, "backups", files, tmp_path / "catalogue.json")

    listed = inventory(client, "backups", sleep=lambda seconds: glacier.advance(seconds=seconds))

    assert {a["ArchiveDescription"]: a["ArchiveId"] for a in listed} == ids
    assert {a["Size"] for a in listed} == {f.stat().st_size for f in files}


def test_restore_reports_a_failed_job(glacier: Any, files: list[Path], tmp_path: Path) -> None:
    client = glacier.client()
    catalogue = tmp_path / "catalogue.json"
    backup(client, "backups", files, catalogue)
    glacier.fail_jobs(message="Simulated retrieval failure")

    with pytest.raises(RuntimeError, match="Simulated retrieval failure"):
        restore(
            client,
            "backups",
            "notes.txt",
            catalogue,
            tmp_path / "out",
            sleep=lambda seconds: glacier.advance(seconds=seconds),
        )


@pytest.mark.glacier(expedited_capacity=0)
def test_restore_without_expedited_capacity_falls_back(
    glacier: Glacier, files: list[Path], tmp_path: Path
) -> None:
    client = glacier.client()
    catalogue = tmp_path / "catalogue.json"
    backup(client, "backups", files, catalogue)
    advance = lambda seconds: glacier.advance(seconds=seconds)  # noqa: E731

    try:
        restore(client, "backups", "db.dump", catalogue, tmp_path / "db", sleep=advance)
    except ClientError as error:
        assert error.response["Error"]["Code"] == "InsufficientCapacityException"
        restore(
            client, "backups", "db.dump", catalogue, tmp_path / "db", tier="Standard", sleep=advance
        )

    assert (tmp_path / "db").read_bytes() == files[2].read_bytes()
    # a Standard retrieval: 5 hours, plus the seconds botocore's retries of the refusal took
    assert dt.timedelta(hours=5) <= glacier.now() - glacier.config.start < dt.timedelta(hours=6)
