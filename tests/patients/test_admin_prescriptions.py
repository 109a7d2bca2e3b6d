"""Prescribing in the admin: arranging a programme's items, its revision, and starting
one from a protocol."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from exercises.models import Side
from patients.models import Prescription, PrescriptionStatus
from tests.exercises.test_admin_library import add_inline_row, with_orders
from tests.factories import (
    ExerciseFactory,
    PatientFactory,
    PrescriptionFactory,
    PrescriptionItemFactory,
    ProtocolFactory,
    ProtocolItemFactory,
    SuperuserFactory,
    UserFactory,
)
from tests.hipclinic.test_admin_pages import admin_url, changelist_url, form_data

pytestmark = pytest.mark.django_db

FROM_PROTOCOL = reverse("admin:patients_prescription_from_protocol")


def positions(prescription) -> list[tuple[str, int]]:
    return [(item.exercise.name, item.order) for item in prescription.items.order_by("order")]


@pytest.fixture
def patient(therapist):
    return PatientFactory(clinic=therapist.clinic, first_name="Maria", last_name="Okafor")


@pytest.fixture
def prescription(therapist, patient):
    prescription = PrescriptionFactory(patient=patient, therapist=therapist, title="Hip programme")
    for order, name in enumerate(["Clamshell", "Bridge", "Bird dog"]):
        PrescriptionItemFactory(
            prescription=prescription,
            exercise=ExerciseFactory(clinic=therapist.clinic, name=name),
            order=order,
        )
    return prescription


@pytest.fixture
def protocol(clinic):
    protocol = ProtocolFactory(clinic=clinic, name="Outer hip basics", description="Go gently.")
    ProtocolItemFactory(
        protocol=protocol,
        exercise=ExerciseFactory(clinic=clinic, name="Clamshell"),
        order=0,
        sets=2,
        reps=12,
        side=Side.EACH,
        note="Keep feet together.",
    )
    ProtocolItemFactory(
        protocol=protocol,
        exercise=ExerciseFactory(clinic=None, name="Figure four"),
        order=1,
        sets=None,
        reps=3,
        hold=30,
        times_per_day=2,
    )
    return protocol


def test_swapping_two_prescription_items_persists(client, therapist, prescription):
    clamshell, bridge, _ = prescription.items.order_by("order")
    client.force_login(therapist)
    page = client.get(admin_url(prescription))

    response = client.post(
        admin_url(prescription), with_orders(form_data(page), {clamshell.pk: 1, bridge.pk: 0})
    )

    assert response.status_code == 302
    assert positions(prescription) == [("Bridge", 0), ("Clamshell", 1), ("Bird dog", 2)]


def test_reversing_every_item_persists(client, therapist, prescription):
    clamshell, bridge, bird_dog = prescription.items.order_by("order")
    client.force_login(therapist)
    page = client.get(admin_url(prescription))
    data = with_orders(form_data(page), {clamshell.pk: 3, bridge.pk: 2, bird_dog.pk: 1})

    client.post(admin_url(prescription), data)

    assert positions(prescription) == [("Bird dog", 0), ("Bridge", 1), ("Clamshell", 2)]


def test_reorder_and_dose_change_save_together(client, therapist, prescription):
    clamshell, bridge, _ = prescription.items.order_by("order")
    client.force_login(therapist)
    page = client.get(admin_url(prescription))
    data = with_orders(form_data(page), {clamshell.pk: 1, bridge.pk: 0}) | {"items-0-reps": "15"}

    client.post(admin_url(prescription), data)

    clamshell.refresh_from_db()
    assert (clamshell.order, clamshell.reps) == (1, 15)


def test_adding_an_item_puts_it_last_with_its_dose(client, therapist, prescription):
    squat = ExerciseFactory(clinic=therapist.clinic, name="Squat")
    client.force_login(therapist)
    page = client.get(admin_url(prescription))
    data = add_inline_row(
        form_data(page), exercise=squat.pk, sets=3, reps=8, hold=5, note="Sit back."
    )

    response = client.post(admin_url(prescription), data)

    item = prescription.items.get(exercise=squat)
    assert response.status_code == 302
    assert positions(prescription)[-1] == ("Squat", 3)
    assert (item.sets, item.reps, item.hold, item.note) == (3, 8, 5, "Sit back.")


def warnings(response) -> list[str]:
    return [m.message for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]


def test_a_row_saved_without_any_dose_is_saved_with_a_warning(client, therapist, prescription):
    squat = ExerciseFactory(clinic=therapist.clinic, name="Squat")
    client.force_login(therapist)
    data = add_inline_row(form_data(client.get(admin_url(prescription))), exercise=squat.pk)

    response = client.post(admin_url(prescription), data)

    assert response.status_code == 302
    assert prescription.items.filter(exercise=squat, sets=None, reps=None, hold=None).exists()
    assert warnings(response) == [
        "Saved, but with no dose for Squat: the handout would print no amount for it. "
        "Give it sets, repetitions, a hold or a time."
    ]


def test_rows_that_all_have_a_dose_are_saved_without_a_warning(client, therapist, prescription):
    client.force_login(therapist)

    response = client.post(admin_url(prescription), form_data(client.get(admin_url(prescription))))

    assert response.status_code == 302
    assert warnings(response) == []


def test_item_with_dose_out_of_bounds_is_refused(client, therapist, prescription):
    client.force_login(therapist)
    page = client.get(admin_url(prescription))

    response = client.post(admin_url(prescription), form_data(page) | {"items-0-hold": "10000"})

    assert response.status_code == 200
    assert prescription.items.get(order=0).hold is None


def test_each_save_raises_the_revision_by_one(client, therapist, prescription):
    client.force_login(therapist)

    for expected in (2, 3):
        page = client.get(admin_url(prescription))
        client.post(admin_url(prescription), form_data(page))
        prescription.refresh_from_db()
        assert prescription.revision == expected


def test_the_save_count_is_shown_but_not_editable(client, therapist, prescription):
    client.force_login(therapist)
    page = client.get(admin_url(prescription))

    client.post(admin_url(prescription), form_data(page) | {"revision": "99"})

    prescription.refresh_from_db()
    assert prescription.revision == 2
    assert 'name="revision"' not in page.content.decode()
    assert "Times saved" in page.content.decode()


def test_save_over_a_newer_revision_is_refused(client, therapist, prescription):
    client.force_login(therapist)
    page = client.get(admin_url(prescription))
    colleague = Client()
    colleague.force_login(UserFactory(clinic=therapist.clinic))
    colleague_page = colleague.get(admin_url(prescription))
    colleague.post(admin_url(prescription), form_data(colleague_page) | {"title": "Theirs"})

    response = client.post(admin_url(prescription), form_data(page) | {"title": "Mine"})

    prescription.refresh_from_db()
    assert response.status_code == 200
    assert "Someone saved this programme while you were editing it" in response.content.decode()
    assert (prescription.title, prescription.revision) == ("Theirs", 2)


def test_new_prescription_is_prescribed_by_the_user_when_left_empty(client, therapist, patient):
    client.force_login(therapist)
    url = reverse("admin:patients_prescription_add")
    data = form_data(client.get(url)) | {"patient": patient.pk, "title": "Back care"}
    data["therapist"] = ""

    response = client.post(url, data)

    created = Prescription.objects.get(title="Back care")
    assert response.status_code == 302
    assert (created.therapist, created.revision) == (therapist, 1)


def test_superuser_cannot_prescribe_with_another_clinics_therapist(client, patient, other_clinic):
    client.force_login(SuperuserFactory())
    outsider = UserFactory(clinic=other_clinic)
    url = reverse("admin:patients_prescription_add")
    data = form_data(client.get(url)) | {
        "patient": patient.pk,
        "therapist": outsider.pk,
        "title": "Mixed",
    }

    response = client.post(url, data)

    assert response.status_code == 200
    assert not Prescription.objects.filter(title="Mixed").exists()


def test_start_from_protocol_copies_items_order_and_doses(client, therapist, patient, protocol):
    client.force_login(therapist)

    response = client.post(FROM_PROTOCOL, {"patient": patient.pk, "protocol": protocol.pk})

    created = Prescription.objects.get(patient=patient)
    assert response.status_code == 302
    assert response.url == admin_url(created)
    assert (created.title, created.therapist, created.protocol) == (
        "Outer hip basics",
        therapist,
        protocol,
    )
    assert created.status == PrescriptionStatus.DRAFT
    assert created.instructions == "Go gently."
    copied = [
        (item.exercise.name, item.order, item.dose_values(), item.note)
        for item in created.items.order_by("order")
    ]
    original = [
        (item.exercise.name, item.order, item.dose_values(), item.note)
        for item in protocol.items.order_by("order")
    ]
    assert copied == original


def test_editing_the_copy_leaves_the_protocol_untouched(client, therapist, patient, protocol):
    client.force_login(therapist)
    client.post(FROM_PROTOCOL, {"patient": patient.pk, "protocol": protocol.pk})
    created = Prescription.objects.get(patient=patient)
    first, second = created.items.order_by("order")
    page = client.get(admin_url(created))
    data = with_orders(form_data(page), {first.pk: 1, second.pk: 0}) | {
        "items-0-reps": "20",
        "items-1-DELETE": "on",
    }

    response = client.post(admin_url(created), data)

    assert response.status_code == 302
    assert [(i.exercise.name, i.reps) for i in created.items.all()] == [("Clamshell", 20)]
    assert [(i.exercise.name, i.order, i.reps) for i in protocol.items.order_by("order")] == [
        ("Clamshell", 0, 12),
        ("Figure four", 1, 3),
    ]


def test_start_from_protocol_with_title_and_colleague(client, therapist, patient, protocol):
    colleague = UserFactory(clinic=therapist.clinic)
    client.force_login(therapist)

    client.post(
        FROM_PROTOCOL,
        {
            "patient": patient.pk,
            "protocol": protocol.pk,
            "therapist": colleague.pk,
            "title": "Maria's hips",
        },
    )

    created = Prescription.objects.get(patient=patient)
    assert (created.title, created.therapist) == ("Maria's hips", colleague)


def test_start_from_a_library_protocol(client, therapist, patient):
    shared = ProtocolFactory(clinic=None, name="Library back care")
    ProtocolItemFactory(protocol=shared, exercise=ExerciseFactory(clinic=None), order=0)
    client.force_login(therapist)

    response = client.post(FROM_PROTOCOL, {"patient": patient.pk, "protocol": shared.pk})

    assert response.status_code == 302
    assert Prescription.objects.get(patient=patient).items.count() == 1


def test_start_from_protocol_page_is_prefilled_from_the_patient(client, therapist, patient):
    client.force_login(therapist)

    response = client.get(FROM_PROTOCOL, {"patient": patient.pk})

    assert response.status_code == 200
    assert response.context["form"]["patient"].value() == str(patient.pk)
    assert "Maria Okafor" in response.content.decode()


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("field", ["patient", "protocol"])
def test_start_from_protocol_404s_for_another_clinics_ids(
    client, therapist, patient, protocol, other_clinic, method, field
):
    theirs = {
        "patient": PatientFactory(clinic=other_clinic),
        "protocol": ProtocolFactory(clinic=other_clinic),
    }
    client.force_login(therapist)
    data = {"patient": patient.pk, "protocol": protocol.pk, field: theirs[field].pk}

    response = getattr(client, method)(FROM_PROTOCOL, data)

    assert response.status_code == 404
    assert not Prescription.objects.exists()


def test_start_from_protocol_refuses_an_archived_protocol(client, therapist, patient, protocol):
    protocol.archived = True
    protocol.save()
    client.force_login(therapist)

    response = client.post(FROM_PROTOCOL, {"patient": patient.pk, "protocol": protocol.pk})

    assert response.status_code == 404
    assert not Prescription.objects.exists()


def test_start_from_protocol_needs_the_csrf_token(therapist, patient, protocol):
    client = Client(enforce_csrf_checks=True)
    client.force_login(therapist)

    response = client.post(FROM_PROTOCOL, {"patient": patient.pk, "protocol": protocol.pk})

    assert response.status_code == 403
    assert not Prescription.objects.exists()


def test_start_from_protocol_needs_permission_to_add_programmes(client, clinic, patient, protocol):
    receptionist = UserFactory(clinic=clinic, role="reception")
    client.force_login(receptionist)

    response = client.post(FROM_PROTOCOL, {"patient": patient.pk, "protocol": protocol.pk})

    assert response.status_code == 403
    assert not Prescription.objects.exists()


def test_start_from_protocol_asks_a_superuser_for_the_therapist(client, patient, protocol):
    client.force_login(SuperuserFactory())

    response = client.post(FROM_PROTOCOL, {"patient": patient.pk, "protocol": protocol.pk})

    assert response.status_code == 200
    assert "Choose the prescribing therapist" in response.content.decode()
    assert not Prescription.objects.exists()


def test_patient_page_offers_to_start_a_programme_and_lists_them(
    client, therapist, patient, prescription
):
    client.force_login(therapist)

    content = client.get(admin_url(patient)).content.decode()

    assert f'href="{FROM_PROTOCOL}?patient={patient.pk}"' in content
    assert "Hip programme" in content


def test_prescription_list_offers_to_start_from_a_protocol(client, therapist, prescription):
    client.force_login(therapist)

    content = client.get(changelist_url(Prescription)).content.decode()

    assert f'href="{FROM_PROTOCOL}"' in content
    assert "Hip programme" in content


def test_patient_page_offers_a_new_empty_programme_for_that_patient(client, therapist, patient):
    client.force_login(therapist)
    add = reverse("admin:patients_prescription_add")

    content = client.get(admin_url(patient)).content.decode()
    form = client.get(add, {"patient": patient.pk}).context["adminform"].form

    assert f'href="{add}?patient={patient.pk}"' in content
    assert form["patient"].value() == str(patient.pk)
    assert form["therapist"].value() == therapist.pk


def test_view_only_user_sees_the_programme_without_a_form(client, clinic, prescription):
    viewer = UserFactory(clinic=clinic, role="reception")
    viewer.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_prescription", "view_prescriptionitem"])
    )
    client.force_login(viewer)

    response = client.get(admin_url(prescription))

    assert response.status_code == 200
    assert "Clamshell" in response.content.decode()
    assert 'name="title"' not in response.content.decode()
    assert "Seen revision" not in response.content.decode()


def test_items_show_the_dose_in_the_patients_words(client, therapist, prescription):
    client.force_login(therapist)

    page = client.get(admin_url(prescription)).content.decode()

    # PrescriptionItemFactory doses are 3 sets of 10, the handout's wording.
    assert page.count("Do 3 sets of 10.") == 3
