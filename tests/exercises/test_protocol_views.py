"""Protocols in the app: browsing them, and managers keeping their clinic's own."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from exercises.models import Protocol
from tests.factories import (
    ExerciseFactory,
    PatientFactory,
    ProtocolFactory,
    ProtocolItemFactory,
    SuperuserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared(db):
    protocol = ProtocolFactory(clinic=None, name="Outer hip strength")
    for order, name in enumerate(["Clamshell", "Side plank"]):
        ProtocolItemFactory(
            protocol=protocol, order=order, exercise=ExerciseFactory(clinic=None, name=name)
        )
    return protocol


@pytest.fixture
def own(clinic):
    return ProtocolFactory(clinic=clinic, name="Our back care")


@pytest.fixture
def theirs(other_clinic):
    return ProtocolFactory(clinic=other_clinic, name="Their protocol")


def login(client, user):
    client.force_login(user)
    return client


def test_the_protocol_page_lists_its_exercises_in_order_with_doses(client, therapist, shared):
    html = (
        login(client, therapist)
        .get(reverse("exercises:protocol_detail", args=[shared.pk]))
        .content.decode()
    )

    assert html.index("Clamshell") < html.index("Side plank")
    assert "Do 3 sets of 10." in html


def test_the_protocol_page_shows_each_rows_note(client, therapist, own):
    ProtocolItemFactory(protocol=own, note="Only to the point of a gentle stretch.")

    html = (
        login(client, therapist)
        .get(reverse("exercises:protocol_detail", args=[own.pk]))
        .content.decode()
    )

    assert "Only to the point of a gentle stretch." in html


@pytest.mark.parametrize(
    ("method", "name"),
    [
        ("get", "exercises:protocol_detail"),
        ("get", "exercises:protocol_edit"),
        ("post", "exercises:protocol_edit"),
        ("post", "exercises:protocol_archive"),
    ],
)
def test_another_clinics_protocol_is_not_found(client, manager, theirs, method, name):
    response = getattr(login(client, manager), method)(reverse(name, args=[theirs.pk]))

    assert response.status_code == 404
    assert Protocol.objects.get(pk=theirs.pk).archived is False


@pytest.mark.parametrize("name", ["exercises:protocol_edit", "exercises:protocol_archive"])
def test_the_shared_protocols_are_read_only_to_managers(client, manager, shared, name):
    response = login(client, manager).post(reverse(name, args=[shared.pk]), {"name": "Mine"})

    assert response.status_code == 404
    shared.refresh_from_db()
    assert (shared.name, shared.archived) == ("Outer hip strength", False)


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/protocols/new/"),
        ("post", "/protocols/new/"),
        ("get", "/protocols/{own}/edit/"),
        ("post", "/protocols/{own}/edit/"),
        ("post", "/protocols/{own}/archive/"),
    ],
)
def test_therapists_cannot_change_protocols(client, therapist, own, method, url):
    response = getattr(login(client, therapist), method)(url.format(own=own.pk), {"name": "X"})

    assert response.status_code == 403
    own.refresh_from_db()
    assert (own.name, own.archived) == ("Our back care", False)
    assert Protocol.objects.count() == 1


def test_a_platform_admin_without_a_clinic_adds_protocols_in_the_admin_not_here(client):
    response = login(client, SuperuserFactory()).post(
        reverse("exercises:protocol_new"), {"name": "Everyone's", **formset()}
    )

    assert response.status_code == 403
    assert not Protocol.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "/protocols/",
        "/protocols/{shared}/",
        "/protocols/{own}/",
        "/protocols/new/",
        "/protocols/{own}/edit/",
    ],
)
def test_a_manager_opens_every_protocol_page(client, manager, shared, own, url):
    response = login(client, manager).get(url.format(shared=shared.pk, own=own.pk))

    assert response.status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/protocols/",
        "/protocols/{own}/",
        "/protocols/new/",
        "/protocols/{own}/edit/",
        "/protocols/{own}/archive/",
    ],
)
def test_anonymous_visitors_go_to_the_login_page(client, own, url):
    url = url.format(own=own.pk)

    assert client.get(url)["Location"] == f"/login/?next={url}"


@pytest.mark.parametrize(("which", "editable"), [("own", True), ("shared", False)])
def test_managers_get_edit_and_archive_on_their_clinics_protocols_only(
    client, manager, request, which, editable
):
    protocol = request.getfixturevalue(which)

    html = (
        login(client, manager)
        .get(reverse("exercises:protocol_detail", args=[protocol.pk]))
        .content.decode()
    )

    assert (reverse("exercises:protocol_edit", args=[protocol.pk]) in html) is editable
    assert (reverse("exercises:protocol_archive", args=[protocol.pk]) in html) is editable


def test_the_list_shows_the_library_and_the_clinics_own_and_searches(
    client, therapist, shared, own, theirs
):
    login(client, therapist)

    everything = client.get(reverse("exercises:protocol_list")).context["page_obj"]
    found = client.get(reverse("exercises:protocol_list"), {"q": "our back"}).context["page_obj"]

    assert {p.name for p in everything} == {"Outer hip strength", "Our back care"}
    assert {p.name for p in found} == {"Our back care"}


def test_the_list_uses_the_same_queries_for_5_and_50_protocols(client, therapist, clinic):
    login(client, therapist)
    counts = []
    for total in (5, 50):
        Protocol.objects.all().delete()
        for _ in range(total):
            ProtocolItemFactory(protocol=ProtocolFactory(clinic=clinic))
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("exercises:protocol_list"))
        counts.append(len(queries))

    assert counts[0] == counts[1]


def formset(*rows):
    data = {
        "items-TOTAL_FORMS": len(rows),
        "items-INITIAL_FORMS": 0,
        "items-MIN_NUM_FORMS": 0,
        "items-MAX_NUM_FORMS": 1000,
    }
    for index, row in enumerate(rows):
        for key, value in {"hold_unit": "seconds", **row}.items():
            data[f"items-{index}-{key}"] = value
    return data


def test_a_manager_builds_a_protocol_in_the_order_given(client, manager, clinic):
    bridge = ExerciseFactory(clinic=None, name="Bridge")
    clam = ExerciseFactory(clinic=clinic, name="Clam")
    dropped = ExerciseFactory(clinic=None, name="Dropped")

    response = login(client, manager).post(
        reverse("exercises:protocol_new"),
        {
            "name": "Post-op week 2",
            "condition": "Hip replacement",
            **formset(
                {"exercise": bridge.pk, "ORDER": "2", "sets": "2", "reps": "8"},
                {"exercise": clam.pk, "ORDER": "1", "note": "Small range"},
                {"exercise": dropped.pk, "ORDER": "3", "DELETE": "on"},
                {},  # an empty spare row
            ),
        },
    )

    protocol = Protocol.objects.get(name="Post-op week 2")
    assert response["Location"] == reverse("exercises:protocol_detail", args=[protocol.pk])
    assert protocol.clinic == clinic and protocol.slug == "post-op-week-2"
    rows = list(protocol.items.order_by("order").values_list("exercise__name", "sets", "note"))
    assert rows == [("Clam", None, "Small range"), ("Bridge", 2, "")]


def test_a_bad_dose_in_a_protocol_row_is_refused(client, manager):
    bridge = ExerciseFactory(clinic=None, name="Bridge")

    response = login(client, manager).post(
        reverse("exercises:protocol_new"),
        {"name": "Bad", **formset({"exercise": bridge.pk, "ORDER": "1", "sets": "0"})},
    )

    assert "Ensure this value is greater than or equal to 1." in response.content.decode()
    assert not Protocol.objects.exists()


def test_another_clinics_exercise_cannot_go_into_a_protocol(client, manager, other_clinic):
    foreign = ExerciseFactory(clinic=other_clinic)

    response = login(client, manager).post(
        reverse("exercises:protocol_new"),
        {"name": "Sneaky", **formset({"exercise": foreign.pk, "ORDER": "1"})},
    )

    assert "Select a valid choice" in response.content.decode()
    assert not Protocol.objects.exists()


def test_editing_a_protocol_keeps_programmes_made_from_it(client, manager, own, therapist):
    from patients.prescribing import prescription_from_protocol

    ProtocolItemFactory(protocol=own, exercise=ExerciseFactory(clinic=None, name="Knee hug"))
    programme = prescription_from_protocol(PatientFactory(clinic=own.clinic), own, therapist)

    login(client, manager).post(
        reverse("exercises:protocol_edit", args=[own.pk]), {"name": "Our back care", **formset()}
    )

    assert own.items.count() == 0
    assert list(programme.items.values_list("exercise__name", flat=True)) == ["Knee hug"]


@pytest.mark.parametrize(
    ("fields", "rows", "message"),
    [
        ({"name": ""}, [], "This field is required."),
        ({"name": "!!!"}, [], "Give the protocol a name with letters or numbers."),
        ({"name": "Our back care"}, [], "Your clinic already has a protocol with this name."),
        ({"name": "Fine"}, [{"sets": "3", "ORDER": "1"}], "This field is required."),
        ({"name": "Fine"}, [{"exercise": "{bridge}", "reps": "101"}], "less than or equal to 100"),
        ({"name": "Fine"}, [{"exercise": "{bridge}", "side": "left"}], "Select a valid choice"),
    ],
)
def test_bad_protocol_forms_say_what_is_wrong_and_save_nothing(
    client, manager, own, fields, rows, message
):
    bridge = ExerciseFactory(clinic=None, name="Bridge")
    rows = [{k: v.format(bridge=bridge.pk) for k, v in row.items()} for row in rows]

    response = login(client, manager).post(
        reverse("exercises:protocol_new"), {**fields, **formset(*rows)}
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert list(Protocol.objects.values_list("name", flat=True)) == ["Our back care"]


def test_the_edit_page_starts_from_the_protocols_rows_in_order(client, manager, own):
    for order, name in [(1, "Second"), (0, "First")]:
        ProtocolItemFactory(protocol=own, order=order, exercise=ExerciseFactory(name=name))

    items = (
        login(client, manager)
        .get(reverse("exercises:protocol_edit", args=[own.pk]))
        .context["items"]
    )

    assert [form.initial.get("ORDER") for form in items] == [1, 2, None, None]
    assert [form.initial.get("exercise") for form in items[:2]] == [
        own.items.get(order=0).exercise_id,
        own.items.get(order=1).exercise_id,
    ]


def test_archived_exercises_are_offered_only_where_a_protocol_already_uses_them(
    client, manager, own, clinic
):
    kept = ExerciseFactory(clinic=clinic, name="Kept but retired", archived=True)
    ExerciseFactory(clinic=clinic, name="Just retired", archived=True)
    ExerciseFactory(clinic=None, name="Bridge")
    ProtocolItemFactory(protocol=own, exercise=kept, order=0)
    login(client, manager)

    new_items = client.get(reverse("exercises:protocol_new")).context["items"]
    edit_items = client.get(reverse("exercises:protocol_edit", args=[own.pk])).context["items"]
    client.post(
        reverse("exercises:protocol_edit", args=[own.pk]),
        {"name": "Our back care", **formset({"exercise": kept.pk, "ORDER": "1"})},
    )

    offered = {e.name for e in new_items[0].fields["exercise"].queryset}
    offered_on_edit = {e.name for e in edit_items[0].fields["exercise"].queryset}
    assert offered == {"Bridge"}
    assert offered_on_edit == {"Bridge", "Kept but retired"}
    assert list(own.items.values_list("exercise__name", flat=True)) == ["Kept but retired"]


def test_archiving_hides_a_protocol_and_managers_can_still_find_it(client, manager, own):
    login(client, manager)

    client.post(reverse("exercises:protocol_archive", args=[own.pk]))
    default = client.get(reverse("exercises:protocol_list")).context["page_obj"]
    with_archived = client.get(reverse("exercises:protocol_list"), {"archived": "on"})

    own.refresh_from_db()
    assert own.archived is True
    assert own.name not in {p.name for p in default}
    assert own.name in {p.name for p in with_archived.context["page_obj"]}


def test_therapists_never_see_archived_protocols_in_the_list(client, therapist, own):
    own.archived = True
    own.save()

    response = login(client, therapist).get(reverse("exercises:protocol_list"), {"archived": "on"})

    assert own.name not in {p.name for p in response.context["page_obj"]}


@pytest.mark.parametrize("count", ["-1", "-10951"])
def test_a_miscounted_protocol_form_keeps_its_exercises(client, manager, own, count):
    """Django reads a negative row count as "no rows": saving that would empty the protocol."""
    ProtocolItemFactory(protocol=own, exercise=ExerciseFactory(clinic=None, name="Knee hug"))

    response = login(client, manager).post(
        reverse("exercises:protocol_edit", args=[own.pk]),
        {"name": "Our back care", **formset(), "items-TOTAL_FORMS": count},
    )

    assert response.status_code == 200
    assert "sent with its rows miscounted, so nothing was saved" in response.content.decode()
    assert list(own.items.values_list("exercise__name", flat=True)) == ["Knee hug"]


@pytest.mark.parametrize(
    ("description", "said"),
    [
        ("Five moves for the outer hip.", "“Five moves”"),
        ("Do the set at least 4 days a week.", "“4 days a week”"),
        ("Hold each stretch about 30 seconds, once a day.", "“30 seconds”, “once a day”"),
    ],
)
def test_a_description_that_counts_exercises_or_states_a_dose_is_refused(
    client, manager, description, said
):
    response = login(client, manager).post(
        reverse("exercises:protocol_new"),
        {"name": "Outer hip", "description": description, **formset()},
    )

    assert (
        response.context["form"]
        .errors["description"][0]
        .startswith(f"The description says {said}.")
    )
    assert f"The description says {said}." in response.content.decode()
    assert not Protocol.objects.exists()


def test_a_description_without_counts_or_doses_is_saved(client, manager):
    login(client, manager).post(
        reverse("exercises:protocol_new"),
        {"name": "Outer hip", "description": "Move slowly, and walk when you can.", **formset()},
    )

    assert Protocol.objects.get().description == "Move slowly, and walk when you can."
