"""Clinic scoping in the admin: staff of clinic A never reach, list, pick or autocomplete
a record of clinic B, and never save a record into another clinic.

Clinic B's rows all carry the marker "Clinic-B-Only"; no page a clinic-A user
opens may contain it.
"""

import pytest
from django.apps import apps
from django.forms import ModelChoiceField, ModelMultipleChoiceField
from django.urls import reverse

from exercises.models import Exercise, Protocol
from patients.models import Patient, Prescription
from tests.factories import ClinicFactory, ExerciseFactory
from tests.hipclinic.test_admin_pages import (
    ALLOWED,
    MODELS,
    admin_url,
    clinic_records,
    form_data,
)

pytestmark = pytest.mark.django_db

MARKER = "Clinic-B-Only"

ROLES = ["therapist", "manager"]

RECORDS = [
    "clinic",
    "user",
    "auditevent",
    "exercise",
    "protocol",
    "patient",
    "prescription",
    "handout",
    "patientlink",
    "sessionlog",
]


@pytest.fixture
def ours(clinic):
    return clinic_records(clinic, "Ada Clinic-A-Own")


@pytest.fixture
def theirs():
    return clinic_records(ClinicFactory(name=f"Zebediah {MARKER} Physio"), f"Zebediah {MARKER}")


@pytest.fixture
def login(client, therapist, manager):
    def login_as(role: str):
        user = {"therapist": therapist, "manager": manager}[role]
        client.force_login(user)
        return user

    return login_as


def other_clinic_urls(theirs: dict) -> list[tuple[str, str]]:
    urls = []
    for key in RECORDS:
        for view in ("change", "delete", "history"):
            urls.append((f"{key}-{view}", admin_url(theirs[key], view)))
    urls.append(
        ("user-password", reverse("admin:auth_user_password_change", args=[theirs["user"].pk]))
    )
    return urls


URL_IDS = [f"{key}-{view}" for key in RECORDS for view in ("change", "delete", "history")]
URL_IDS.append("user-password")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url_id", URL_IDS)
def test_other_clinics_record_urls_answer_404_or_403(client, login, ours, theirs, role, url_id):
    login(role)
    url = dict(other_clinic_urls(theirs))[url_id]

    response = client.get(url)

    assert response.status_code in (403, 404)
    assert MARKER not in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("key", RECORDS)
def test_posting_to_other_clinics_record_changes_nothing(client, login, theirs, role, key):
    login(role)
    obj = theirs[key]
    before = type(obj).objects.filter(pk=obj.pk).values().get()

    edit = client.post(admin_url(obj), {"name": "Taken over", "title": "Taken over"})
    delete = client.post(admin_url(obj, "delete"), {"post": "yes"})

    assert edit.status_code in (403, 404)
    assert delete.status_code in (403, 404)
    assert type(obj).objects.filter(pk=obj.pk).values().get() == before


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("label", MODELS)
def test_other_clinics_records_are_in_no_changelist(client, login, ours, theirs, role, label):
    login(role)
    url = reverse(f"admin:{label.replace('.', '_')}_changelist")

    listed = client.get(url)
    searched = client.get(url, {"q": "Zebediah"})

    assert listed.status_code == ALLOWED[role][label][0]
    assert MARKER not in listed.content.decode()
    assert MARKER not in searched.content.decode()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("key", [k for k in RECORDS if k != "clinic"])
def test_own_records_are_listed(client, login, ours, theirs, role, key):
    login(role)
    model = type(ours[key])
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")

    response = client.get(url)

    if response.status_code == 200:
        assert "Ada Clinic-A-Own" in response.content.decode()
    else:
        assert (role, key) == ("therapist", "auditevent")


FORM_PAGES = [
    (role, label, page)
    for role in ROLES
    for label in MODELS
    for page, status in zip(("add", "change"), ALLOWED[role][label][1:], strict=True)
    if status == 200 and (page == "add" or label.split(".")[1] in RECORDS)
]


