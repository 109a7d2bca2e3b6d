"""Where a staff user is signed in, for their security page, and signing out of the others.

Django keeps sessions in the configured engine (the database; the cache, Redis, when
REDIS_URL is set) and has no list of one user's sessions. ``StaffSession`` is that list:
a row written when someone signs in (``user_logged_in``), deleted when they log out
(``user_logged_out``), whose "last seen" moves on at most every ``LAST_SEEN_EVERY``: the
time of the last move is kept in the session itself, which Django saves at every request
anyway (SESSION_SAVE_EVERY_REQUEST), so an ordinary request writes nothing of ours.

The session store stays the truth. A row is listed only while its session is still in
the store, unexpired, for the same account and password (the check Django makes at every
request); a row whose session has gone (expired, logged out, ended by a password change
or reset, evicted from the cache) is deleted when the list is read.

The key. Ending another session takes ``SessionStore(key).delete()`` of the configured
engine, the one way that works for the database and the cache alike, so the key has to
be kept somewhere. A session key is a credential: whoever holds it is that staff member,
second step already passed. So the row keeps the key's SHA-256, by which every lookup
goes, and the key itself sealed (Fernet: AES with an HMAC) under a key derived from
SECRET_KEY, opened only to end that session. The database and its backups then hold no
key that signs anyone in. (With database sessions ``django_session`` holds the keys in
the clear anyway; with Redis sessions a plain copy here would have put every live key
into PostgreSQL and each pg_dump of it.) Keys sealed before SECRET_KEY was rotated open
with SECRET_KEY_FALLBACKS; a key that opens with none is a session that ended.

The address is kept as the audit trail keeps it (the same address is already there for
every sign-in), shown to the user alone, and goes with the row when the session ends.
The browser is a short label ("Chrome on Windows") read from the User-Agent header; the
header itself is never kept.
"""

import base64
import datetime
import hashlib
import re
from importlib import import_module

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY, update_session_auth_hash
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from hipclinic.access import client_ip
from hipclinic.audit import audit
from hipclinic.models import AuditAction, StaffSession

# How stale "last seen" may get: one write per session per this, not one per request.
LAST_SEEN_EVERY = datetime.timedelta(minutes=5)
# Where the session keeps the time its row's "last seen" last moved (epoch seconds).
SEEN = "_staff_session_seen"

# First match wins: Edge and Opera say "Chrome" too, and every Chrome says "Safari".
BROWSERS = [
    ("Edg", "Edge"),
    ("OPR/", "Opera"),
    ("SamsungBrowser/", "Samsung Internet"),
    ("Firefox/", "Firefox"),
    ("FxiOS/", "Firefox"),
    ("CriOS/", "Chrome"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
]
# First match wins: Android says "Linux", an iPhone says "like Mac OS X".
SYSTEMS = [
    ("Windows", "Windows"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("CrOS", "ChromeOS"),
    ("Macintosh", "Mac"),
    ("Linux", "Linux"),
]


def key_hash(session_key: str) -> str:
    return hashlib.sha256(session_key.encode()).hexdigest()


def sealer() -> MultiFernet:
    """Seals with SECRET_KEY; opens with it or any of SECRET_KEY_FALLBACKS."""
    secrets = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    return MultiFernet(
        [
            Fernet(
                base64.urlsafe_b64encode(
                    salted_hmac(
                        "hipclinic.staff_sessions", "seal", secret=secret, algorithm="sha256"
                    ).digest()
                )
            )
            for secret in secrets
        ]
    )


def seal(session_key: str) -> str:
    return sealer().encrypt(session_key.encode()).decode()


def unseal(sealed: str) -> str | None:
    try:
        return sealer().decrypt(sealed.encode()).decode()
    except InvalidToken:
        return None


def browser_and_system(user_agent: str) -> tuple[str, str]:
    """The browser's and the system's names from a User-Agent header, each "" when not
    recognised. Good enough to tell one's own devices apart; never shown as a fact."""

    def first(names):
        return next((name for token, name in names if token in user_agent), "")

    browser = first(BROWSERS)
    if browser == "Safari" and not re.search(r"Version/\d", user_agent):
        browser = ""  # a WebView or an app, not Safari itself
    return browser, first(SYSTEMS)


def store_for(session_key: str) -> SessionBase:
    """The configured engine's session, database or cache alike."""
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)


def session_key_of(request: HttpRequest) -> str:
    """This request's session key, the session saved first when it has none yet (a
    sign-in that began by flushing another account's session)."""
    if request.session.session_key is None:
        request.session.save()
    return request.session.session_key


def forget_ended() -> None:
    """Delete the rows of sessions that must have ended by now: not seen for longer than
    SESSION_COOKIE_AGE (every request renews a session for that long) plus the
    LAST_SEEN_EVERY that "last seen" may lag behind. Most sessions end that way, idle,
    with no logout to remove their row; run at every sign-in, this keeps the table to
    little more than the sessions alive."""
    idle = datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE) + LAST_SEEN_EVERY
    StaffSession.objects.filter(last_seen_at__lt=timezone.now() - idle).delete()


