"""manage.py backup and restore: a round trip on SQLite brings rows and files back."""

import json

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection

from patients.models import Patient
from tests.factories import PatientFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "sqlite", reason="the round trip is the SQLite one (pg_dump in CI)"
    ),
]


def test_backup_then_restore_brings_back_rows_and_media(clinic, tmp_path, capsys):
    kept = PatientFactory(clinic=clinic, first_name="Kept")
    default_storage.save("handouts/1/1-r1.pdf", ContentFile(b"%PDF revision one"))
    folder = tmp_path / "backup"

    call_command("backup", str(folder))
    Patient.objects.filter(pk=kept.pk).update(first_name="Changed after the backup")
    PatientFactory(clinic=clinic, first_name="Added after the backup")
    default_storage.delete("handouts/1/1-r1.pdf")
    call_command("restore", str(folder), "--yes")

    assert list(Patient.objects.values_list("first_name", flat=True)) == ["Kept"]
    assert default_storage.open("handouts/1/1-r1.pdf").read() == b"%PDF revision one"
    manifest = json.loads((folder / "manifest.json").read_text())
    assert (manifest["database"], manifest["media_files"]) == ("sqlite", 1)
    assert "Restored the backup made at" in capsys.readouterr().out


def test_backup_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "old.txt").write_text("x")

    with pytest.raises(CommandError, match="is not empty"):
        call_command("backup", str(tmp_path))


def test_restore_needs_confirmation_and_an_intact_copy(clinic, tmp_path):
    folder = tmp_path / "backup"
    call_command("backup", str(folder))
    with pytest.raises(CommandError, match="run again with --yes"):
        call_command("restore", str(folder))

    (folder / "db.sqlite3").write_bytes(b"damaged")
    with pytest.raises(CommandError, match="does not match its manifest"):
        call_command("restore", str(folder), "--yes")
