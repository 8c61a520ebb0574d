import threading
import time


def test_four_parallel_restores_wait_together(glacier):
    def restore(name):
        client = glacier.client()
        client.create_vault(vaultName=name)
        archive = client.upload_archive(vaultName=name, body=b"x")["archiveId"]
        job = client.initiate_job(
            vaultName=name,
            jobParameters={"Type": "archive-retrieval", "ArchiveId": archive, "Tier": "Expedited"},
        )["jobId"]
        while not client.describe_job(vaultName=name, jobId=job)["Completed"]:
            time.sleep(60)

    start = glacier.now()
    threads = [threading.Thread(target=restore, args=(f"v{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert (glacier.now() - start).total_seconds() < 7 * 60  # not 4 x 5 minutes
