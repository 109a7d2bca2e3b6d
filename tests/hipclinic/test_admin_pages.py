"""Every admin page answers for the roles allowed to use it, saves as rendered, and
lists rows in a fixed number of queries.

Also home to two helpers the other admin tests import: ``clinic_records`` (one row
of every model for a clinic, named with a marker) and ``form_data`` (what a
browser would post back from a rendered admin form).
"""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.forms import ModelMultipleChoiceField, MultipleChoiceField, MultiWidget
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from exercises.models import Exercise
from hipclinic.models import AuditAction, AuditEvent, User
from tests.factories import (
    ClinicFactory,
    EquipmentFactory,
    ExerciseFactory,
    HandoutFactory,
    MuscleFactory,
    PatientFactory,
    PatientLinkFactory,
    PrescriptionFactory,
    PrescriptionItemFactory,
    ProtocolFactory,
    ProtocolItemFactory,
    SessionLogFactory,
    SuperuserFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def clinic_records(clinic, marker: str) -> dict:
    """One row of every model for ``clinic``, each showing ``marker`` wherever it is listed."""
    first, last = marker.split(" ", 1)
    staff = UserFactory(clinic=clinic, display_name=f"{marker} Therapist")
    exercise = ExerciseFactory(clinic=clinic, name=f"{marker} Bridge")
    protocol = ProtocolFactory(clinic=clinic, name=f"{marker} Protocol")
    ProtocolItemFactory(protocol=protocol, exercise=exercise, order=0, note=f"{marker} cue")
    patient = PatientFactory(
        clinic=clinic, first_name=first, last_name=last, primary_therapist=staff
    )
    prescription = PrescriptionFactory(
        patient=patient, therapist=staff, protocol=protocol, title=f"{marker} Programme"
    )
    item = PrescriptionItemFactory(
        prescription=prescription, exercise=exercise, order=0, note=f"{marker} note"
    )
    return {
        "clinic": clinic,
        "user": staff,
        "exercise": exercise,
        "protocol": protocol,
        "patient": patient,
        "prescription": prescription,
        "prescriptionitem": item,
        "handout": HandoutFactory(prescription=prescription, issued_by=staff, revision=1),
        "patientlink": PatientLinkFactory(patient=patient, created_by=staff),
        "sessionlog": SessionLogFactory(
            patient=patient, prescription=prescription, note=f"{marker} felt fine"
        ),
        "auditevent": AuditEvent.record(AuditAction.VIEWED, patient, actor=staff, clinic=clinic),
    }


def admin_url(obj, view: str = "change") -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[obj.pk])


def changelist_url(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def _as_post_value(value):
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, Decimal | int):
        return str(value)
    return value


def _form_fields(form) -> dict:
    data = {}
    for bound in form:
        field = bound.field
        if field.disabled or getattr(field.widget, "input_type", None) == "file":
            continue  # browsers do not post disabled inputs; files stay as they are
        value = bound.value()
        if isinstance(field.widget, MultiWidget):
            parts = value if isinstance(value, list) else field.widget.decompress(value)
            for suffix, part in zip(field.widget.widgets_names, parts, strict=True):
                data[f"{bound.html_name}{suffix}"] = _as_post_value(part) or ""
        elif isinstance(value, bool):
            if value:
                data[bound.html_name] = "on"
        elif isinstance(field, MultipleChoiceField | ModelMultipleChoiceField):
            data[bound.html_name] = [str(_as_post_value(v)) for v in value or []]
        elif isinstance(value, list | tuple):
            data[bound.html_name] = [str(_as_post_value(v)) for v in value]
        else:
            data[bound.html_name] = "" if value is None else _as_post_value(value)
    return data


