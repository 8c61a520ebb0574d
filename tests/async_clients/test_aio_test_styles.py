"""``async def`` tests as users write them: pytest-asyncio in auto and strict mode, anyio,
and ``async with mock_glacier()`` inside a loop that is already running."""

from __future__ import annotations

import asyncio
import datetime as dt
import textwrap

import pytest
from async_clients.aio_support import new_client

from pytest_glacier import Glacier, mock_glacier
from pytest_glacier.faults import UnusedFaultRules

pytest.importorskip("aiobotocore")

pytestmark = pytest.mark.timeout(120)

USER_TEST = """
import asyncio, datetime as dt

import pytest
from aiobotocore.session import get_session


{marker}
async def test_restore(glacier):
    async with get_session().create_client("glacier") as client:
        await client.create_vault(vaultName="photos")
        archive = await client.upload_archive(vaultName="photos", body=b"holiday")
        job = await client.initiate_job(
            vaultName="photos",
            jobParameters={{"Type": "archive-retrieval", "ArchiveId": archive["archiveId"]}},
        )
        start = glacier.now()
        while not (await client.describe_job(vaultName="photos", jobId=job["jobId"]))["Completed"]:
            await asyncio.sleep(600)
        assert glacier.now() - start == dt.timedelta(hours=5)
        output = await client.get_job_output(vaultName="photos", jobId=job["jobId"])
        assert await output["body"].read() == b"holiday"
"""


@pytest.mark.parametrize(
    ("mode", "marker"), [("auto", ""), ("strict", "@pytest.mark.asyncio"), ("strict", "")]
)
def test_pytest_asyncio_tests_use_the_fixture(
    pytester: pytest.Pytester, mode: str, marker: str
) -> None:
    pytester.makeini(
        f"[pytest]\nasyncio_mode = {mode}\nasyncio_default_fixture_loop_scope = function\n"
    )
    pytester.makepyfile(test_user=USER_TEST.format(marker=marker))
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:anyio")
    if mode == "strict" and not marker:
        # strict mode leaves an unmarked coroutine alone: pytest fails it as unsupported
        assert result.parseoutcomes().get("passed", 0) == 0
    else:
        result.assert_outcomes(passed=1)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.mark.anyio
async def test_an_anyio_test_uses_the_fixture(glacier: Glacier) -> None:
    import anyio

    async with new_client() as client:
        await client.create_vault(vaultName="v")
        with anyio.move_on_after(30) as scope:
            await anyio.sleep(3600)
        assert scope.cancelled_caught
        assert (await client.describe_vault(vaultName="v"))["VaultName"] == "v"
    assert glacier.now() - glacier.config.start == dt.timedelta(seconds=30)


@pytest.mark.asyncio
async def test_async_with_mock_glacier_puts_the_running_loop_on_simulated_time() -> None:
    async with mock_glacier() as glacier, new_client() as client:
        await client.create_vault(vaultName="v")
        await asyncio.sleep(3600)  # the loop was running before the double: it jumps too
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(asyncio.Event().wait(), timeout=5)
        assert glacier.now() - glacier.config.start == dt.timedelta(hours=1, seconds=5)
        assert [c.operation for c in glacier.calls] == ["CreateVault"]
    await asyncio.sleep(0.001)  # afterwards the loop keeps real time again


@pytest.mark.asyncio
async def test_async_with_mock_glacier_reports_unused_rules_at_exit() -> None:
    with pytest.raises(UnusedFaultRules):
        async with mock_glacier() as glacier:
            glacier.inject("ThrottlingException", operation="ListVaults")


def test_aiobotocore_first_imported_inside_a_test_is_served(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_user=textwrap.dedent(
            """
            import asyncio


            def test_import_inside(glacier):
                from aiobotocore.session import get_session

                async def main():
                    async with get_session().create_client("glacier") as client:
                        await client.create_vault(vaultName="late")

                asyncio.run(main())
                assert list(glacier.vaults()) == ["late"]
            """
        )
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:asyncio")
    result.assert_outcomes(passed=1)


def test_an_aiobotocore_that_cannot_be_imported_is_named_in_a_warning(
    pytester: pytest.Pytester,
) -> None:
    """The double still starts and serves botocore; the warning says why async clients are
    not served (an aiobotocore release whose internals moved, a botocore it does not fit)."""
    pytester.makeconftest("import sys\nsys.modules['aiobotocore'] = None  # cannot be imported\n")
    pytester.makepyfile(
        test_user="def test_sync(glacier):\n    glacier.client().create_vault(vaultName='v')\n"
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:asyncio")
    result.assert_outcomes(passed=1, warnings=1)
    result.stdout.fnmatch_lines(["*RuntimeWarning: pytest_glacier cannot serve aiobotocore*"])
