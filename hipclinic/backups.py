"""Backups: a consistent copy of the database plus the media files, and the way back.

SQLite is copied with its online backup API (a consistent snapshot while the app
keeps running); PostgreSQL with ``pg_dump`` in its custom format. Media (issued
handouts, pictures, logos) are copied file by file through Django's default storage,
so the same backup works with local storage and an S3 bucket: into ``media/`` under
their stored names, and back. A ``manifest.json`` records what was copied, with a
SHA-256 of the database copy.
"""

import datetime
import hashlib
import json
import os
import posixpath
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection

SQLITE_COPY = "db.sqlite3"
POSTGRES_COPY = "db.pgdump"
MANIFEST = "manifest.json"


class BackupError(Exception):
    pass


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def postgres_env() -> dict:
    params = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": params.get("PASSWORD") or ""}
    env.update(
        PGHOST=params.get("HOST") or "",
        PGPORT=str(params.get("PORT") or ""),
        PGUSER=params.get("USER") or "",
        PGDATABASE=params["NAME"],
    )
    return env


def backup(folder: Path) -> dict:
    """Write the database and media into ``folder`` (created, must be empty); return the manifest."""
    folder.mkdir(parents=True, exist_ok=True)
    if any(folder.iterdir()):
        raise BackupError(f"{folder} is not empty; choose a new folder for each backup.")
    vendor = connection.vendor
    if vendor == "sqlite":
        database = folder / SQLITE_COPY
        connection.ensure_connection()
        target = sqlite3.connect(database)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    elif vendor == "postgresql":
        database = folder / POSTGRES_COPY
        run(["pg_dump", "--format=custom", "--no-owner", f"--file={database}"])
    else:
        raise BackupError(f"No backup method for the {vendor} database.")
    (folder / "media").mkdir()  # there even when empty: restoring it empties storage
    copied = 0
    for name in stored_names():
        target = folder / "media" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        with default_storage.open(name, "rb") as source, target.open("wb") as copy:
            shutil.copyfileobj(source, copy)
        copied += 1
    manifest = {
        "created_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "database": vendor,
        "database_file": database.name,
        "database_sha256": sha256_of(database),
        "media_files": copied,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2))
    return manifest


def restore(folder: Path) -> dict:
    """Bring the database and media back from a backup folder, replacing what is there now."""
    manifest = json.loads((folder / MANIFEST).read_text())
    database = folder / manifest["database_file"]
    if sha256_of(database) != manifest["database_sha256"]:
        raise BackupError("The database copy does not match its manifest; it may be damaged.")
    if manifest["database"] != connection.vendor:
        raise BackupError(
            f"This backup is of a {manifest['database']} database; "
            f"the configured one is {connection.vendor}."
        )
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(database)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    else:
        run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                f"--dbname={connection.settings_dict['NAME']}",
                str(database),
            ]
        )
    media = folder / "media"
    if media.exists():
        for name in stored_names():
            default_storage.delete(name)
        for path in sorted(p for p in media.rglob("*") if p.is_file()):
            name = path.relative_to(media).as_posix()
            with path.open("rb") as content:
                stored = default_storage.save(name, File(content))
            if stored != name:
                raise BackupError(f"{name} came back as {stored}; storage was not emptied.")
    return manifest


def stored_names(directory: str = "") -> Iterator[str]:
    """Every file in the default storage, by its stored name (none when local storage's
    folder does not exist yet)."""
    try:
        directories, files = default_storage.listdir(directory)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield posixpath.join(directory, name)
    for name in sorted(directories):
        yield from stored_names(posixpath.join(directory, name))


def run(command: list[str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(
            f"{command[0]} is not installed (Debian: apt-get install postgresql-client)."
        )
    result = subprocess.run(command, env=postgres_env(), capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")
