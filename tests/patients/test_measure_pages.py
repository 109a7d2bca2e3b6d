"""Outcome measures on the patient's phone page (issue 20 §2): the box when one is due, the
questions one measure at a time, PSFS activities named once and carried forward, bad
answers refused with nothing lost, and words a patient reads easily."""

import datetime

import pytest
from django.urls import reverse

from hipclinic.models import AuditAction, AuditEvent
from patients.links import create_link, link_path, token_for
from patients.models import Measure, MeasureAnswer, MeasureSchedule, PrescriptionStatus
from patients.outcomes import load_measures, record_answer
from patients.patient_page import clinic_today
from tests.factories import PatientFactory, PrescriptionFactory, issued_on
from tests.reading import above_grade_6, sentences_of

pytestmark = pytest.mark.django_db

STAIRS = ["Climbing stairs", "Putting on socks", "Gardening"]


@pytest.fixture
def measures():
    load_measures()
    return {measure.slug: measure for measure in Measure.objects.all()}


@pytest.fixture
def patient(clinic, therapist):
    return PatientFactory(clinic=clinic, first_name="Robin", primary_therapist=therapist)


@pytest.fixture
def programme(patient, therapist):
    programme = PrescriptionFactory(
        patient=patient, therapist=therapist, status=PrescriptionStatus.ACTIVE
    )
    issued_on(programme, clinic_today(patient) - datetime.timedelta(days=2))
    return programme


@pytest.fixture
def link(patient, therapist):
    return create_link(patient, therapist)


def ask(programme, measure, therapist, **when):
    return MeasureSchedule.objects.create(
        prescription=programme, measure=measure, created_by=therapist, **when
    )


def questions_url(link) -> str:
    return reverse("public:measure_questions", args=[token_for(link)])


def named(*points, names=STAIRS) -> dict:
    """A first PSFS answer as the form sends it: the activities and their ratings."""
    data = {}
    for number, (name, point) in enumerate(zip(names, points, strict=True), start=1):
        data[f"activity_{number}"] = name
        data[f"rating_{number}"] = str(point)
    return data


def test_a_due_psfs_shows_its_box_with_three_quick_questions(
    client, link, programme, measures, therapist
):
    ask(programme, measures["psfs"], therapist)

    page = client.get(link_path(link)).content.decode()

    assert "3 quick questions" in page
    assert questions_url(link) in page


def test_two_measures_due_add_up_their_questions(client, link, programme, measures, therapist):
    ask(programme, measures["psfs"], therapist)
    ask(programme, measures["nprs"], therapist)

    assert "4 quick questions" in client.get(link_path(link)).content.decode()


def test_no_box_when_nothing_is_due(client, link, programme, measures):
    page = client.get(link_path(link)).content.decode()

    assert "quick question" not in page


def test_the_first_psfs_asks_for_activities_and_a_rating_for_each(
    client, link, programme, measures, therapist
):
    ask(programme, measures["psfs"], therapist)

    response = client.get(questions_url(link))

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('type="text"') == 5  # 3 shown, 2 more folded away
    assert "Add more (up to 5 in all)" in page
    assert "0 means “Cannot do it at all”. 10 means “Can do it as well as before”." in page
    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_naming_and_rating_three_activities_saves_the_answer_and_the_box_goes(
    client, link, patient, programme, measures, therapist
):
    ask(programme, measures["psfs"], therapist)

    response = client.post(
        questions_url(link), {"measure": measures["psfs"].pk, **named(3, 2, 4)}, follow=True
    )

    answer = MeasureAnswer.objects.get()
    assert answer.values == {"activities": [[n, p] for n, p in zip(STAIRS, [3, 2, 4], strict=True)]}
    assert str(answer.score) == "3.00"
    assert answer.answered_on == clinic_today(patient)
    assert answer.patient_link == link and answer.entered_by is None
    assert answer.prescription == programme
    page = response.content.decode()
    assert "Thank you. Your answers are saved." in page
    assert "quick question" not in page
    created = AuditEvent.objects.get(
        action=AuditAction.CREATED, target_type="patients.measureanswer"
    )
    assert created.patient_link == link and created.target_id == str(answer.pk)


def test_a_later_psfs_shows_the_same_activities_to_rate(
    client, link, patient, programme, measures, therapist
):
    ask(programme, measures["psfs"], therapist, every_weeks=1)
    today = clinic_today(patient)
    record_answer(
        patient,
        measures["psfs"],
        {"activities": [[name, 3] for name in STAIRS]},
        answered_on=today - datetime.timedelta(days=9),
    )

    page = client.get(questions_url(link)).content.decode()

    assert 'type="text"' not in page
    for name in STAIRS:
        assert f'<legend class="form-label">{name}</legend>' in page
    response = client.post(
        questions_url(link),
        {"measure": measures["psfs"].pk, "rating_1": "6", "rating_2": "5", "rating_3": "7"},
    )
    assert response.status_code == 302
    latest = MeasureAnswer.objects.latest("answered_on")
    assert latest.values == {"activities": [[n, p] for n, p in zip(STAIRS, [6, 5, 7], strict=True)]}


def test_a_missing_rating_is_refused_clearly_and_keeps_what_was_typed(
    client, link, programme, measures, therapist
):
    ask(programme, measures["psfs"], therapist)
    data = named(3, 2, 4)
    del data["rating_2"]

    response = client.post(questions_url(link), {"measure": measures["psfs"].pk, **data})

    page = response.content.decode()
    assert response.status_code == 400
    assert "Nothing was saved yet." in page
    assert "Please choose a number for each question." in page
    assert 'value="Putting on socks"' in page and 'id="id_rating_1_3" required checked' in page
    assert not MeasureAnswer.objects.exists()


