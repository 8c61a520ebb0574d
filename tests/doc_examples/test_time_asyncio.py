import asyncio


def test_async_worker_and_timeouts(glacier):
    async def main():
        await asyncio.sleep(3600)  # returns at once
        try:
            await asyncio.wait_for(asyncio.Event().wait(), timeout=5)
        except asyncio.TimeoutError:
            return "timed out"

    start = glacier.now()
    assert asyncio.run(main()) == "timed out"
    assert (glacier.now() - start).total_seconds() == 3605
