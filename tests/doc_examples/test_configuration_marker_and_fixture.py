import boto3
import pytest

from pytest_glacier import mock_glacier


@pytest.mark.glacier(region="eu-west-1", account_id="111122223333")
def test_marker_alone_activates_the_double():
    client = boto3.client("glacier", region_name="eu-west-1")
    client.create_vault(vaultName="v")
    assert client.describe_vault(vaultName="v")["VaultARN"] == (
        "arn:aws:glacier:eu-west-1:111122223333:vaults/v"
    )


def test_fixture_with_the_marker_defaults(glacier):
    assert (glacier.region, glacier.account_id) == ("us-east-1", "123456789012")


def test_outside_the_fixture():
    with mock_glacier(seed=7) as double:
        client = double.client()
        client.create_vault(vaultName="v")
        assert len(client.upload_archive(vaultName="v", body=b"x")["archiveId"]) == 138
