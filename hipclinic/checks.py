"""System checks (``manage.py check``, and every runserver start) for settings whose mistake
would otherwise show only when a patient's link fails to open."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Warning, register
from django.http.request import validate_host

# What Django itself answers to with DEBUG on and ALLOWED_HOSTS empty.
DEBUG_HOSTS = [".localhost", "127.0.0.1", "[::1]"]


@register()
def site_url_is_served(app_configs, **kwargs) -> list[Warning]:
    """SITE_URL builds every patient's link, QR code and email: its host must be one this
    server answers to (ALLOWED_HOSTS), or each of them reaches a refusal. The port cannot
    be checked from here: ``make run`` sets SITE_URL from the HOST and PORT it serves on."""
    host = urlsplit(settings.SITE_URL).hostname or ""
    if ":" in host:  # an IPv6 address, written in brackets in ALLOWED_HOSTS
        host = f"[{host}]"
    allowed = settings.ALLOWED_HOSTS or (DEBUG_HOSTS if settings.DEBUG else [])
    if host and validate_host(host, allowed):
        return []
    return [
        Warning(
            f"SITE_URL ({settings.SITE_URL}) is not an address this server answers to: "
            f"its host {host or '(none)'} is not in ALLOWED_HOSTS. Patients' links, QR codes "
            "and emails would point where nobody serves them.",
            hint="Set SITE_URL to the address the server is reached at, or add its host "
            "to ALLOWED_HOSTS.",
            id="hipclinic.W001",
        )
    ]


@register(deploy=True)
def rate_limits_are_shared(app_configs, **kwargs) -> list[Warning]:
    """Rate limits (a patient link's views, password-reset mails, reminder confirmations)
    are counted in the cache. In this process's own memory, each gunicorn worker and each
    server counts on its own, so a limit lets through as many times its count as there
    are processes."""
    if "LocMemCache" not in settings.CACHES["default"]["BACKEND"]:
        return []
    return [
        Warning(
            "The cache is this process's own memory (REDIS_URL is not set): each app "
            "process counts rate limits on its own, so with 2 workers a patient link, a "
            "password reset or a reminder confirmation gets twice its limit.",
            hint="Set REDIS_URL to a Redis that every app process and server shares.",
            id="hipclinic.W002",
        )
    ]