def form_data(response) -> dict:
    """The data a browser posts back from a rendered admin add or change page, unchanged."""
    data = _form_fields(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(_form_fields(formset.management_form))
        for form in formset.forms:
            data.update(_form_fields(form))
    data["_save"] = "Save"
    return data


@pytest.fixture
def records(clinic):
    return clinic_records(clinic, "Ada Clinic-A-Own")


@pytest.fixture
def superuser():
    return SuperuserFactory()


MODELS = [
    "hipclinic.clinic",
    "hipclinic.user",
    "hipclinic.auditevent",
    "exercises.muscle",
    "exercises.equipment",
    "exercises.exercise",
    "exercises.protocol",
    "patients.patient",
    "patients.prescription",
    "patients.handout",
    "patients.patientlink",
    "patients.sessionlog",
]

# Which pages each role may open: (changelist, add, change) -> 200 or 403.
ALLOWED = {
    "therapist": {
        "hipclinic.clinic": (200, 403, 200),
        "hipclinic.user": (200, 403, 200),
        "hipclinic.auditevent": (403, 403, 403),
        "exercises.muscle": (200, 403, 200),
        "exercises.equipment": (200, 403, 200),
        "exercises.exercise": (200, 403, 200),
        "exercises.protocol": (200, 403, 200),
        "patients.patient": (200, 200, 200),
        "patients.prescription": (200, 200, 200),
        "patients.handout": (200, 403, 200),
        "patients.patientlink": (200, 403, 200),
        "patients.sessionlog": (200, 403, 200),
    },
    "manager": {
        "hipclinic.clinic": (200, 403, 200),
        "hipclinic.user": (200, 403, 200),  # managers invite (issue 22)
        "hipclinic.auditevent": (200, 403, 200),
        "exercises.muscle": (200, 403, 200),
        "exercises.equipment": (200, 403, 200),
        "exercises.exercise": (200, 200, 200),
        "exercises.protocol": (200, 200, 200),
        "patients.patient": (200, 200, 200),
        "patients.prescription": (200, 200, 200),
        "patients.handout": (200, 403, 200),
        "patients.patientlink": (200, 403, 200),
        "patients.sessionlog": (200, 403, 200),
    },
    "superuser": {
        "hipclinic.clinic": (200, 200, 200),
        "hipclinic.user": (200, 200, 200),
        "hipclinic.auditevent": (200, 403, 200),
        "exercises.muscle": (200, 200, 200),
        "exercises.equipment": (200, 200, 200),
        "exercises.exercise": (200, 200, 200),
        "exercises.protocol": (200, 200, 200),
        "patients.patient": (200, 200, 200),
        "patients.prescription": (200, 200, 200),
        "patients.handout": (200, 403, 200),
        "patients.patientlink": (200, 403, 200),
        "patients.sessionlog": (200, 200, 200),
    },
}

PAGES = [
    (role, label, page, expected)
    for role, table in ALLOWED.items()
    for label in MODELS
    for page, expected in zip(("changelist", "add", "change"), table[label], strict=True)
]


def record_for(label: str, records: dict):
    model_name = label.split(".")[1]
    if model_name == "muscle":
        return MuscleFactory()
    if model_name == "equipment":
        return EquipmentFactory()
    return records[model_name]


@pytest.fixture
def login(client, therapist, manager, superuser):
    def login_as(role: str):
        user = {"therapist": therapist, "manager": manager, "superuser": superuser}[role]
        client.force_login(user)
        return user

    return login_as


@pytest.mark.parametrize(
    ("role", "label", "page", "expected"),
    PAGES,
    ids=[f"{role}-{label}-{page}" for role, label, page, _ in PAGES],
)
def test_admin_page_answers_as_the_role_allows(client, login, records, role, label, page, expected):
    login(role)
    app_label, model_name = label.split(".")
    if page == "change":
        url = admin_url(record_for(label, records))
    else:
        url = reverse(f"admin:{app_label}_{model_name}_{page}")

    response = client.get(url)

    assert response.status_code == expected


EDITABLE = [
    ("manager", "clinic"),
    ("manager", "user"),
    ("manager", "exercise"),
    ("manager", "protocol"),
    ("therapist", "patient"),
    ("therapist", "prescription"),
    ("superuser", "sessionlog"),
]


@pytest.mark.parametrize(("role", "model_name"), EDITABLE, ids=[f"{r}-{m}" for r, m in EDITABLE])
def test_change_page_saves_back_unchanged(client, login, records, role, model_name):
    login(role)
    obj = records[model_name]
    page = client.get(admin_url(obj))

    response = client.post(admin_url(obj), form_data(page))

    assert response.status_code == 302, response.context["errors"] if response.context else ""
    assert response.url == changelist_url(type(obj))
    assert type(obj).objects.filter(pk=obj.pk).exists()


CHANGELISTS = [
    label for label in MODELS if label not in {"exercises.muscle", "exercises.equipment"}
]


@pytest.mark.parametrize("label", CHANGELISTS)
def test_changelist_queries_do_not_grow_with_rows(client, manager, label):
    client.force_login(manager)
    clinic_records(manager.clinic, "First Row")
    url = reverse(f"admin:{label.replace('.', '_')}_changelist")

    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(3):
        clinic_records(manager.clinic, f"More Rows{n}")
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)

    assert response.status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_superuser_changelist_lists_every_clinic_with_its_name(client, superuser):
    clinic_records(ClinicFactory(name="Eastside Physio"), "East Patient")
    clinic_records(ClinicFactory(name="Westside Physio"), "West Patient")
    client.force_login(superuser)

    content = client.get(changelist_url(Exercise)).content.decode()

    assert "East Patient Bridge" in content
    assert "West Patient Bridge" in content
    assert "Eastside Physio" in content


