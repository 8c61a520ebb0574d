import pytest


@pytest.mark.glacier(faults=[{"code": "ServiceUnavailableException", "operation": "CreateVault"}])
def test_create_vault_is_retried(glacier):
    glacier.client().create_vault(vaultName="photos")
    assert [c.status for c in glacier.calls] == [500, 201]
