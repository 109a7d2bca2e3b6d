"""The contact sheet of every shipped drawing: made from the library file alone."""

import pytest
from django.core.management import CommandError, call_command
from PIL import Image

from exercises.library import read_library


def test_sheet_shows_every_shipped_exercise_by_name_without_a_database(tmp_path):
    # No django_db mark: touching the database here would fail the test.
    call_command("illustration_sheet", out=tmp_path)

    html = (tmp_path / "illustrations.html").read_text()
    for entry in read_library()["exercises"]:
        assert f'<figure id="{entry["slug"]}">' in html
        assert f"<title>{entry['name']}</title>" in html
    assert html.count("<svg ") == len(read_library()["exercises"])
    with Image.open(tmp_path / "illustrations.png") as sheet:
        grey = sheet.convert("L")
        assert grey.size[0] > 800
        assert sum(grey.histogram()[:160]) > 0.03 * grey.size[0] * grey.size[1]


def test_sheet_refuses_a_library_with_an_impossible_pose(tmp_path):
    broken = tmp_path / "library.toml"
    broken.write_text(
        '[[exercises]]\nslug = "frog"\nname = "Frog"\n[exercises.pose]\nbase = "handstand"\n'
    )

    with pytest.raises(CommandError, match="exercise 'frog', field 'pose.base'"):
        call_command("illustration_sheet", file=broken, out=tmp_path)
    assert not (tmp_path / "illustrations.png").exists()
