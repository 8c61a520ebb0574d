import datetime as dt

import boto3


def test_the_retry_waited_for_the_throttle(glacier):
    client = boto3.client("glacier", region_name="us-east-1")
    client.create_vault(vaultName="photos")
    rule = glacier.inject("ThrottlingException", operation="DescribeVault")
    client.describe_vault(vaultName="photos")  # refused once, then retried by botocore
    glacier.advance(minutes=5)

    events = glacier.timeline
    assert [e.kind for e in events] == ["call", "call", "backoff", "call", "advance"]
    refused, retried = events[1], events[3]
    assert refused.details["fault_rule"] == repr(rule)
    assert retried.details["status"] == 200
    assert retried.at - refused.at == dt.timedelta(seconds=1)  # botocore's first backoff