def record_sign_in(sender, request, user, **kwargs) -> None:
    """``user_logged_in``: a row for the new session (and the ended ones' rows go)."""
    if request is None or not hasattr(request, "session"):
        return
    forget_ended()
    add_row(request, user)


def add_row(request: HttpRequest, user) -> None:
    session_key = session_key_of(request)
    browser, system = browser_and_system(request.META.get("HTTP_USER_AGENT", ""))
    now = timezone.now()
    StaffSession.objects.update_or_create(
        key_hash=key_hash(session_key),
        defaults={
            "user": user,
            "sealed_key": seal(session_key),
            "browser": browser,
            "system": system,
            "ip_address": client_ip(request),
            "started_at": now,
            "last_seen_at": now,
        },
    )
    request.session[SEEN] = now.timestamp()


def record_sign_out(sender, request, user, **kwargs) -> None:
    """``user_logged_out`` (sent before the session is flushed): the row goes."""
    session_key = getattr(getattr(request, "session", None), "session_key", None)
    if session_key:
        StaffSession.objects.filter(key_hash=key_hash(session_key)).delete()


def note_last_seen(get_response):
    """Middleware: move this session's "last seen" on, at most every LAST_SEEN_EVERY. A
    session with no row yet (one from before rows were kept) gets one then."""

    def middleware(request: HttpRequest) -> HttpResponse:
        session_key = request.session.session_key
        if session_key and request.user.is_authenticated:
            seen = request.session.get(SEEN, 0)
            now = timezone.now()
            if now.timestamp() - seen >= LAST_SEEN_EVERY.total_seconds():
                touch(request, session_key, now)
        return get_response(request)

    return middleware


def touch(request: HttpRequest, session_key: str, now: datetime.datetime) -> None:
    updated = StaffSession.objects.filter(key_hash=key_hash(session_key), user=request.user).update(
        last_seen_at=now, ip_address=client_ip(request)
    )
    if not updated:
        add_row(request, request.user)
    request.session[SEEN] = now.timestamp()


def is_signed_in(row: StaffSession) -> bool:
    """Whether the row's session is still in the store, unexpired, signed in as the row's
    user with the password they have now (the hash Django checks at every request)."""
    session_key = unseal(row.sealed_key)
    if session_key is None:
        return False
    data = store_for(session_key).load()  # {} when gone or expired
    user = row.user
    if data.get(SESSION_KEY) != user._meta.pk.value_to_string(user):
        return False
    hashes = [user.get_session_auth_hash(), *user.get_session_auth_fallback_hash()]
    return any(constant_time_compare(data.get(HASH_SESSION_KEY, ""), h) for h in hashes)


def sessions_of(request: HttpRequest) -> list[StaffSession]:
    """The user's signed-in sessions: this one first (marked ``is_current``), then the
    others, most recently seen first (``seen_recently``: within LAST_SEEN_EVERY, as close
    as "last seen" can tell); rows whose session has ended are deleted on the way."""
    current = key_hash(request.session.session_key or "")
    recently = timezone.now() - LAST_SEEN_EVERY
    rows = []
    for row in StaffSession.objects.filter(user=request.user).select_related("user"):
        row.is_current = row.key_hash == current
        row.seen_recently = row.last_seen_at >= recently  # as fine as "last seen" gets
        if row.is_current or is_signed_in(row):
            rows.append(row)
        else:
            row.delete()
    return sorted(rows, key=lambda row: not row.is_current)


def others_of(request: HttpRequest):
    """The rows of the user's other sessions: what "Sign out" may end. Another user's
    session, or this one, is not among them."""
    current = key_hash(request.session.session_key or "")
    return StaffSession.objects.filter(user=request.user).exclude(key_hash=current)


def end_session(request: HttpRequest, row: StaffSession) -> None:
    """Sign the row's session out, wherever the engine keeps it: its next request is
    anonymous and goes to the sign-in page. Audited (the row's id; the key never)."""
    session_key = unseal(row.sealed_key)
    if session_key is not None:
        store_for(session_key).delete()
    audit(request, AuditAction.SESSION_ENDED, row)
    row.delete()


def end_other_sessions(request: HttpRequest) -> int:
    """Sign out of every other session of the user; how many were still signed in."""
    ended = 0
    for row in others_of(request).select_related("user"):
        if is_signed_in(row):
            ended += 1
        end_session(request, row)
    return ended


def keep_this_session(request: HttpRequest, user) -> None:
    """After the user's own password change: this session stays signed in (Django's
    ``update_session_auth_hash``, which gives it a new key, so its row follows) and every
    other one ends (the new password's hash already refuses them; here they also leave the
    store and the list)."""
    old_hash = key_hash(request.session.session_key or "")
    update_session_auth_hash(request, user)
    new_key = session_key_of(request)
    StaffSession.objects.filter(key_hash=old_hash).update(
        key_hash=key_hash(new_key), sealed_key=seal(new_key)
    )
    end_other_sessions(request)
