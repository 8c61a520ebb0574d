import json

import boto3
from moto import mock_aws


def test_restore_driven_by_an_sqs_queue(glacier):
    with mock_aws():  # moto serves SNS and SQS; the double keeps serving Glacier
        sns = boto3.client("sns", region_name="us-east-1")
        sqs = boto3.client("sqs", region_name="us-east-1")
        topic = sns.create_topic(Name="restores")["TopicArn"]
        queue = sqs.create_queue(QueueName="restores")["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn["Attributes"]["QueueArn"])

        client = glacier.client()
        client.create_vault(vaultName="photos")
        archive = client.upload_archive(vaultName="photos", body=b"2019")["archiveId"]
        client.set_vault_notifications(
            vaultName="photos",
            vaultNotificationConfig={"SNSTopic": topic, "Events": ["ArchiveRetrievalCompleted"]},
        )
        job = client.initiate_job(
            vaultName="photos",
            jobParameters={"Type": "archive-retrieval", "ArchiveId": archive},
        )["jobId"]

        glacier.advance(hours=5)  # Standard: the job completes, Glacier publishes its JSON

        (delivered,) = sqs.receive_message(QueueUrl=queue)["Messages"]
        message = json.loads(json.loads(delivered["Body"])["Message"])
        assert message["JobId"] == job
        assert message["StatusCode"] == "Succeeded"
        output = client.get_job_output(vaultName="photos", jobId=job)
        assert output["body"].read() == b"2019"
