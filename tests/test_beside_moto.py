"""Beside moto: glacier requests reach only the double; notifications reach moto's SNS (and an
SQS queue subscribed to it); select output lands in moto's S3."""

from __future__ import annotations

import json
from collections.abc import Generator, Iterator
from typing import Any

import boto3
import pytest

moto = pytest.importorskip("moto")

from pytest_glacier import Glacier, mock_glacier  # noqa: E402

REGION = "us-east-1"
CSV = b"1,alpha,150\n2,beta,50\n3,gamma,300\n"


def _moto_then_double() -> Generator[Glacier, None, None]:
    with moto.mock_aws(), mock_glacier() as double:
        yield double


def _double_then_moto() -> Generator[Glacier, None, None]:
    with mock_glacier() as double, moto.mock_aws():
        yield double


@pytest.fixture(params=["moto first", "double first"])
def double(request: pytest.FixtureRequest) -> Iterator[Glacier]:
    order = _moto_then_double if request.param == "moto first" else _double_then_moto
    yield from order()


def _queue_on_topic(name: str) -> tuple[str, str]:
    """A topic and an SQS queue subscribed to it (raw delivery off: the SNS envelope)."""
    sns, sqs = boto3.client("sns", region_name=REGION), boto3.client("sqs", region_name=REGION)
    topic = sns.create_topic(Name=name)["TopicArn"]
    queue = sqs.create_queue(QueueName=f"{name}-queue")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn["QueueArn"])
    return topic, queue


def _received(queue: str) -> list[dict[str, Any]]:
    sqs = boto3.client("sqs", region_name=REGION)
    messages = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", [])
    return [json.loads(json.loads(m["Body"])["Message"]) for m in messages]


def _archive(glacier: Any, body: bytes = b"backup") -> str:
    glacier.create_vault(vaultName="v")
    return str(glacier.upload_archive(vaultName="v", body=body)["archiveId"])


def test_a_whole_restore_is_answered_by_the_double_alone(double: Glacier) -> None:
    glacier = boto3.client("glacier", region_name=REGION)
    archive = _archive(glacier)
    job = glacier.initiate_job(
        vaultName="v", jobParameters={"Type": "archive-retrieval", "ArchiveId": archive}
    )["jobId"]
    assert glacier.describe_job(vaultName="v", jobId=job)["StatusCode"] == "InProgress"
    double.advance(hours=5)
    assert glacier.describe_job(vaultName="v", jobId=job)["StatusCode"] == "Succeeded"
    assert glacier.get_job_output(vaultName="v", jobId=job)["body"].read() == b"backup"
    assert [j["JobId"] for j in glacier.list_jobs(vaultName="v")["JobList"]] == [job]
    assert [c.operation for c in double.calls] == [
        "CreateVault",
        "UploadArchive",
        "InitiateJob",
        "DescribeJob",
        "DescribeJob",
        "GetJobOutput",
        "ListJobs",
    ]
    from moto.glacier.models import glacier_backends

    # moto's own glacier never saw a request: no vault, no second copy of the archive
    assert glacier_backends["123456789012"][REGION].vaults == {}


def test_the_jobs_own_topic_delivers_to_a_subscribed_queue(double: Glacier) -> None:
    topic, queue = _queue_on_topic("restores")
    glacier = boto3.client("glacier", region_name=REGION)
    archive = _archive(glacier)
    job = glacier.initiate_job(
        vaultName="v",
        jobParameters={"Type": "archive-retrieval", "ArchiveId": archive, "SNSTopic": topic},
    )["jobId"]
    assert _received(queue) == []
    double.advance(hours=5)
    (message,) = _received(queue)
    assert message["JobId"] == job
    assert message["StatusCode"] == "Succeeded"
    assert message == dict(double.notifications[0].message)


