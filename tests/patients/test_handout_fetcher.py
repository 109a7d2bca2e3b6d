"""The handout's fetcher (patients/handout_fetcher.py), the security boundary of rendering:
what a typed field can make the renderer do (nothing), and which files it may read (our
static files and stored media, nothing else). Assertions read the real PDF and the
fetcher's own record of what was asked for.
"""

import socket
from pathlib import Path

import pytest
from django.core.files.base import ContentFile

from exercises.illustrations import update_drawing
from patients.handout_fetcher import (
    HANDOUT_ORIGIN,
    HandoutFetcher,
    ResourceRefused,
    media_url,
    static_url,
)
from tests.patients.test_handouts import PNG_1PX, a_patient, a_programme, render
from tests.pdfs import figure_alt_texts, pdf_text, reader

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(clinic, therapist):
    """The handout tests' programme: three stretches for Maria Okafor."""
    return a_programme(a_patient(clinic, therapist), therapist)


HOSTILE = [
    '<img src="http://127.0.0.1:{port}/x">',
    '<link rel="stylesheet" href="file:///etc/passwd">',
    "<style>body {{ background: url(file:///etc/hostname) }}</style>url(file:///etc/hostname)",
    "<script>document.write('scripted')</script>",
    '<img src="https://handout.hipclinic.invalid/static/../../../../etc/passwd">',
]


HOSTNAME = Path("/etc/hostname").read_text().strip() if Path("/etc/hostname").exists() else ""


@pytest.fixture
def listening_socket():
    """A local port that must never receive a connection during a render."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.setblocking(False)
    yield server
    server.close()


def assert_nobody_connected(server):
    with pytest.raises(BlockingIOError):
        server.accept()


@pytest.mark.parametrize("template", HOSTILE)
def test_markup_in_typed_fields_prints_as_text_and_fetches_nothing(
    programme, listening_socket, template
):
    hostile = template.format(port=listening_socket.getsockname()[1])
    programme.patient.first_name = hostile
    programme.patient.save()
    item = programme.items.get(order=0)
    item.note = hostile
    item.save()
    programme.instructions = hostile
    programme.save()
    fetcher = HandoutFetcher()

    text = pdf_text(render(programme, fetcher=fetcher).pdf)

    assert " ".join(hostile.split()) in text  # printed literally, as typed
    assert fetcher.refused == []  # nothing typed was even asked for
    assert all(url.startswith(HANDOUT_ORIGIN + "/static/") for url in fetcher.fetched)
    assert_nobody_connected(listening_socket)
    assert "root:" not in text  # /etc/passwd
    assert len(HOSTNAME) < 4 or HOSTNAME not in text  # /etc/hostname, when telling
    assert "scripted" not in text.replace("document.write('scripted')", "")


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/x.png",
        "https://example.org/logo.png",
        "file:///etc/passwd",
        "ftp://example.org/x",
        "data:text/html,<b>x</b>",
        "https://handout.hipclinic.invalid/static/../../settings.py",
        "https://handout.hipclinic.invalid/static/%2e%2e/%2e%2e/hipclinic/settings.py",
        "https://handout.hipclinic.invalid/media/../../hipclinic/settings.py",
        "https://handout.hipclinic.invalid/etc/passwd",
        "https://handout.hipclinic.invalid/static/handouts/handout.css?x=1",
        "https://handout.hipclinic.invalid.evil.example/static/handouts/handout.css",
    ],
)
def test_fetcher_refuses_everything_but_our_files(url):
    fetcher = HandoutFetcher()

    with pytest.raises(ResourceRefused):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_fetcher_serves_static_and_media_files_and_data_images():
    from django.core.files.storage import default_storage

    name = default_storage.save("exercise-illustrations/dot.png", ContentFile(PNG_1PX))
    fetcher = HandoutFetcher()

    css = fetcher.fetch(static_url("handouts/handout.css"))
    image = fetcher.fetch(media_url(name))
    inline = fetcher.fetch("data:image/png;base64,iVBORw0KGgo=")

    assert b"@page" in css.read() and css.content_type == "text/css"
    assert image.read() == PNG_1PX and image.content_type == "image/png"
    assert inline.read().startswith(b"\x89PNG")


def test_illustration_and_logo_print_from_media(programme):
    from django.core.files.storage import default_storage

    exercise = programme.items.get(order=0).exercise
    exercise.illustration.save("bridge.png", ContentFile(PNG_1PX))
    programme.patient.clinic.logo.save("logo.png", ContentFile(PNG_1PX))
    fetcher = HandoutFetcher()

    rendered = render(programme, fetcher=fetcher)

    assert media_url(exercise.illustration.name) in fetcher.fetched
    assert media_url(programme.patient.clinic.logo.name) in fetcher.fetched
    images = sum(len(page.images) for page in reader(rendered.pdf).pages)
    assert images >= 2
    assert default_storage.exists(exercise.illustration.name)


def test_drawn_illustrations_print_one_picture_per_exercise(programme):
    poses = [{"base": "supine"}, {"base": "seated_chair"}, {"base": "all_fours"}]
    for item, pose in zip(programme.items.order_by("order"), poses, strict=True):
        item.exercise.pose = pose
        item.exercise.save()
        update_drawing(item.exercise)
    fetcher = HandoutFetcher()

    rendered = render(programme, fetcher=fetcher)

    names = [f"Stretch number {n}" for n in (1, 2, 3)]
    assert figure_alt_texts(rendered.pdf) == [f"Drawing of {name}" for name in names]
    drawn = [url for url in fetcher.fetched if "/exercise-illustrations/drawn/" in url]
    assert len(drawn) == 3 and fetcher.refused == []


def test_missing_illustration_leaves_a_gap_not_a_failed_render(programme):
    exercise = programme.items.get(order=0).exercise
    exercise.illustration.name = "exercise-illustrations/gone.png"
    exercise.save()
    fetcher = HandoutFetcher()

    rendered = render(programme, fetcher=fetcher)

    assert fetcher.refused == [media_url("exercise-illustrations/gone.png")]
    assert "Stretch number 1" in pdf_text(rendered.pdf)
