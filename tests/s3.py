"""A real S3 server for the storage tests: SeaweedFS on 127.0.0.1, nothing mocked.

``s3_server`` starts ``weed server -s3`` (``localservers.seaweedfs``, which the load
test's scale-out run uses too) the first time a test of the session asks for it: master,
volume, filer and S3 gateway in one process, on free ports, with its data, sockets and
log under the session's temporary folder. It is stopped, with anything it started, when
the session ends.

``s3_storage`` points Django's default storage at that server's bucket, emptied, for one
test, with the settings ``STORAGE_BACKEND=s3`` builds from the AWS_* variables
(``hipclinic.settings.s3_storage``).
"""

import pytest

from localservers import ServerFailed
from localservers.seaweedfs import running_seaweedfs

BUCKET = "hipclinic-tests"


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    try:
        with running_seaweedfs(tmp_path_factory.mktemp("seaweedfs"), BUCKET) as server:
            print(f"\nSeaweedFS took its first write {server.started_in:.1f} s after starting")
            yield server
    except ServerFailed as error:
        pytest.fail(f"The S3 storage tests need SeaweedFS: {error}")


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
