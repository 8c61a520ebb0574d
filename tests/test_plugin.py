"""The plugin as users meet it: fixture, marker, options, mock_glacier, determinism, moto."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest_subprocess("-p", "no:cacheprovider", *args)


def test_fixture_marker_and_mock_glacier_in_a_plain_project(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import boto3
        import pytest
        from pytest_glacier import mock_glacier

        def test_fixture(glacier):
            glacier.client().create_vault(vaultName="photos")
            vaults = boto3.client("glacier").list_vaults()["VaultList"]
            assert [v["VaultName"] for v in vaults] == ["photos"]

        @pytest.mark.glacier(region="eu-central-1")
        def test_marker_alone_activates_the_double():
            client = boto3.client("glacier", region_name="eu-central-1")
            assert client.create_vault(vaultName="v")["location"] == "/123456789012/vaults/v"

        @mock_glacier(account_id="000011112222")
        def test_decorator():
            client = boto3.client("glacier", region_name="us-east-1")
            assert client.create_vault(vaultName="v")["location"] == "/000011112222/vaults/v"
        """
    )
    run(pytester).assert_outcomes(passed=3)


def test_marker_options_merge_closest_first(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        pytestmark = pytest.mark.glacier(region="eu-west-1", account_id="111111111111")

        @pytest.mark.glacier(region="ap-south-1")
        def test_closest_wins(glacier):
            assert (glacier.region, glacier.account_id) == ("ap-south-1", "111111111111")
        """
    )
    run(pytester).assert_outcomes(passed=1)


def test_misspelt_marker_key_names_the_valid_keys(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.glacier(regoin="eu-west-1")
        def test_typo(glacier):
            pass
        """
    )
    result = run(pytester)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["*Unknown pytest_glacier option 'regoin'. Did you mean 'region'? Valid options: seed,*"]
    )


def test_misspelt_mock_glacier_key_raises_type_error() -> None:
    from pytest_glacier import ConfigError, mock_glacier

    with pytest.raises(ConfigError, match="Did you mean 'clock'"):
        mock_glacier(clok="real")
    assert issubclass(ConfigError, TypeError)


def test_registered_marker_works_with_strict_markers(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.glacier(seed=3)
        def test_ok(glacier):
            assert glacier.config.seed == 3
        """
    )
    run(pytester, "--strict-markers").assert_outcomes(passed=1)
    help_text = run(pytester, "--help")
    help_text.stdout.fnmatch_lines(["*--glacier-seed*"])


IDS_TEST = """
import json, os

def _record(glacier, name):
    client = glacier.client()
    client.create_vault(vaultName="v")
    ids = [client.upload_archive(vaultName="v", body=b"x")["archiveId"] for _ in range(2)]
    with open(os.environ["IDS_OUT"], "a") as out:
        out.write(json.dumps([name, ids]) + "\\n")

def test_one(glacier):
    _record(glacier, "one")

def test_two(glacier):
    _record(glacier, "two")

def test_three(glacier):
    _record(glacier, "three")
"""


def _ids(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, *args: str
) -> dict[str, list[str]]:
    """Archive ids each test of IDS_TEST recorded in one run."""
    out = pytester.path / f"ids-{len(list(pytester.path.glob('ids-*')))}.jsonl"
    monkeypatch.setenv("IDS_OUT", str(out))
    assert run(pytester, *args).ret == 0
    return {name: ids for name, ids in map(json.loads, out.read_text().splitlines())}


def test_ids_do_not_depend_on_test_order(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(test_ids=IDS_TEST)
    pytester.makepyfile(
        test_other="""
        def test_before(glacier):
            client = glacier.client()
            client.create_vault(vaultName="v")
            for _ in range(5):
                client.upload_archive(vaultName="v", body=b"noise")
        """
    )
    forward = _ids(pytester, monkeypatch, "test_ids.py")
    reverse = _ids(pytester, monkeypatch, "test_ids.py", "--reverse")
    other_first = _ids(pytester, monkeypatch, "test_other.py", "test_ids.py")
    assert forward == reverse == other_first
    assert len({i for ids in forward.values() for i in ids}) == 6


def test_seed_option_and_ini_change_ids(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(test_ids=IDS_TEST)
    default = _ids(pytester, monkeypatch)
    seeded = _ids(pytester, monkeypatch, "--glacier-seed", "42")
    pytester.makeini("[pytest]\nglacier_seed = 42\n")
    from_ini = _ids(pytester, monkeypatch)
    assert default != seeded
    assert seeded == from_ini


def test_moto_serves_s3_while_we_serve_glacier(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import boto3
        from moto import mock_aws

        def test_both(glacier):
            with mock_aws():
                s3 = boto3.client("s3", region_name="us-east-1")
                s3.create_bucket(Bucket="bucket")
                s3.put_object(Bucket="bucket", Key="k", Body=b"from moto")
                client = boto3.client("glacier", region_name="us-east-1")
                client.create_vault(vaultName="v")
                archive = client.upload_archive(vaultName="v", body=b"hello")
                assert archive["archiveId"] in glacier.archives("v")
                assert len(archive["archiveId"]) == 138
                assert s3.get_object(Bucket="bucket", Key="k")["Body"].read() == b"from moto"
                assert [c.operation for c in glacier.calls] == ["CreateVault", "UploadArchive"]
        """
    )
    run(pytester).assert_outcomes(passed=1)


def test_clients_created_before_the_test_are_served(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import boto3

        EARLY = boto3.client("glacier", region_name="us-east-1",
                             aws_access_key_id="a", aws_secret_access_key="b")

        def test_early_client(glacier):
            EARLY.create_vault(vaultName="early")
            assert list(glacier.vaults()) == ["early"]
        """
    )
    run(pytester).assert_outcomes(passed=1)


def test_other_services_pass_through(glacier: object) -> None:
    import boto3
    from botocore.stub import Stubber

    sts = boto3.client("sts", region_name="us-east-1")
    with Stubber(sts) as stub:
        stub.add_response("get_caller_identity", {"Account": "555555555555"})
        assert sts.get_caller_identity()["Account"] == "555555555555"


def test_fake_credentials_are_set_only_while_active(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from pytest_glacier import mock_glacier

    monkeypatch.delenv("AWS_ACCESS_KEY_ID", raising=False)
    with mock_glacier():
        assert os.environ["AWS_ACCESS_KEY_ID"] == "AKIAPYTESTGLACIER000"
    assert "AWS_ACCESS_KEY_ID" not in os.environ


def test_mock_glacier_restores_botocore_after_exit() -> None:
    from botocore.endpoint import Endpoint

    from pytest_glacier import mock_glacier

    original = Endpoint._do_get_response
    with mock_glacier():
        assert Endpoint._do_get_response is not original
    assert Endpoint._do_get_response is original
