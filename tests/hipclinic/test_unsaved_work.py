"""A form sent after the session ended: the sign-in page keeps it, signing in sends it.

The session "ends" here as it does on the server after SESSION_IDLE_MINUTES: its row
is deleted, and the browser's cookie names a session that no longer exists.
"""

import logging
from html.parser import HTMLParser

import pytest
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from hipclinic.models import AuditAction, AuditEvent
from patients.links import create_link, token_for
from patients.models import Patient
from tests.factories import (
    PASSWORD,
    PatientFactory,
    PrescriptionFactory,
    PrescriptionItemFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

WRONG = "not the password"
NOTE = "Keep the knee over the second toe"


class FormsOnPage(HTMLParser):
    """Each form's action and the fields it would send, in order (text areas, selected
    options and checked boxes included; buttons left out)."""

    def __init__(self, html: str):
        super().__init__()
        self.forms: list[dict] = []
        self.select = self.textarea = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            action = attrs.get("action") or None  # None: the page's own address
            self.forms.append({"id": attrs.get("id"), "action": action, "fields": []})
        elif not self.forms or ("name" not in attrs and tag != "option"):
            return
        fields = self.forms[-1]["fields"]
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in {"submit", "button", "file"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            fields.append((attrs["name"], attrs.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "textarea":
            self.textarea = attrs["name"]
            fields.append((self.textarea, ""))
        elif tag == "select":
            self.select = attrs["name"]
        elif tag == "option" and self.select and "selected" in attrs:
            fields.append((self.select, attrs.get("value", "")))

    def handle_data(self, data):
        if self.textarea:
            name, value = self.forms[-1]["fields"][-1]
            if not value:  # a browser drops the newline that starts a text area
                data = data.removeprefix("\n")
            self.forms[-1]["fields"][-1] = (name, value + data)

    def handle_endtag(self, tag):
        if tag == "textarea":
            self.textarea = None
        elif tag == "select":
            self.select = None


def form_on(response, action: str | None) -> dict:
    """The one form on the page that posts to ``action`` (None: to the page itself)."""
    (form,) = [f for f in FormsOnPage(response.content.decode()).forms if f["action"] == action]
    return form


def as_data(fields: list[tuple[str, str]]) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    return data


def kept(form: dict) -> list[tuple[str, str]]:
    return [(name, value) for name, value in form["fields"] if name.startswith("kept-")]


@pytest.fixture
def browser():
    """A client that checks CSRF tokens as a browser's requests are checked."""
    return Client(enforce_csrf_checks=True)


def open_then_session_ends(browser, user, url: str) -> dict:
    """Sign in, open the page at ``url``, then let the session end; the page's main form."""
    browser.force_login(user)
    page = browser.get(url)
    assert page.status_code == 200
    Session.objects.all().delete()
    forms = FormsOnPage(page.content.decode()).forms
    (form,) = [f for f in forms if f["action"] in (url, None)]
    return form


def new_patient_fields(form: dict) -> dict:
    data = as_data(form["fields"])
    data.update(
        chart_number=["HC-2040"],
        first_name=["Robin"],
        last_name=["Okafor"],
        date_of_birth=["1961-04-02"],
        notes=[NOTE],
    )
    return data


def sign_in_again(browser, page, username: str, password: str):
    form = form_on(page, reverse("sign_in_again"))
    data = as_data(form["fields"])
    data.update(username=[username], password=[password])
    return browser.post(reverse("sign_in_again"), data)


def send_kept_changes(browser, page):
    """What the "Signed in again" page's script (or its button) sends."""
    (form,) = [
        f for f in FormsOnPage(page.content.decode()).forms if f["id"] == "send-kept-changes"
    ]
    return browser.post(form["action"], as_data(form["fields"]))


def test_a_form_sent_after_the_session_ended_gets_the_sign_in_page_that_keeps_it(
    browser, therapist
):
    url = reverse("patients:patient_new")
    form = open_then_session_ends(browser, therapist, url)

    page = browser.post(url, new_patient_fields(form))

    assert page.status_code == 200  # not a redirect, and not the CSRF check's 403
    html = page.content.decode()
    assert "Your session ended" in html
    assert "Sign in again to save your changes." in html
    sign_in_form = form_on(page, reverse("sign_in_again"))
    assert ("return_to", url) in sign_in_form["fields"]
    assert ("kept-first_name", "Robin") in kept(sign_in_form)
    assert ("kept-notes", NOTE) in kept(sign_in_form)
    assert not [name for name, _ in kept(sign_in_form) if "csrf" in name]
    assert "no-store" in page["Cache-Control"]
    assert not Patient.objects.exists()


def test_a_wrong_password_says_so_and_keeps_the_fields(browser, therapist):
    url = reverse("patients:patient_new")
    form = open_then_session_ends(browser, therapist, url)
    page = browser.post(url, new_patient_fields(form))

    again = sign_in_again(browser, page, therapist.username, WRONG)

    assert again.status_code == 200
    assert "That username and password do not match an account." in again.content.decode()
    assert kept(form_on(again, reverse("sign_in_again"))) == kept(
        form_on(page, reverse("sign_in_again"))
    )
    assert "_auth_user_id" not in browser.session
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED).count() == 1


def test_signing_in_again_sends_the_form_and_the_new_patient_is_saved(browser, therapist):
    url = reverse("patients:patient_new")
    form = open_then_session_ends(browser, therapist, url)
    page = browser.post(url, new_patient_fields(form))

    logins = AuditEvent.objects.filter(action=AuditAction.LOGGED_IN, actor=therapist)
    logins_before = logins.count()

    signed_in = sign_in_again(browser, page, therapist.username, PASSWORD)

    assert signed_in.status_code == 200
    assert "Signed in again" in signed_in.content.decode()
    assert logins.count() == logins_before + 1
    assert not Patient.objects.exists()  # not yet: the page sends it
    saved = send_kept_changes(browser, signed_in)

    patient = Patient.objects.get()
    assert saved.status_code == 302
    assert saved["Location"] == reverse("patients:patient_detail", args=[patient.pk])
    assert (patient.first_name, patient.notes, patient.clinic) == ("Robin", NOTE, therapist.clinic)


def test_a_builder_row_typed_before_the_session_ended_is_saved_after_signing_in(browser, therapist):
    item = PrescriptionItemFactory(
        prescription=PrescriptionFactory(patient=PatientFactory(clinic=therapist.clinic))
    )
    url = reverse("patients:programme_edit", args=[item.prescription.pk])
    form = open_then_session_ends(browser, therapist, url)
    data = as_data(form["fields"])
    data.update({"items-0-sets": ["4"], "items-0-note": [NOTE], "action": ["save"]})

    page = browser.post(url, data, headers={"HX-Request": "true"})
    # htmx would swap in only the builder's part of a page: the whole page is shown instead.
    assert (page["HX-Retarget"], page["HX-Reselect"]) == ("body", "main")
    signed_in = sign_in_again(browser, page, therapist.username, PASSWORD)
    saved = send_kept_changes(browser, signed_in)

    assert saved.status_code == 302
    (row,) = item.prescription.items.all()
    assert (row.exercise, row.sets, row.note) == (item.exercise, 4, NOTE)


def test_a_therapist_of_another_clinic_signing_in_gets_the_usual_404(browser, therapist):
    programme = PrescriptionFactory(patient=PatientFactory(clinic=therapist.clinic))
    url = reverse("patients:programme_edit", args=[programme.pk])
    form = open_then_session_ends(browser, therapist, url)
    data = as_data(form["fields"])
    data.update(title=["Changed by someone else"], action=["save"])
    page = browser.post(url, data)
    stranger = UserFactory()  # a clinic of their own

    signed_in = sign_in_again(browser, page, stranger.username, PASSWORD)
    answer = send_kept_changes(browser, signed_in)

    assert answer.status_code == 404
    programme.refresh_from_db()
    assert programme.title == "Home programme"


@pytest.mark.parametrize(
    "return_to", ["https://elsewhere.example/patients/new/", "//elsewhere.example/", "patients/"]
)
def test_a_return_path_off_this_site_is_refused_and_nobody_is_signed_in(
    browser, therapist, return_to
):
    url = reverse("patients:patient_new")
    form = open_then_session_ends(browser, therapist, url)
    page = browser.post(url, new_patient_fields(form))
    sign_in_form = form_on(page, reverse("sign_in_again"))
    data = as_data(sign_in_form["fields"])
    data.update(return_to=[return_to], username=[therapist.username], password=[PASSWORD])

    answer = browser.post(reverse("sign_in_again"), data)

    assert answer.status_code == 400
    assert "elsewhere.example" not in answer.content.decode()
    assert "_auth_user_id" not in browser.session


def test_wrong_passwords_on_the_sign_in_again_page_lock_the_account(browser, therapist, settings):
    url = reverse("patients:patient_new")
    form = open_then_session_ends(browser, therapist, url)
    page = browser.post(url, new_patient_fields(form))
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in_again(browser, page, therapist.username, WRONG)

    locked = sign_in_again(browser, page, therapist.username, PASSWORD)

    assert locked.status_code == 429
    assert "This account is locked for now" in locked.content.decode()
    assert "_auth_user_id" not in browser.session
    assert AuditEvent.objects.filter(action=AuditAction.LOCKED_OUT).count() == 1
    assert not Patient.objects.exists()


def test_nothing_typed_reaches_a_log_the_session_or_the_audit_trail(browser, therapist, caplog):
    caplog.set_level(logging.DEBUG)
    url = reverse("patients:patient_new")
    form = open_then_session_ends(browser, therapist, url)
    page = browser.post(url, new_patient_fields(form))
    sign_in_again(browser, page, therapist.username, WRONG)
    signed_in = sign_in_again(browser, page, therapist.username, PASSWORD)
    send_kept_changes(browser, signed_in)

    assert Patient.objects.get().notes == NOTE  # the form did go through
    assert caplog.records  # the logs were listened to (the wrong password is logged)
    for typed in (NOTE, "Okafor", "HC-2040", WRONG, PASSWORD):
        assert typed not in caplog.text
        assert all(typed not in str(s.get_decoded()) for s in Session.objects.all())
        assert all(typed not in str(e.__dict__) for e in AuditEvent.objects.all())


def test_a_form_with_a_picture_says_to_choose_the_picture_again(browser, manager):
    url = reverse("exercises:exercise_new")
    form = open_then_session_ends(browser, manager, url)
    data = as_data(form["fields"])
    data["illustration"] = SimpleUploadedFile("bridge.png", b"\x89PNG\r\n", "image/png")

    page = browser.post(url, data)

    assert "choose the picture again" in page.content.decode()
    assert "bridge.png" not in page.content.decode()


def test_an_admin_change_form_sent_after_the_session_ended_is_kept(browser, manager):
    patient = PatientFactory(clinic=manager.clinic)
    url = reverse("admin:patients_patient_change", args=[patient.pk])
    form = open_then_session_ends(browser, manager, url)
    data = as_data(form["fields"])
    data.update(notes=[NOTE], _save=["Save"])

    page = browser.post(url, data)
    signed_in = sign_in_again(browser, page, manager.username, PASSWORD)
    saved = send_kept_changes(browser, signed_in)

    assert saved.status_code == 302
    patient.refresh_from_db()
    assert patient.notes == NOTE


def test_signing_out_of_an_ended_session_just_goes_to_the_sign_in_page(browser, therapist):
    browser.force_login(therapist)
    page = browser.get(reverse("patients:today"))
    token = page.context["csrf_token"]
    Session.objects.all().delete()

    answer = browser.post(reverse("logout"), {"csrfmiddlewaretoken": token})

    assert answer.status_code == 302
    assert answer["Location"].startswith(reverse("login"))


def test_a_form_sent_from_another_site_is_refused_not_kept(browser):
    answer = browser.post(reverse("patients:patient_new"), {"notes": NOTE})

    assert answer.status_code == 403
    assert NOTE not in answer.content.decode()


ORIGIN = {"Origin": "http://testserver"}  # what a browser sends with a form from our page


@pytest.fixture
def second_tab(browser, therapist):
    """The new-patient form open in a tab, with a token older than the sign-in made since
    in another tab (after the session ended there): its fields, token and all."""
    url = reverse("patients:patient_new")
    form = open_then_session_ends(browser, therapist, url)
    other_tab = browser.post(url, new_patient_fields(form))
    sign_in_again(browser, other_tab, therapist.username, PASSWORD)  # a new CSRF token
    return new_patient_fields(form)


def test_a_tab_with_a_token_from_before_signing_in_offers_to_send_its_changes(browser, second_tab):
    url = reverse("patients:patient_new")

    page = browser.post(url, second_tab, headers=ORIGIN)

    assert page.status_code == 200
    assert "Send your changes again" in page.content.decode()
    assert "send-kept-changes.js" not in page.content.decode()  # on a press, not by itself
    assert not Patient.objects.exists()
    send_kept_changes(browser, page)
    assert Patient.objects.get().notes == NOTE


def test_a_tab_with_an_old_token_whose_session_ended_too_gets_the_sign_in_page(
    browser, second_tab, therapist
):
    Session.objects.all().delete()

    page = browser.post(reverse("patients:patient_new"), second_tab, headers=ORIGIN)

    assert "Your session ended" in page.content.decode()
    signed_in = sign_in_again(browser, page, therapist.username, PASSWORD)
    send_kept_changes(browser, signed_in)
    assert Patient.objects.get().notes == NOTE


@pytest.mark.parametrize("origin", [{}, {"Origin": "https://elsewhere.example"}])
def test_an_old_token_without_our_origin_is_refused_as_ever(browser, second_tab, origin):
    answer = browser.post(reverse("patients:patient_new"), second_tab, headers=origin)

    assert answer.status_code == 403
    assert NOTE not in answer.content.decode()


def test_a_patients_page_with_an_old_token_is_refused_as_ever(browser, therapist):
    token = token_for(create_link(PatientFactory(clinic=therapist.clinic), therapist))

    answer = browser.post(
        reverse("public:patient_page", args=[token]), {"pain": "3"}, headers=ORIGIN
    )

    assert answer.status_code == 403
    assert "Your session ended" not in answer.content.decode()


def test_a_search_fetched_by_the_builder_after_the_session_ended_says_to_save_as_usual(
    browser, therapist
):
    browser.force_login(therapist)
    Session.objects.all().delete()

    answer = browser.get(
        reverse("patients:programme_exercise_search"), {"find-q": "bridge"}, HTTP_HX_REQUEST="true"
    )

    assert answer.status_code == 200
    assert answer["HX-Reswap"] == "innerHTML"  # into the results, which stay in place
    html = answer.content.decode()
    assert "Your session ended" in html and "save as usual" in html
    assert "<form" not in html  # no sign-in form that would leave the builder


def test_a_page_opened_after_the_session_ended_still_goes_to_the_sign_in_page(browser, therapist):
    browser.force_login(therapist)
    Session.objects.all().delete()

    answer = browser.get(reverse("patients:patient_new"))

    assert answer.status_code == 302
    assert answer["Location"] == f"{reverse('login')}?next={reverse('patients:patient_new')}"
