from botocore.config import Config


def test_four_throttles_then_success(glacier):
    client = glacier.client(config=Config(retries={"mode": "legacy"}))  # 5 attempts
    glacier.inject("ThrottlingException", times=4)
    assert client.list_vaults()["ResponseMetadata"]["RetryAttempts"] == 4
    assert len(glacier.calls) == 5
    assert glacier.now().isoformat() == "2024-01-01T00:00:15+00:00"  # 1 + 2 + 4 + 8 s
