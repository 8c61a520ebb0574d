import boto3

from pytest_glacier.server.server import GlacierServer


def test_server_in_process():
    with GlacierServer(seed=1) as server:  # any mock_glacier(**config) option
        client = boto3.client(
            "glacier",
            endpoint_url=server.endpoint_url,
            region_name="us-east-1",
            aws_access_key_id="x",
            aws_secret_access_key="x",
        )
        client.create_vault(vaultName="v")
        assert list(server.double.vaults()) == ["v"]
