"""A restore worker that never polls Glacier: it waits for the job's completion message.

The vault's notifications go to an SNS topic; an SQS queue subscribed to the topic receives
Glacier's message (the job's DescribeJob JSON inside the SNS envelope). The worker starts the
retrievals, then reads the queue and downloads each job's output as its message arrives.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any


def subscribe_vault(glacier: Any, sns: Any, sqs: Any, vault: str) -> str:
    """Route the vault's job completions to a new queue; the queue's URL."""
    topic = sns.create_topic(Name=f"{vault}-jobs")["TopicArn"]
    queue = sqs.create_queue(QueueName=f"{vault}-jobs")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn["QueueArn"])
    glacier.set_vault_notifications(
        vaultName=vault,
        vaultNotificationConfig={"SNSTopic": topic, "Events": ["ArchiveRetrievalCompleted"]},
    )
    return str(queue)


def restore_all(
    glacier: Any,
    sqs: Any,
    queue: str,
    vault: str,
    archives: dict[str, str],
    target: Path,
    *,
    wait_seconds: int = 20,
    give_up_after: float = 24 * 3600,
) -> list[Path]:
    """Retrieve ``archives`` (name -> archive id) into ``target``, driven by the queue."""
    names = {}
    for name, archive_id in archives.items():
        job = glacier.initiate_job(
            vaultName=vault,
            jobParameters={"Type": "archive-retrieval", "ArchiveId": archive_id, "Tier": "Bulk"},
        )["jobId"]
        names[job] = name
    restored: list[Path] = []
    deadline = time.monotonic() + give_up_after
    while names and time.monotonic() < deadline:
        batch = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)
        messages = batch.get("Messages", [])
        if not messages:
            time.sleep(wait_seconds)  # simulated time under the double: no real wait
            continue
        for message in messages:
            job = json.loads(json.loads(message["Body"])["Message"])
            name = names.pop(job["JobId"], None)
            if name is not None and job["StatusCode"] == "Succeeded":
                output = glacier.get_job_output(vaultName=vault, jobId=job["JobId"])
                path = target / name
                path.write_bytes(output["body"].read())
                restored.append(path)
            sqs.delete_message(QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"])
    return restored