def test_fewer_than_three_activities_are_refused(client, link, programme, measures, therapist):
    ask(programme, measures["psfs"], therapist)

    response = client.post(
        questions_url(link),
        {"measure": measures["psfs"].pk, **named(3, 2, names=STAIRS[:2])},
    )

    assert response.status_code == 400
    assert "Please name at least 3 activities." in response.content.decode()
    assert not MeasureAnswer.objects.exists()


def test_a_rating_without_its_activity_asks_for_the_name(
    client, link, programme, measures, therapist
):
    ask(programme, measures["psfs"], therapist)

    response = client.post(
        questions_url(link), {"measure": measures["psfs"].pk, **named(3, 2, 4), "rating_4": "5"}
    )

    assert response.status_code == 400
    assert "Please name this activity." in response.content.decode()


def test_a_worded_scale_shows_each_points_words(client, link, programme, measures, therapist):
    ask(programme, measures["groc"], therapist)

    page = client.get(questions_url(link)).content.decode()

    assert "Somewhat better" in page and "About the same" in page
    client.post(questions_url(link), {"measure": measures["groc"].pk, "item_change": "3"})
    assert MeasureAnswer.objects.get().values == {"items": {"change": 3}}


def test_with_nothing_due_the_questions_page_goes_back_to_the_patients_page(
    client, link, programme, measures
):
    response = client.get(questions_url(link))

    assert response.status_code == 302
    assert response["Location"] == link_path(link)


def test_answers_to_a_measure_no_longer_due_are_not_saved(
    client, link, programme, measures, therapist
):
    ask(programme, measures["nprs"], therapist)

    response = client.post(questions_url(link), {"measure": measures["psfs"].pk, **named(1, 2, 3)})

    assert response.status_code == 302
    assert not MeasureAnswer.objects.exists()


def test_one_measure_at_a_time(client, link, programme, measures, therapist):
    ask(programme, measures["nprs"], therapist)
    ask(programme, measures["psfs"], therapist)

    first = client.get(questions_url(link)).content.decode()
    client.post(questions_url(link), {"measure": measures["nprs"].pk, "item_pain": "4"})
    second = client.get(questions_url(link)).content.decode()

    assert "One question about your pain." in first
    assert "Think of things that are hard for you to do" not in first
    assert "Think of things that are hard for you to do" in second  # the PSFS
    assert "3 quick questions" in client.get(link_path(link)).content.decode()


def test_viewing_the_questions_is_audited_with_ids_only(
    client, link, programme, measures, therapist
):
    schedule = ask(programme, measures["psfs"], therapist)

    client.get(questions_url(link))

    event = AuditEvent.objects.get(
        action=AuditAction.VIEWED, target_type="patients.measureschedule"
    )
    assert event.target_id == str(schedule.pk) and event.patient_link == link


def test_an_unknown_token_gets_the_one_404(client):
    response = client.get(reverse("public:measure_questions", args=["not-a-real-token-0000"]))

    assert response.status_code == 404
    assert "no-store" in response["Cache-Control"]


def test_another_patients_token_answers_for_that_patient_only(
    client, link, programme, measures, therapist, clinic
):
    ask(programme, measures["psfs"], therapist)
    other = create_link(PatientFactory(clinic=clinic), therapist)

    response = client.get(reverse("public:measure_questions", args=[token_for(other)]))

    assert response.status_code == 302  # nothing due for them
    assert not MeasureAnswer.objects.exists()


def test_the_patients_measure_pages_read_at_grade_6_or_below(
    client, link, patient, programme, measures, therapist
):
    pages = [client.get(link_path(link))]  # no box
    for slug in ("psfs", "nprs", "groc"):
        ask(programme, measures[slug], therapist)
    pages.append(client.get(link_path(link)))  # the box
    pages.append(client.get(questions_url(link)))  # PSFS, naming
    client.post(questions_url(link), {"measure": measures["psfs"].pk, **named(3, 2, 4)})
    pages.append(client.get(questions_url(link)))  # GROC
    client.post(questions_url(link), {"measure": measures["groc"].pk, "item_change": "0"})
    pages.append(client.get(questions_url(link)))  # NPRS
    pages.append(client.post(questions_url(link), {"measure": measures["nprs"].pk}))  # error
    MeasureSchedule.objects.filter(measure=measures["psfs"]).update(every_weeks=1)
    MeasureAnswer.objects.filter(measure=measures["psfs"]).update(
        answered_on=clinic_today(patient) - datetime.timedelta(days=8)
    )
    pages.append(client.get(questions_url(link)))  # PSFS, rating the same activities

    hard = []
    for response in pages:
        texts = sentences_of(response.content.decode())
        assert len(texts) >= 3
        hard.extend(above_grade_6(texts))
    assert hard == []


def test_a_spanish_speaking_patient_answers_in_spanish(
    client, link, programme, measures, therapist, patient
):
    patient.language = "es"
    patient.save()
    ask(programme, measures["nprs"], therapist)

    page = client.get(questions_url(link), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Unas preguntas rápidas" in page
    assert "¿Cuánto dolor tuvo, en promedio, en el último día?" in page
    assert "0 means" not in page and "What was your pain" not in page
    response = client.post(questions_url(link), {"measure": measures["nprs"].pk, "item_pain": "4"})
    assert response.status_code == 302
    assert MeasureAnswer.objects.get().score == 4