def relation_choices(response):
    """Every queryset offered by a relation field on the page, inline forms included."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [*inline.formset.forms, inline.formset.empty_form]
    for form in forms:
        for name, field in form.fields.items():
            if isinstance(field, ModelChoiceField | ModelMultipleChoiceField):
                yield name, field.queryset


@pytest.mark.parametrize(
    ("role", "label", "page"), FORM_PAGES, ids=[f"{r}-{m}-{p}" for r, m, p in FORM_PAGES]
)
def test_forms_offer_no_choice_from_another_clinic(client, login, ours, theirs, role, label, page):
    login(role)
    model_name = label.split(".")[1]
    if page == "add":
        url = reverse(f"admin:{label.replace('.', '_')}_add")
    else:
        url = admin_url(ours[model_name])

    response = client.get(url)

    assert response.status_code == 200
    assert MARKER not in response.content.decode()
    their_rows = {(type(obj), obj.pk) for obj in theirs.values()}
    for name, queryset in relation_choices(response):
        offered = {(queryset.model, pk) for pk in queryset.values_list("pk", flat=True)}
        assert not offered & their_rows, f"{name} offers another clinic's rows"


AUTOCOMPLETE = [
    ("patients", "prescription", "patient"),
    ("patients", "prescription", "therapist"),
    ("patients", "prescription", "protocol"),
    ("patients", "prescriptionitem", "exercise"),
    ("patients", "patient", "primary_therapist"),
    ("patients", "sessionlog", "patient"),
    ("patients", "sessionlog", "prescription"),
    ("exercises", "protocolitem", "exercise"),
    ("exercises", "exercise", "easier_version"),
    ("hipclinic", "user", "clinic"),
    ("hipclinic", "auditevent", "actor"),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("term", ["", "Zebediah", "Clinic"])
@pytest.mark.parametrize(
    ("app_label", "model_name", "field_name"), AUTOCOMPLETE, ids=["-".join(a) for a in AUTOCOMPLETE]
)
def test_autocomplete_never_answers_with_other_clinics_rows(
    client, login, ours, theirs, role, term, app_label, model_name, field_name
):
    login(role)

    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": app_label, "model_name": model_name, "field_name": field_name, "term": term},
    )

    assert response.status_code in (200, 403, 404)
    assert MARKER not in response.content.decode()
    if response.status_code == 200:
        remote = apps.get_model(app_label, model_name)._meta.get_field(field_name).related_model
        their_ids = {str(obj.pk) for obj in theirs.values() if isinstance(obj, remote)}
        assert not {row["id"] for row in response.json()["results"]} & their_ids


def test_autocomplete_answers_with_own_clinic_and_library(client, therapist, ours, theirs):
    shared = ExerciseFactory(clinic=None, name="Library Butterfly")
    client.force_login(therapist)

    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "patients", "model_name": "prescriptionitem", "field_name": "exercise"},
    )

    texts = {row["text"] for row in response.json()["results"]}
    assert texts == {"Ada Clinic-A-Own Bridge", str(shared)}


def add_inline_row(data: dict, prefix: str, **fields) -> dict:
    """``data`` with one more inline row under ``prefix`` holding ``fields``."""
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    row = {"hold_unit": "seconds", "order": "", "id": ""} | fields
    data = data | {f"{prefix}-{index}-{name}": value for name, value in row.items()}
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    return data


def post_change(client, obj, **changes):
    page = client.get(admin_url(obj))
    return client.post(admin_url(obj), form_data(page) | changes)


def test_prescription_cannot_be_started_for_another_clinics_patient(client, therapist, theirs):
    client.force_login(therapist)
    page = client.get(reverse("admin:patients_prescription_add"))
    data = form_data(page) | {"patient": theirs["patient"].pk, "title": "Sneaky"}

    response = client.post(reverse("admin:patients_prescription_add"), data)

    assert response.status_code == 200
    assert "patient" in response.context["adminform"].form.errors
    assert not Prescription.objects.filter(title="Sneaky").exists()


def test_prescription_cannot_name_another_clinics_therapist(client, therapist, ours, theirs):
    client.force_login(therapist)

    response = post_change(client, ours["prescription"], therapist=theirs["user"].pk)

    ours["prescription"].refresh_from_db()
    assert response.status_code == 200
    assert "therapist" in response.context["adminform"].form.errors
    assert ours["prescription"].therapist == ours["user"]


def test_patient_cannot_get_another_clinics_primary_therapist(client, therapist, ours, theirs):
    client.force_login(therapist)

    response = post_change(client, ours["patient"], primary_therapist=theirs["user"].pk)

    ours["patient"].refresh_from_db()
    assert response.status_code == 200
    assert ours["patient"].primary_therapist == ours["user"]


@pytest.mark.parametrize(("role", "key"), [("therapist", "prescription"), ("manager", "protocol")])
def test_item_cannot_use_another_clinics_exercise(client, login, ours, theirs, role, key):
    login(role)
    parent = ours[key]
    page = client.get(admin_url(parent))
    data = add_inline_row(form_data(page), "items", exercise=theirs["exercise"].pk, sets="2")

    response = client.post(admin_url(parent), data)

    assert response.status_code == 200
    assert parent.items.count() == 1
    assert not parent.items.filter(exercise=theirs["exercise"]).exists()


@pytest.mark.parametrize(("role", "key"), [("therapist", "prescription"), ("manager", "protocol")])
def test_inline_cannot_take_over_another_clinics_item(client, login, ours, theirs, role, key):
    login(role)
    parent = ours[key]
    their_item = theirs[key].items.get()
    page = client.get(admin_url(parent))
    data = add_inline_row(
        form_data(page),
        "items",
        id=their_item.pk,
        exercise=ours["exercise"].pk,
        note="taken over",
    )
    data["items-INITIAL_FORMS"] = data["items-TOTAL_FORMS"]

    response = client.post(admin_url(parent), data)

    their_item.refresh_from_db()
    assert response.status_code == 200
    assert their_item.note != "taken over"
    assert their_item.exercise == theirs["exercise"]


def test_exercise_cannot_name_another_clinics_easier_version(client, manager, ours, theirs):
    client.force_login(manager)

    response = post_change(client, ours["exercise"], easier_version=theirs["exercise"].pk)

    ours["exercise"].refresh_from_db()
    assert response.status_code == 200
    assert ours["exercise"].easier_version is None


NEW_RECORDS = [
    (
        "therapist",
        "patients_patient",
        Patient,
        {"chart_number": "N-9", "first_name": "Nia", "last_name": "Okafor"},
    ),
    (
        "manager",
        "exercises_exercise",
        Exercise,
        {
            "name": "Wall sit",
            "slug": "wall-sit",
            "kind": "strengthening",
            "position": "standing",
            "difficulty": "gentle",
            "purpose": "Strong thighs.",
            "steps": "Lean on a wall.",
            "hold_unit": "seconds",
        },
    ),
    ("manager", "exercises_protocol", Protocol, {"name": "Knee basics", "slug": "knee-basics"}),
]


@pytest.mark.parametrize(
    ("role", "url_name", "model", "fields"), NEW_RECORDS, ids=[r[1] for r in NEW_RECORDS]
)
def test_new_record_gets_users_clinic_not_the_posted_one(
    client, login, theirs, role, url_name, model, fields
):
    user = login(role)
    url = reverse(f"admin:{url_name}_add")
    data = form_data(client.get(url)) | fields | {"clinic": theirs["clinic"].pk}

    response = client.post(url, data)

    assert response.status_code == 302
    created = model.objects.exclude(pk__in=[o.pk for o in theirs.values() if isinstance(o, model)])
    assert created.get().clinic == user.clinic


def test_add_page_ignores_another_clinic_in_the_query_string(client, therapist, theirs):
    client.force_login(therapist)

    response = client.get(reverse("admin:patients_patient_add"), {"clinic": theirs["clinic"].pk})

    assert response.status_code == 200
    assert response.context["adminform"].form["clinic"].value() == therapist.clinic_id
    assert MARKER not in response.content.decode()


ACTIONS = [
    ("manager", "exercise", "archive", "archived"),
    ("manager", "protocol", "archive", "archived"),
    ("therapist", "patientlink", "revoke", "revoked_at"),
    ("manager", "patient", "delete_selected", "pk"),
]


@pytest.mark.parametrize(
    ("role", "key", "action", "field"), ACTIONS, ids=[f"{a[1]}-{a[2]}" for a in ACTIONS]
)
def test_actions_leave_other_clinics_rows_alone(client, login, theirs, role, key, action, field):
    login(role)
    obj = theirs[key]
    model = type(obj)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    before = model.objects.filter(pk=obj.pk).values(field).get()

    client.post(url, {"action": action, "_selected_action": [obj.pk], "post": "yes"})

    assert model.objects.filter(pk=obj.pk).values(field).get() == before