def test_the_vaults_configuration_delivers_failed_jobs_too(double: Glacier) -> None:
    topic, queue = _queue_on_topic("vault-events")
    glacier = boto3.client("glacier", region_name=REGION)
    archive = _archive(glacier)
    glacier.set_vault_notifications(
        vaultName="v",
        vaultNotificationConfig={"SNSTopic": topic, "Events": ["ArchiveRetrievalCompleted"]},
    )
    double.fail_jobs(message="Simulated failure")
    glacier.initiate_job(
        vaultName="v", jobParameters={"Type": "archive-retrieval", "ArchiveId": archive}
    )
    double.complete_jobs()
    (message,) = _received(queue)
    assert (message["StatusCode"], message["StatusMessage"]) == ("Failed", "Simulated failure")


def test_a_missing_topic_delivers_nothing_and_fails_nothing(double: Glacier) -> None:
    glacier = boto3.client("glacier", region_name=REGION)
    archive = _archive(glacier)
    missing = f"arn:aws:sns:{REGION}:123456789012:nobody-made-me"
    job = glacier.initiate_job(
        vaultName="v",
        jobParameters={"Type": "archive-retrieval", "ArchiveId": archive, "SNSTopic": missing},
    )["jobId"]
    double.complete_jobs()
    assert glacier.describe_job(vaultName="v", jobId=job)["StatusCode"] == "Succeeded"
    assert [n.topic for n in double.notifications] == [missing]


def _select(glacier: Any, archive: str, bucket: str) -> str:
    return str(
        glacier.initiate_job(
            vaultName="v",
            jobParameters={
                "Type": "select",
                "ArchiveId": archive,
                "Tier": "Expedited",
                "SelectParameters": {
                    "Expression": "SELECT s._1, s._2 FROM archive s WHERE CAST(s._3 AS INT) > 100",
                    "ExpressionType": "SQL",
                    "InputSerialization": {"csv": {}},
                    "OutputSerialization": {"csv": {}},
                },
                "OutputLocation": {
                    "S3": {
                        "BucketName": bucket,
                        "Prefix": "selected",
                        "StorageClass": "STANDARD_IA",
                        "Tagging": {"job": "select"},
                        "UserMetadata": {"origin": "glacier"},
                    }
                },
            },
        )["jobId"]
    )


def test_select_results_are_read_back_from_s3(double: Glacier) -> None:
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket="results")
    glacier = boto3.client("glacier", region_name=REGION)
    job = _select(glacier, _archive(glacier, CSV), "results")
    double.complete_jobs()
    assert glacier.describe_job(vaultName="v", jobId=job)["StatusCode"] == "Succeeded"
    manifest = s3.get_object(Bucket="results", Key=f"selected/{job}/result_manifest.txt")
    (result_url,) = manifest["Body"].read().decode().split()
    key = result_url.removeprefix("s3://results/")
    result = s3.get_object(Bucket="results", Key=key)
    assert result["Body"].read() == b"1,alpha\n3,gamma\n"
    assert result["StorageClass"] == "STANDARD_IA"
    assert result["Metadata"] == {"origin": "glacier"}
    tags = s3.get_object_tagging(Bucket="results", Key=key)["TagSet"]
    assert tags == [{"Key": "job", "Value": "select"}]
    assert s3.get_object(Bucket="results", Key=f"selected/{job}/job.txt")["Body"].read()


def test_a_missing_bucket_fails_the_select_job(double: Glacier) -> None:
    glacier = boto3.client("glacier", region_name=REGION)
    job = _select(glacier, _archive(glacier, CSV), "no-such-bucket")
    double.complete_jobs()
    described = glacier.describe_job(vaultName="v", jobId=job)
    assert described["StatusCode"] == "Failed"
    assert described["StatusMessage"].startswith(
        "Unable to write the job output to s3://no-such-bucket/selected/"
    )
    assert "NoSuchBucket" in described["StatusMessage"]


def test_without_moto_nothing_leaves_the_double() -> None:
    with mock_glacier() as double:
        glacier = boto3.client("glacier", region_name=REGION)
        job = _select(glacier, _archive(glacier, CSV), "results")
        double.complete_jobs()
        assert glacier.describe_job(vaultName="v", jobId=job)["StatusCode"] == "Succeeded"
        assert any(url.endswith("result_manifest.txt") for url in double.s3_objects)


