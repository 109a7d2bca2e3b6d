"""Exercise pictures reach the browser through ``exercises:exercise_picture`` only.

The shared library's pictures go to any staff user, a clinic's own to its staff;
another clinic's is a 404 like an exercise that does not exist. Every link to a
picture (the exercise page, the manager's form, the admin) is that view, so the
pictures show with DEBUG off too, where nothing serves MEDIA_ROOT.
"""

import io
import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image

from exercises.illustrations import update_drawing
from hipclinic.files import SVG_POLICY
from tests.factories import ExerciseFactory, ManagerFactory, UserFactory

pytestmark = pytest.mark.django_db


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(buffer, "PNG")
    return buffer.getvalue()


def with_picture(exercise):
    exercise.illustration.save("walk.png", ContentFile(png_bytes()), save=True)
    return exercise


@pytest.fixture
def own(clinic):
    return with_picture(ExerciseFactory(clinic=clinic, name="Our band walk"))


@pytest.fixture
def shared(db):
    return with_picture(ExerciseFactory(clinic=None, name="Figure four stretch"))


def picture_src(client, exercise) -> str:
    html = client.get(reverse("exercises:exercise_detail", args=[exercise.pk])).content.decode()
    src = re.search(r'<img [^>]*class="[^"]*exercise-picture[^"]*" src="([^"]+)"', html)
    assert src, "the exercise page shows no picture"
    return src.group(1).replace("&amp;", "&")


def test_with_debug_off_the_exercise_pages_picture_shows_for_its_clinic_and_no_other(
    client, settings, own, therapist, other_clinic
):
    """Production: the page's own <img src> answers with the picture; another clinic's
    staff asking for the same URL get 404."""
    settings.DEBUG = False
    client.force_login(therapist)
    src = picture_src(client, own)

    response = client.get(src)

    assert src.startswith(f"/library/{own.pk}/picture?v=")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(response.content)).size == (20, 20)

    client.force_login(UserFactory(clinic=other_clinic))
    assert client.get(src).status_code == 404


def test_a_shared_library_picture_shows_for_every_clinics_staff(
    client, settings, shared, therapist, other_clinic
):
    settings.DEBUG = False
    for user in [therapist, ManagerFactory(clinic=other_clinic)]:
        client.force_login(user)
        response = client.get(picture_src(client, shared))
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"


def test_another_clinics_picture_is_404_like_an_exercise_without_one(client, own, other_clinic):
    client.force_login(UserFactory(clinic=other_clinic))
    bare = ExerciseFactory(clinic=other_clinic)

    assert client.get(reverse("exercises:exercise_picture", args=[own.pk])).status_code == 404
    assert client.get(reverse("exercises:exercise_picture", args=[bare.pk])).status_code == 404
    assert client.get(reverse("exercises:exercise_picture", args=[999999])).status_code == 404


def test_a_picture_needs_a_staff_login(client, own):
    response = client.get(reverse("exercises:exercise_picture", args=[own.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_a_drawn_figure_is_served_as_a_sandboxed_svg(client, therapist, clinic):
    exercise = ExerciseFactory(clinic=clinic, pose={"base": "standing"})
    update_drawing(exercise)
    client.force_login(therapist)

    response = client.get(exercise.illustration.url)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response["Content-Security-Policy"] == SVG_POLICY
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.content.startswith(b"<svg")


def test_a_redrawn_figure_gets_a_new_url_though_its_stored_name_stays(clinic):
    exercise = ExerciseFactory(clinic=clinic, pose={"base": "standing"})
    update_drawing(exercise)
    name, before = exercise.illustration.name, exercise.illustration.url

    exercise.pose = {"base": "supine"}
    exercise.save()
    update_drawing(exercise)

    assert exercise.illustration.name == name
    assert exercise.illustration.url != before


def test_the_managers_form_links_the_current_picture_through_the_app(client, own, manager):
    client.force_login(manager)

    html = client.get(reverse("exercises:exercise_edit", args=[own.pk])).content.decode()

    assert f'href="{own.illustration.url}"'.replace("&", "&amp;") in html
    assert "/media/" not in html


@pytest.mark.parametrize("role", ["therapist", "manager"])  # read-only and editable forms
def test_the_admin_links_the_current_picture_through_the_app(client, own, request, role):
    client.force_login(request.getfixturevalue(role))

    html = client.get(reverse("admin:exercises_exercise_change", args=[own.pk])).content.decode()

    assert f'href="{own.illustration.url}"'.replace("&", "&amp;") in html
    assert "/media/" not in html
