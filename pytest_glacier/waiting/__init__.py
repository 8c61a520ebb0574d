"""Code under test waits on simulated time: ``time.sleep`` and asyncio event loops."""
