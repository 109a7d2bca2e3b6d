"""Stored files reach a browser only through views that check who asks (hipclinic/files.py).

No route serves MEDIA_ROOT, with DEBUG on (`make run`) or off. A clinic's logo is
served to its own staff by ``clinic_logo``, with the same headers as every picture:
an ETag from the content, ``Cache-Control: private``, ``nosniff``, and for SVG a
policy under which it can neither run nor fetch anything.
"""

import hashlib
import io

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import FileField
from django.urls import reverse
from PIL import Image

from hipclinic.files import SVG_POLICY, ServedFileMixin
from patients import handouts
from tests.factories import (
    PatientFactory,
    PrescriptionFactory,
    PrescriptionItemFactory,
    SuperuserFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def png_bytes(colour="white") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (12, 8), colour).save(buffer, "PNG")
    return buffer.getvalue()


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (12, 8), "red").save(buffer, "JPEG")
    return buffer.getvalue()


SVG_WITH_A_SCRIPT = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
    b"<script>fetch('/patients/')</script><circle cx='5' cy='5' r='4'/></svg>"
)


def logo_url(clinic) -> str:
    return reverse("clinic_logo", args=[clinic.pk])


@pytest.fixture
def with_logo(clinic):
    clinic.logo.save("northside.png", ContentFile(png_bytes()), save=True)
    return clinic


# --- No route to storage ---------------------------------------------------------------


def test_media_urls_answer_404_with_debug_on_even_for_the_clinics_own_manager(
    client, urls_with_debug_on, with_logo, therapist, manager
):
    """The probe's request: a guessable handout name under /media/, with `make run`'s DEBUG."""
    patient = PatientFactory(clinic=with_logo, last_name="Zanzibar")
    programme = PrescriptionFactory(patient=patient, therapist=therapist)
    PrescriptionItemFactory(prescription=programme)
    handout = handouts.issue_handout(programme, therapist)
    old_style = default_storage.save(
        f"handouts/{with_logo.pk}/{programme.pk}-r1.pdf", ContentFile(b"%PDF-1.7 Zanzibar")
    )
    client.force_login(manager)

    for name in [handout.pdf.name, old_style, with_logo.logo.name]:
        assert default_storage.exists(name)
        response = client.get(f"/media/{name}")
        assert response.status_code == 404, name
        assert b"Zanzibar" not in response.content
        assert b"%PDF" not in response.content


# --- The logo --------------------------------------------------------------------------


def test_a_clinics_logo_is_served_to_its_own_staff(client, with_logo, therapist):
    client.force_login(therapist)

    response = client.get(with_logo.logo.url)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response.content == png_bytes()


def test_another_clinics_logo_is_404_like_one_that_does_not_exist(client, with_logo, other_clinic):
    client.force_login(UserFactory(clinic=other_clinic))

    assert client.get(logo_url(with_logo)).status_code == 404
    assert client.get(logo_url(other_clinic)).status_code == 404  # no logo: same answer
    assert client.get(reverse("clinic_logo", args=[999999])).status_code == 404


def test_a_logo_needs_a_staff_login(client, with_logo):
    response = client.get(logo_url(with_logo))

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_a_platform_admin_sees_every_clinics_logo(client, with_logo):
    client.force_login(SuperuserFactory())

    assert client.get(logo_url(with_logo)).status_code == 200


def test_a_logo_url_names_the_clinic_not_the_storage_path(with_logo):
    url = with_logo.logo.url

    assert url.startswith(f"/clinics/{with_logo.pk}/logo?v=")
    assert "northside" not in url and "media" not in url


def test_a_new_logo_gets_a_new_url_so_browsers_fetch_it(with_logo):
    before = with_logo.logo.url
    with_logo.logo.save("northside.png", ContentFile(png_bytes("blue")), save=True)

    assert with_logo.logo.url != before


def test_the_admin_links_the_current_logo_through_the_app(client, with_logo, manager):
    client.force_login(manager)

    html = client.get(reverse("admin:hipclinic_clinic_change", args=[with_logo.pk])).content

    assert f'href="{with_logo.logo.url}"'.replace("&", "&amp;").encode() in html
    assert b"/media/" not in html


# --- How a picture is answered ---------------------------------------------------------


def test_a_picture_carries_an_etag_private_caching_and_nosniff(client, with_logo, therapist):
    client.force_login(therapist)

    response = client.get(logo_url(with_logo))

    assert response["ETag"] == f'"{hashlib.sha256(png_bytes()).hexdigest()}"'
    assert response["Cache-Control"] == "private, max-age=3600"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_picture_the_browser_has_answers_304_without_a_body(client, with_logo, therapist):
    client.force_login(therapist)
    etag = client.get(logo_url(with_logo))["ETag"]

    response = client.get(logo_url(with_logo), HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert response["Cache-Control"] == "private, max-age=3600"


def test_a_jpeg_is_served_as_a_jpeg(client, clinic, therapist):
    clinic.logo.save("photo.jpg", ContentFile(jpeg_bytes()), save=True)
    client.force_login(therapist)

    assert client.get(logo_url(clinic))["Content-Type"] == "image/jpeg"


def test_an_svg_is_served_sandboxed_so_its_script_can_neither_run_nor_fetch(
    client, clinic, therapist
):
    # Uploads are redrawn without scripts now (hipclinic.svg); one stored before that, or
    # put in storage by other means, is still served so that it cannot act.
    clinic.logo.name = default_storage.save("clinic-logos/logo.svg", ContentFile(SVG_WITH_A_SCRIPT))
    clinic.save()
    client.force_login(therapist)

    response = client.get(logo_url(clinic))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response["Content-Security-Policy"] == SVG_POLICY
    assert "default-src 'none'" in SVG_POLICY and "sandbox" in SVG_POLICY
    assert "script-src" not in SVG_POLICY
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("letterhead.eps", b"%!PS-Adobe-3.0 EPSF-3.0\n"),
        ("page.html", b"<html><script>alert(1)</script></html>"),
        ("page.png", b"<html><script>alert(1)</script></html>"),  # not a PNG inside
    ],
)
def test_a_stored_file_that_is_not_a_png_jpeg_or_svg_is_not_served(
    client, clinic, therapist, name, content
):
    clinic.logo.name = default_storage.save(f"clinic-logos/{name}", ContentFile(content))
    clinic.save()
    client.force_login(therapist)

    assert client.get(logo_url(clinic)).status_code == 404


def test_a_logo_missing_from_storage_is_404(client, with_logo, therapist):
    default_storage.delete(with_logo.logo.name)
    client.force_login(therapist)

    assert client.get(logo_url(with_logo)).status_code == 404


def test_a_picture_view_refuses_writes(client, with_logo, therapist):
    client.force_login(therapist)

    assert client.post(logo_url(with_logo)).status_code == 405


def test_every_file_field_links_to_a_view_not_to_storage():
    """A new file field must say which view serves it; its .url is never a /media/ path."""
    file_fields = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, FileField) and not isinstance(field, ServedFileMixin)
    ]

    assert file_fields == []


def test_a_handouts_file_url_is_its_download(therapist, clinic):
    programme = PrescriptionFactory(patient=PatientFactory(clinic=clinic), therapist=therapist)
    PrescriptionItemFactory(prescription=programme)
    handout = handouts.issue_handout(programme, therapist)

    assert handout.pdf.url.startswith(reverse("patients:download_handout", args=[handout.pk]))
