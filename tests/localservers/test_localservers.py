"""The servers the tests and the load test start for themselves (localservers/): each
answers while its block runs, keeps its data in the folder it is given, and is gone,
its port closed, when the block ends."""

import socket

import pytest
import redis

from localservers import ServerFailed, free_ports, seaweedfs
from localservers.redis import running_redis
from localservers.seaweedfs import running_seaweedfs


def refused(url: str) -> bool:
    host, port = url.split("//")[1].split("/")[0].split(":")
    try:
        socket.create_connection((host, int(port)), timeout=1).close()
    except OSError:
        return True
    return False


def test_free_ports_are_different_and_free():
    ports = free_ports(8)
    assert len(set(ports)) == 8
    for port in ports:
        socket.create_server(("127.0.0.1", port)).close()  # nothing holds it


def test_redis_shares_what_one_client_writes_with_another_and_stops_after(tmp_path):
    with running_redis(tmp_path / "redis") as url:
        redis.Redis.from_url(url).set("session", b"signed in")
        assert redis.Redis.from_url(url).get("session") == b"signed in"
        assert (tmp_path / "redis" / "redis.log").exists()
    assert refused(url)
    assert not (tmp_path / "redis" / "dump.rdb").exists()  # nothing kept on disk


def test_seaweedfs_stores_in_its_bucket_and_stops_after(tmp_path):
    with running_seaweedfs(tmp_path / "weed", "launcher-test") as server:
        client = server.client()
        client.put_object(Bucket="launcher-test", Key="handout.pdf", Body=b"%PDF-1.7")
        assert client.get_object(Bucket="launcher-test", Key="handout.pdf")["Body"].read() == (
            b"%PDF-1.7"
        )
        assert server.environ()["AWS_STORAGE_BUCKET_NAME"] == "launcher-test"
        assert any((tmp_path / "weed" / "data").iterdir())
    assert refused(server.endpoint_url)


def test_without_the_weed_binary_the_message_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setattr(seaweedfs, "WEED", tmp_path / "no-weed")
    with (
        pytest.raises(ServerFailed, match="requirements-dev.txt"),
        running_seaweedfs(tmp_path, "any"),
    ):
        pass
