"""What a clinic manager reads in the admin holds no developer's words: no "Slug", no
source file names, no "Background jobs", and no field they cannot use (a record's clinic,
"Empty for the shared library")."""

import pytest
from django.urls import reverse

from hipclinic.models import BackgroundJob, JobKind
from tests.factories import (
    EquipmentFactory,
    ExerciseFactory,
    MuscleFactory,
    PatientFactory,
    PrescriptionFactory,
    PrescriptionItemFactory,
    ProtocolFactory,
    ProtocolItemFactory,
    SuperuserFactory,
)
from tests.hipclinic.test_admin_pages import admin_url, changelist_url

pytestmark = pytest.mark.django_db

DEVELOPER_WORDS = ["Slug", "figures.py", "Background job", "background job", "shared library."]


@pytest.fixture
def pages(clinic, manager) -> list[str]:
    """Every kind of page a manager opens: lists, adding, changing, and read-only ones."""
    own = ExerciseFactory(clinic=clinic, name="Clinic wall slide")
    shared = ExerciseFactory(clinic=None, name="Library bridge")
    protocol = ProtocolFactory(clinic=clinic)
    ProtocolItemFactory(protocol=protocol, exercise=own)
    shared_protocol = ProtocolFactory(clinic=None)
    programme = PrescriptionFactory(patient=PatientFactory(clinic=clinic), therapist=manager)
    PrescriptionItemFactory(prescription=programme, exercise=own)
    job = BackgroundJob.objects.create(
        clinic=clinic, requested_by=manager, kind=JobKind.REBRAND_HANDOUTS, task_id="t-1"
    )
    return [
        reverse("admin:index"),
        reverse("admin:app_list", args=["hipclinic"]),
        admin_url(clinic),
        admin_url(manager),
        reverse("invitations"),
        reverse("admin:exercises_exercise_add"),
        admin_url(own),
        admin_url(shared),
        reverse("admin:exercises_protocol_add"),
        admin_url(protocol),
        admin_url(shared_protocol),
        admin_url(MuscleFactory()),
        admin_url(EquipmentFactory()),
        reverse("admin:patients_patient_add"),
        admin_url(programme.patient),
        admin_url(programme),
        changelist_url(BackgroundJob),
        admin_url(job),
    ]


def test_no_page_a_manager_opens_holds_a_developers_word(client, manager, pages):
    client.force_login(manager)

    found = {}
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        words = [word for word in DEVELOPER_WORDS if word in html]
        if words:
            found[url] = words

    assert found == {}


def test_the_jobs_list_is_named_and_explained_in_the_clinics_words(client, manager, pages):
    client.force_login(manager)

    index = client.get(reverse("admin:index")).content.decode()
    listing = client.get(changelist_url(BackgroundJob)).content.decode()

    assert "Handout and email progress" in index
    assert "<h1>Handout and email progress</h1>" in listing
    assert "issuing current handouts again after the clinic&#x27;s details change" in listing


def test_a_manager_never_sees_a_records_clinic_field(client, clinic, manager):
    client.force_login(manager)

    for url in [reverse("admin:exercises_exercise_add"), reverse("admin:patients_patient_add")]:
        response = client.get(url)
        assert 'name="clinic"' not in response.content.decode()
        assert "id_clinic" not in response.content.decode()


def test_an_editable_web_name_is_labelled_so(client, manager):
    client.force_login(manager)

    html = client.get(reverse("admin:exercises_protocol_add")).content.decode()

    assert '<label class="required" for="id_slug">Web name:</label>' in html
    assert "The name in web addresses, filled in from the name." in html


def test_platform_admins_still_see_the_clinic_the_web_name_and_the_task_id(client, clinic):
    client.force_login(SuperuserFactory())
    shared = ExerciseFactory(clinic=None, pose={})
    job = BackgroundJob.objects.create(clinic=clinic, kind=JobKind.EMAIL_LINK, task_id="t-1")

    exercise_page = client.get(admin_url(shared)).content.decode()
    job_page = client.get(admin_url(job)).content.decode()

    assert 'name="clinic"' in exercise_page and 'name="slug"' in exercise_page
    assert "Task id" in job_page


def test_no_picker_offers_to_delete_the_row_it_names(client, manager):
    client.force_login(manager)

    html = client.get(reverse("admin:exercises_exercise_add")).content.decode()

    assert 'id="add_id_easier_version"' in html  # the picker keeps its other links
    assert "delete-related" not in html