def test_manager_can_change_own_clinic_but_not_add_or_delete_clinics(client, manager):
    client.force_login(manager)
    clinic = manager.clinic

    add = client.get(reverse("admin:hipclinic_clinic_add"))
    delete = client.get(admin_url(clinic, "delete"))
    page = client.get(admin_url(clinic))
    data = form_data(page) | {"name": "Northside Physio & Pilates", "slug": "renamed"}
    saved = client.post(admin_url(clinic), data)

    clinic.refresh_from_db()
    assert (add.status_code, delete.status_code, saved.status_code) == (403, 403, 302)
    assert clinic.name == "Northside Physio & Pilates"
    assert clinic.slug != "renamed"


def test_therapist_sees_own_clinic_read_only(client, therapist):
    client.force_login(therapist)

    response = client.post(admin_url(therapist.clinic), {"name": "Hijacked"})

    therapist.clinic.refresh_from_db()
    assert response.status_code == 403
    assert therapist.clinic.name == "Northside Physio"


def test_audit_events_are_read_only_even_for_superusers(client, superuser, records):
    client.force_login(superuser)
    event = records["auditevent"]

    page = client.get(admin_url(event))
    posted = client.post(admin_url(event), {"action": "deleted"})
    delete = client.post(admin_url(event, "delete"), {"post": "yes"})

    event.refresh_from_db()
    assert page.status_code == 200
    assert b'name="action"' not in page.content
    assert (posted.status_code, delete.status_code) == (403, 403)
    assert event.action == AuditAction.VIEWED


def test_a_manager_cannot_add_an_account_with_a_password_in_the_admin(client, manager):
    """Managers invite colleagues, who choose their own password (issue 22)."""
    client.force_login(manager)

    response = client.post(
        reverse("admin:hipclinic_user_add"),
        {
            "username": "new-therapist",
            "usable_password": "true",
            "password1": "a long and unusual passphrase",
            "password2": "a long and unusual passphrase",
            "role": "therapist",
        },
    )

    assert response.status_code == 403
    assert not User.objects.filter(username="new-therapist").exists()


def test_a_manager_cannot_set_a_colleagues_password_but_can_set_their_own(
    client, manager, therapist
):
    client.force_login(manager)

    theirs = client.get(reverse("admin:auth_user_password_change", args=[therapist.pk]))
    own = client.get(reverse("admin:auth_user_password_change", args=[manager.pk]))
    page = client.get(reverse("admin:hipclinic_user_change", args=[therapist.pk]))

    assert (theirs.status_code, own.status_code) == (403, 200)
    assert "password" not in page.context["adminform"].form.fields.keys() & {
        name for fieldset in page.context["adminform"] for line in fieldset for name in line.fields
    }
    assert "../password/" not in page.content.decode()


@pytest.mark.parametrize("field", ["is_superuser", "groups", "user_permissions", "is_staff"])
def test_manager_is_not_offered_platform_fields_on_a_user(client, manager, field):
    client.force_login(manager)
    colleague = UserFactory(clinic=manager.clinic)

    page = client.get(admin_url(colleague))

    assert page.status_code == 200
    assert f'name="{field}"' not in page.content.decode()


def test_manager_cannot_make_a_colleague_superuser_or_move_them(client, manager, other_clinic):
    client.force_login(manager)
    colleague = UserFactory(clinic=manager.clinic)
    page = client.get(admin_url(colleague))
    data = form_data(page) | {
        "is_superuser": "on",
        "clinic": other_clinic.pk,
        "display_name": "Renamed",
    }

    response = client.post(admin_url(colleague), data)

    colleague.refresh_from_db()
    assert response.status_code == 302
    assert colleague.display_name == "Renamed"
    assert not colleague.is_superuser
    assert colleague.clinic == manager.clinic


def test_superuser_may_grant_platform_rights(client, superuser, clinic):
    client.force_login(superuser)
    user = UserFactory(clinic=clinic)
    page = client.get(admin_url(user))

    response = client.post(admin_url(user), form_data(page) | {"is_superuser": "on"})

    user.refresh_from_db()
    assert response.status_code == 302
    assert user.is_superuser


def test_admin_pages_load_our_stylesheet_from_static(client, therapist):
    client.force_login(therapist)
    page = client.get(reverse("admin:index")).content.decode()

    assert 'href="/static/hipclinic/admin.css"' in page
    stylesheet = finders.find("hipclinic/admin.css")
    assert stylesheet and "focus-visible" in Path(stylesheet).read_text()
