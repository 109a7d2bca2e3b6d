import pytest

from tests.factories import ClinicFactory, ManagerFactory, UserFactory

# A real S3 server (SeaweedFS) for the tests that ask for it; started once per session.
from tests.s3 import s3_bucket, s3_server, s3_storage  # noqa: F401


@pytest.fixture
def clinic():
    return ClinicFactory(name="Northside Physio")


@pytest.fixture
def other_clinic():
    return ClinicFactory(name="Southside Physio")


@pytest.fixture
def therapist(clinic):
    return UserFactory(clinic=clinic)


@pytest.fixture
def manager(clinic):
    return ManagerFactory(clinic=clinic)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Real hashing is deliberately slow; tests only need passwords that check."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Issued handouts and uploads go to a throwaway folder, never the developer's var/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def tasks_run_immediately(settings):
    """Background tasks run inside the call that enqueues them, so a test sees their effect."""
    settings.TASKS = {"default": {"BACKEND": settings.TASKS_BACKENDS["immediate"]}}


@pytest.fixture(autouse=True)
def fresh_cache():
    """Rate-limit counters live in the cache; each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def urls_with_debug_on(settings):
    """The URL routes as `make run` builds them (DEBUG on), not as a test run does (off):
    routes read DEBUG once, when hipclinic/urls.py is imported."""
    import importlib

    from django.urls import clear_url_caches

    import hipclinic.urls

    settings.DEBUG = True
    importlib.reload(hipclinic.urls)
    clear_url_caches()
    yield
    settings.DEBUG = False
    importlib.reload(hipclinic.urls)
    clear_url_caches()
