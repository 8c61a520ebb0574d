import subprocess
import sys


def test_subprocess_uploads(glacier_server, tmp_path):
    glacier_server.client().create_vault(vaultName="backups")
    script = tmp_path / "upload.py"
    script.write_text(
        "import boto3\nboto3.client('glacier').upload_archive(vaultName='backups', body=b'hello')\n"
    )
    subprocess.run([sys.executable, str(script)], env=glacier_server.env, check=True)

    (archive,) = glacier_server.archives("backups").values()
    assert bytes(archive.data) == b"hello"
    assert [c.operation for c in glacier_server.calls] == ["CreateVault", "UploadArchive"]