# -- through the local server, with a moto server as the SNS/SQS/S3 endpoint ----------------
def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


MOTO_URL = f"http://127.0.0.1:{_free_port()}"


@pytest.fixture(scope="module")
def moto_server() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    port = int(MOTO_URL.rsplit(":", 1)[1])
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield MOTO_URL
    server.stop()


def _remote(service: str) -> Any:
    return boto3.client(
        service,
        region_name=REGION,
        endpoint_url=MOTO_URL,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


@pytest.mark.timeout(120)
@pytest.mark.glacier(sns_endpoint_url=MOTO_URL, s3_endpoint_url=MOTO_URL)
def test_the_server_notifies_and_writes_select_output_to_a_moto_server(
    moto_server: str, glacier_server: Any
) -> None:
    sns, sqs, s3 = _remote("sns"), _remote("sqs"), _remote("s3")
    topic = sns.create_topic(Name="served")["TopicArn"]
    queue = sqs.create_queue(QueueName="served-queue")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn["QueueArn"])
    s3.create_bucket(Bucket="results")
    glacier = glacier_server.client()
    archive = _archive(glacier, CSV)
    job = glacier.initiate_job(
        vaultName="v",
        jobParameters={"Type": "archive-retrieval", "ArchiveId": archive, "SNSTopic": topic},
    )["jobId"]
    selected = _select(glacier, archive, "results")
    glacier_server.complete_jobs()
    messages = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)["Messages"]
    (body,) = [json.loads(json.loads(m["Body"])["Message"]) for m in messages]
    assert (body["JobId"], body["StatusCode"]) == (job, "Succeeded")
    manifest = s3.get_object(Bucket="results", Key=f"selected/{selected}/result_manifest.txt")
    assert manifest["Body"].read().startswith(b"s3://results/selected/")


@pytest.mark.timeout(120)
def test_serve_sends_to_the_endpoints_on_its_command_line(moto_server: str) -> None:
    import subprocess
    import sys
    import urllib.request

    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pytest_glacier",
            "serve",
            "--port",
            "0",
            "--sns-endpoint-url",
            moto_server,
            "--s3-endpoint-url",
            moto_server,
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        url = next(word for word in server.stdout.readline().split() if word.startswith("http"))
        s3 = _remote("s3")
        s3.create_bucket(Bucket="cli-results")
        glacier = boto3.client(
            "glacier",
            region_name=REGION,
            endpoint_url=url,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        job = _select(glacier, _archive(glacier, CSV), "cli-results")
        request = urllib.request.Request(
            f"{url}/_pytest_glacier/advance",
            data=json.dumps({"hours": 1}).encode(),
            headers={"content-type": "application/json"},
            method="POST",
        )
        urllib.request.urlopen(request).close()
        key = f"selected/{job}/result_manifest.txt"
        assert s3.get_object(Bucket="cli-results", Key=key)["Body"].read()
        with urllib.request.urlopen(f"{url}/_pytest_glacier/s3_objects") as answer:
            listed = json.loads(answer.read())
        assert f"s3://cli-results/{key}" in listed
    finally:
        server.terminate()
        server.wait(30)
        assert server.stdout is not None
        server.stdout.close()


@pytest.mark.parametrize("order", ["moto first", "double first"])
def test_clients_made_before_both_are_served_by_the_double(order: str) -> None:
    early = boto3.client(
        "glacier", region_name=REGION, aws_access_key_id="a", aws_secret_access_key="b"
    )
    pair = _moto_then_double() if order == "moto first" else _double_then_moto()
    double = next(pair)
    try:
        archive = _archive(early)
        job = early.initiate_job(
            vaultName="v", jobParameters={"Type": "archive-retrieval", "ArchiveId": archive}
        )["jobId"]
        double.complete_jobs()
        assert early.describe_job(vaultName="v", jobId=job)["StatusCode"] == "Succeeded"
        assert early.get_job_output(vaultName="v", jobId=job)["body"].read() == b"backup"
    finally:
        pair.close()
