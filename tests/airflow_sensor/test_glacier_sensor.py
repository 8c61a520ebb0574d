"""Airflow's Glacier sensor against the double, imported for the first time inside the test.

Runs where the ``airflow`` extra is installed (``.ci/run`` gives it an environment of its
own); the pendulum case it depends on is also proven without Airflow in
``tests/test_simulated_waits.py``.
"""

from __future__ import annotations

import datetime as dt
import sys
from typing import Any

import pytest

from pytest_glacier import Glacier

pytestmark = pytest.mark.timeout(120)


def _retrieval(glacier: Glacier) -> str:
    client = glacier.client()
    client.create_vault(vaultName="photos")
    archive = client.upload_archive(vaultName="photos", body=b"holiday")
    job = client.initiate_job(
        vaultName="photos",
        jobParameters={
            "Type": "archive-retrieval",
            "ArchiveId": archive["archiveId"],
            "Tier": "Expedited",
        },
    )
    return str(job["jobId"])


def _sensor(job_id: str, **options: Any) -> Any:
    sensors = pytest.importorskip("airflow.providers.amazon.aws.sensors.glacier")
    return sensors.GlacierJobOperationSensor(
        task_id="wait_for_retrieval",
        vault_name="photos",
        job_id=job_id,
        aws_conn_id=None,  # boto3's default chain: the double's credentials and region
        poke_interval=60,
        mode="poke",
        **options,
    )


def test_airflow_is_first_imported_inside_the_test(glacier: Glacier) -> None:
    assert "airflow" not in sys.modules or "pendulum" in sys.modules
    sensor = _sensor(_retrieval(glacier))
    assert sensor.poke({}) is False
    glacier.advance(minutes=5)
    assert sensor.poke({}) is True


def test_execute_in_poke_mode_returns_when_the_job_completes(glacier: Glacier) -> None:
    start = glacier.now()
    _sensor(_retrieval(glacier), timeout=3600).execute({})
    assert glacier.now() - start == dt.timedelta(minutes=5)
    assert [s.seconds for s in glacier.sleeps] == [60] * 5


def test_the_sensor_times_out_on_simulated_time(glacier: Glacier) -> None:
    exceptions = pytest.importorskip("airflow.sdk.exceptions")
    sensor = _sensor(_retrieval(glacier), timeout=150)
    with pytest.raises(exceptions.AirflowSensorTimeout):
        sensor.execute({})
    assert glacier.now() - glacier.config.start < dt.timedelta(minutes=5)
