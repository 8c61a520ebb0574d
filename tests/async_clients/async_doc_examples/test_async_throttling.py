import pytest
from aiobotocore.config import AioConfig
from aiobotocore.session import get_session


@pytest.mark.asyncio
async def test_two_throttles_then_success(glacier):
    rule = glacier.inject("ThrottlingException", times=2)
    config = AioConfig(retries={"mode": "standard"})  # 3 attempts
    async with get_session().create_client("glacier", config=config) as client:
        start = glacier.now()
        out = await client.list_vaults()
    assert out["ResponseMetadata"]["RetryAttempts"] == 2
    assert [(c.status, c.error_code) for c in glacier.calls] == [
        (400, "ThrottlingException"),
        (400, "ThrottlingException"),
        (200, None),
    ]
    assert rule.hits == 2
    assert (glacier.now() - start).total_seconds() == 1 + 2  # the two backoffs, simulated
