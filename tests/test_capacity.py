"""Purchase/ListProvisionedCapacity and the Expedited capacity model."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from pytest_glacier import Glacier
from pytest_glacier.service.policies.capacity import INSUFFICIENT, one_month_later

UTC = dt.timezone.utc
ARN = "arn:aws:glacier:us-east-1:123456789012:vaults/vault"
LIMIT = "You have reached the limit of 2 provisioned capacity units for this account."


def _retrieve(client: Any, archive_id: str, tier: str = "Expedited", **extra: str) -> str:
    params = {"Type": "archive-retrieval", "ArchiveId": archive_id, "Tier": tier, **extra}
    job_id: str = client.initiate_job(vaultName="vault", jobParameters=params)["jobId"]
    return job_id


@pytest.fixture
def archive(client: Any, vault: str) -> str:
    archive_id: str = client.upload_archive(vaultName=vault, body=b"restore me")["archiveId"]
    return archive_id


# -- purchase and list ----------------------------------------------------------------------


def test_purchase_returns_a_capacity_id_and_list_shows_the_unit(client: Any) -> None:
    out = client.purchase_provisioned_capacity()
    assert out["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert len(out["capacityId"]) == 24
    listed = client.list_provisioned_capacity()["ProvisionedCapacityList"]
    assert listed == [
        {
            "CapacityId": out["capacityId"],
            "StartDate": "2024-01-01T00:00:00.000Z",
            "ExpirationDate": "2024-02-01T00:00:00.000Z",
        }
    ]


def test_list_is_empty_without_units(client: Any) -> None:
    out = client.list_provisioned_capacity()
    assert out["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert out["ProvisionedCapacityList"] == []


def test_third_unit_is_refused_and_changes_nothing(client: Any, raises_glacier: Any) -> None:
    ids = [client.purchase_provisioned_capacity()["capacityId"] for _ in range(2)]
    with raises_glacier("LimitExceededException", 400, LIMIT):
        client.purchase_provisioned_capacity()
    listed = client.list_provisioned_capacity()["ProvisionedCapacityList"]
    assert [unit["CapacityId"] for unit in listed] == ids


@pytest.mark.glacier(start="2024-01-31T10:20:30.456Z")
def test_units_expire_after_a_calendar_month_and_free_the_limit(
    glacier: Glacier, client: Any
) -> None:
    first = client.purchase_provisioned_capacity()["capacityId"]
    client.purchase_provisioned_capacity()
    unit = client.list_provisioned_capacity()["ProvisionedCapacityList"][0]
    assert unit["StartDate"] == "2024-01-31T10:20:30.456Z"
    assert unit["ExpirationDate"] == "2024-02-29T10:20:30.000Z"  # leap year, clamped
    glacier.advance(dt.timedelta(days=29, seconds=-1))
    assert len(client.list_provisioned_capacity()["ProvisionedCapacityList"]) == 2
    glacier.advance(seconds=1)
    assert client.list_provisioned_capacity()["ProvisionedCapacityList"] == []
    again = client.purchase_provisioned_capacity()["capacityId"]
    assert again != first


@pytest.mark.parametrize(
    ("start", "expires"),
    [
        (dt.datetime(2023, 8, 31, 12, tzinfo=UTC), dt.datetime(2023, 9, 30, 12, tzinfo=UTC)),
        (dt.datetime(2023, 1, 31, tzinfo=UTC), dt.datetime(2023, 2, 28, tzinfo=UTC)),
        (
            dt.datetime(2023, 12, 15, 1, 2, 3, 999, tzinfo=UTC),
            dt.datetime(2024, 1, 15, 1, 2, 3, tzinfo=UTC),
        ),
    ],
)  # fmt: skip
def test_one_month_later(start: dt.datetime, expires: dt.datetime) -> None:
    assert one_month_later(start) == expires


def test_capacity_is_per_region(glacier: Glacier, client: Any) -> None:
    client.purchase_provisioned_capacity()
    client.purchase_provisioned_capacity()
    other = glacier.client(region_name="eu-west-1")
    other.purchase_provisioned_capacity()
    assert len(other.list_provisioned_capacity()["ProvisionedCapacityList"]) == 1


# -- the Expedited capacity model -----------------------------------------------------------


def test_two_units_admit_six_expedited_per_five_minutes(
    glacier: Glacier, client: Any, archive: str, raises_glacier: Any
) -> None:
    client.purchase_provisioned_capacity()
    client.purchase_provisioned_capacity()
    for _ in range(6):
        _retrieve(client, archive)
        glacier.advance(seconds=30)
    jobs_before = dict(glacier.vaults()["vault"].jobs)
    with raises_glacier("InsufficientCapacityException", 503, INSUFFICIENT):
        _retrieve(client, archive)
    assert dict(glacier.vaults()["vault"].jobs) == jobs_before
    glacier.advance(minutes=5)
    _retrieve(client, archive)


def test_the_window_slides(
    glacier: Glacier, client: Any, archive: str, raises_glacier: Any
) -> None:
    client.purchase_provisioned_capacity()
    _retrieve(client, archive)  # t=0
    glacier.advance(minutes=2)
    _retrieve(client, archive)  # t=2
    _retrieve(client, archive)  # t=2
    with raises_glacier("InsufficientCapacityException", 503, INSUFFICIENT):
        _retrieve(client, archive)
    glacier.advance(minutes=3)  # t=5: the t=0 admission left the window
    _retrieve(client, archive)
    with raises_glacier("InsufficientCapacityException", 503, INSUFFICIENT):
        _retrieve(client, archive)


def test_standard_and_bulk_never_get_insufficient_capacity(client: Any, archive: str) -> None:
    client.purchase_provisioned_capacity()
    for _ in range(3):
        _retrieve(client, archive)
    for _ in range(5):
        _retrieve(client, archive, "Standard")
        _retrieve(client, archive, "Bulk")


def test_without_units_expedited_is_unlimited_by_default(client: Any, archive: str) -> None:
    for _ in range(20):
        _retrieve(client, archive)


@pytest.mark.glacier(expedited_capacity=1)
def test_configured_on_demand_capacity_without_units(
    glacier: Glacier, client: Any, archive: str, raises_glacier: Any
) -> None:
    _retrieve(client, archive)
    with raises_glacier("InsufficientCapacityException", 503, INSUFFICIENT):
        _retrieve(client, archive)
    client.purchase_provisioned_capacity()  # now 3 per window, counting the one admitted
    _retrieve(client, archive)
    _retrieve(client, archive)
    with raises_glacier("InsufficientCapacityException", 503, INSUFFICIENT):
        _retrieve(client, archive)


@pytest.mark.glacier(expedited_capacity=0)
def test_zero_on_demand_capacity_refuses_every_expedited(
    glacier: Glacier, client: Any, archive: str, raises_glacier: Any
) -> None:
    with raises_glacier("InsufficientCapacityException", 503, INSUFFICIENT):
        _retrieve(client, archive)
    assert glacier.vaults()["vault"].jobs == {}


def test_expired_units_stop_admitting(
    glacier: Glacier, client: Any, archive: str, raises_glacier: Any
) -> None:
    client.purchase_provisioned_capacity()
    glacier.advance(days=31)
    for _ in range(5):  # the unit expired: back to on-demand, unlimited
        _retrieve(client, archive)


def test_default_retries_see_the_503_three_times(
    glacier: Glacier, client: Any, archive: str
) -> None:
    client.purchase_provisioned_capacity()
    for _ in range(3):
        _retrieve(client, archive)
    retrying = glacier.client()  # botocore's default: standard mode, 3 attempts
    with pytest.raises(retrying.exceptions.InsufficientCapacityException):
        _retrieve(retrying, archive)
    attempts = [c for c in glacier.calls if c.error_code == "InsufficientCapacityException"]
    assert len(attempts) == 3


@pytest.mark.glacier(expedited_capacity=1)
def test_expedited_requests_refused_before_admission_use_no_capacity(
    glacier: Glacier, client: Any, vault: str, raises_glacier: Any
) -> None:
    archive = client.upload_archive(vaultName="vault", body=b"a" * 10)["archiveId"]
    with raises_glacier(
        "InvalidParameterValueException",
        400,
        "Invalid job description: it must be at most 1024 characters, each a printable ASCII "
        "character (0x20-0x7E)",
    ):
        _retrieve(client, archive, "Expedited", Description="d" * 1025)
    with raises_glacier("ResourceNotFoundException", 404, "The archive ID was not found: nope"):
        _retrieve(client, "nope", "Expedited")
    with raises_glacier(
        "InvalidParameterValueException",
        400,
        "The RetrievalByteRange 0-3 is not megabyte aligned",
    ):
        _retrieve(client, archive, "Expedited", RetrievalByteRange="0-3")
    deny = {
        "Statement": [
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "glacier:InitiateJob",
                "Resource": ARN,
            }
        ]
    }
    client.set_vault_access_policy(vaultName="vault", policy={"Policy": json.dumps(deny)})
    with raises_glacier("AccessDeniedException", 403):
        _retrieve(client, archive, "Expedited")
    client.delete_vault_access_policy(vaultName="vault")
    assert dict(glacier.jobs("vault")) == {}
    _retrieve(client, archive, "Expedited")  # the one Expedited of this window
    with raises_glacier("InsufficientCapacityException", 503, INSUFFICIENT):
        _retrieve(client, archive, "Expedited")
