def test_restore_survives_throttling(glacier):
    client = glacier.client()
    rule = glacier.inject("ThrottlingException", operation="ListVaults", times=2)
    client.list_vaults()  # botocore retries: 2 failures, then success
    assert rule.hits == 2
    assert [c.error_code for c in glacier.calls] == ["ThrottlingException"] * 2 + [None]
