import boto3
from moto import mock_aws


def test_select_results_land_in_the_bucket(glacier):
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="reports")
        client = glacier.client()
        client.create_vault(vaultName="logs")
        archive = client.upload_archive(vaultName="logs", body=b"a,1\nb,250\nc,300\n")["archiveId"]
        job = client.initiate_job(
            vaultName="logs",
            jobParameters={
                "Type": "select",
                "ArchiveId": archive,
                "SelectParameters": {
                    "Expression": "SELECT s._1 FROM archive s WHERE CAST(s._2 AS INT) > 100",
                    "ExpressionType": "SQL",
                    "InputSerialization": {"csv": {}},
                    "OutputSerialization": {"csv": {}},
                },
                "OutputLocation": {"S3": {"BucketName": "reports", "Prefix": "big"}},
            },
        )["jobId"]
        glacier.complete_jobs()

        manifest = s3.get_object(Bucket="reports", Key=f"big/{job}/result_manifest.txt")
        (result,) = manifest["Body"].read().decode().split()
        key = result.removeprefix("s3://reports/")
        assert s3.get_object(Bucket="reports", Key=key)["Body"].read() == b"b\nc\n"
