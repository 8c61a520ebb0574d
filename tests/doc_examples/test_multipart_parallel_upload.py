import io
from concurrent.futures import ThreadPoolExecutor

from botocore.utils import calculate_tree_hash

MIB = 1 << 20


def test_parallel_multipart_upload(glacier):
    client = glacier.client()
    client.create_vault(vaultName="backups")
    data = bytes(range(256)) * (40 * MIB // 256)
    part = 4 * MIB
    upload_id = client.initiate_multipart_upload(vaultName="backups", partSize=str(part))[
        "uploadId"
    ]

    def send(start):
        body = data[start : start + part]
        client.upload_multipart_part(
            vaultName="backups",
            uploadId=upload_id,
            range=f"bytes {start}-{start + len(body) - 1}/*",
            body=body,
        )

    with ThreadPoolExecutor(8) as pool:  # parts may arrive in any order, in parallel
        list(pool.map(send, reversed(range(0, len(data), part))))

    archive = client.complete_multipart_upload(
        vaultName="backups",
        uploadId=upload_id,
        archiveSize=str(len(data)),
        checksum=calculate_tree_hash(io.BytesIO(data)),  # botocore does not compute this one
    )
    assert glacier.archives("backups")[archive["archiveId"]].data == data
