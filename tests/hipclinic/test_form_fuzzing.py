"""Bad input to every form: random unicode, huge strings, negative and huge numbers,
impossible dates. Each answer is a page with errors (or a refusal), never a server
error, and the database is left exactly as it was.

Each form is read from its own page, as a browser would see it, so a field added
later is fuzzed too. Every example poisons at least one field with a value no field
accepts (text with a NUL character, which Django refuses in every text field and
which is no number, date or choice), so nothing should ever be saved.
"""

from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.forms import Form
from django.urls import URLResolver, get_resolver, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hipclinic.models import AuditAction, AuditEvent
from patients import handouts
from patients.links import create_link, token_for
from tests.factories import (
    ExerciseFactory,
    ManagerFactory,
    PatientFactory,
    PrescriptionFactory,
    PrescriptionItemFactory,
    ProtocolItemFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

bad_text = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=50).map(lambda s: s * 400),
    st.just("A" * 20_000),
    st.sampled_from(["", " ", "\u202e\u0000", "<script>alert(1)</script>", "' OR 1=1 --"]),
)
bad_number = st.one_of(
    st.integers(min_value=-(10**30), max_value=-1),
    st.integers(min_value=10**6, max_value=10**30),
    st.sampled_from([0, 2**31, 2**63, -(2**63) - 1]),
).map(str) | st.sampled_from(["1e308", "NaN", "-inf", "1.5", "٣", "0x10"])
bad_date = st.sampled_from(
    ["2026-02-30", "2026-13-01", "0000-00-00", "99999-01-01", "1-1-1", "yesterday", "31/12/2026"]
) | st.dates().map(lambda d: d.strftime("%d.%m.%Y"))
bad_value = st.one_of(bad_text, bad_number, bad_date)
poison = st.text(max_size=30).map(lambda s: s + "\x00" + s)


class FormReader(HTMLParser):
    """The forms on a page: each one's method, action and the values it would send."""

    def __init__(self):
        super().__init__()
        self.forms, self.form, self.select, self.textarea = [], None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.form = {
                "method": attrs.get("method", "get").lower(),
                "action": attrs.get("action"),
            }
            self.form["fields"] = {}
            self.form["checkboxes"], self.form["disabled"], self.form["hidden"] = (
                set(),
                set(),
                set(),
            )
            self.forms.append(self.form)
        elif self.form is None or "name" not in attrs and tag != "option":
            return
        if "disabled" in attrs or "readonly" in attrs:
            self.form["disabled"].add(attrs["name"])
        elif tag == "input":
            kind = attrs.get("type", "text")
            if kind in {"checkbox", "radio"}:
                if kind == "checkbox":
                    self.form["checkboxes"].add(attrs["name"])
                if "checked" in attrs:
                    self.form["fields"][attrs["name"]] = attrs.get("value", "on")
                elif kind == "radio":
                    self.form["fields"].setdefault(attrs["name"], attrs.get("value", ""))
            elif kind not in {"submit", "button", "file", "image", "reset"}:
                self.form["fields"][attrs["name"]] = attrs.get("value", "")
                if kind == "hidden":
                    self.form["hidden"].add(attrs["name"])
        elif tag == "select":
            self.select = attrs["name"]
            self.form["fields"].setdefault(self.select, "")
        elif tag == "option" and self.select and "selected" in attrs:
            self.form["fields"][self.select] = attrs.get("value", "")
        elif tag == "textarea":
            self.textarea = attrs["name"]
            self.form["fields"][self.textarea] = ""

    def handle_data(self, data):
        if self.textarea:
            self.form["fields"][self.textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None


def form_on(client, page: str, action: str | None = None) -> dict:
    response = client.get(page)
    assert response.status_code == 200, page
    reader = FormReader()
    reader.feed(response.content.decode())
    for form in reader.forms:
        if form["method"] != "post" or (form["action"] or "").endswith("/logout/"):
            continue
        if action is None or form["action"] == action:
            return form
    raise AssertionError(f"no form posting to {action or 'itself'} on {page}")


def database_state() -> dict:
    """Every row of every table, less what merely records that someone looked."""
    state = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if label.startswith(("axes.", "sessions.", "admin.logentry")):
            continue  # failed logins are meant to be counted; sessions come and go
        rows = model.objects.order_by("pk")
        if model is AuditEvent:
            rows = rows.exclude(
                action__in=[AuditAction.VIEWED, AuditAction.LOGIN_FAILED, AuditAction.LOCKED_OUT]
            )
        state[label] = list(rows.values())
    return state


def fuzz_form(client, url: str, form: dict, data) -> None:
    fields = sorted(form["fields"])
    # The poison goes into a field a person can type in: disabled fields and the hidden
    # ids of read-only rows are ignored by the server, whatever is posted (they still
    # get bad values below).
    ignored = form["checkboxes"] | form["disabled"] | form["hidden"]
    poisonable = [name for name in fields if name not in ignored]
    assert poisonable, f"nothing to fuzz on {url}"
    before = database_state()

    values = dict(form["fields"])
    for name in data.draw(st.lists(st.sampled_from(fields), max_size=len(fields), unique=True)):
        values[name] = data.draw(bad_value)
    values[data.draw(st.sampled_from(poisonable))] = data.draw(poison)
    response = client.post(url, values)

    assert response.status_code < 500
    assert response.status_code in {200, 302, 400, 403, 404, 429}, response.status_code
    assert database_state() == before


@pytest.fixture
def clinic_world(clinic):
    therapist = UserFactory(clinic=clinic)
    manager = ManagerFactory(clinic=clinic)
    patient = PatientFactory(clinic=clinic, primary_therapist=therapist, email="p@example.com")
    programme = PrescriptionFactory(patient=patient, therapist=therapist)
    PrescriptionItemFactory(prescription=programme)
    exercise = ExerciseFactory(clinic=clinic)
    protocol = ProtocolItemFactory(protocol__clinic=clinic, exercise=exercise).protocol
    link = create_link(patient, therapist)
    return {
        "therapist": therapist,
        "manager": manager,
        "patient": patient,
        "programme": programme,
        "exercise": exercise,
        "protocol": protocol,
        "token": token_for(link),
    }


STAFF_FORMS = [
    ("therapist", lambda w: reverse("patients:patient_new"), None),
    ("therapist", lambda w: reverse("patients:patient_edit", args=[w["patient"].pk]), None),
    ("therapist", lambda w: reverse("patients:programme_new", args=[w["patient"].pk]), None),
    ("therapist", lambda w: reverse("patients:programme_edit", args=[w["programme"].pk]), None),
    (
        "therapist",
        lambda w: reverse("patients:patient_detail", args=[w["patient"].pk]),
        lambda w: reverse("patients:link_create", args=[w["patient"].pk]),
    ),
    ("manager", lambda w: reverse("exercises:exercise_new"), None),
    ("manager", lambda w: reverse("exercises:exercise_edit", args=[w["exercise"].pk]), None),
    ("manager", lambda w: reverse("exercises:protocol_new"), None),
    ("manager", lambda w: reverse("exercises:protocol_edit", args=[w["protocol"].pk]), None),
    ("therapist", lambda w: reverse("admin:patients_patient_add"), None),
    ("therapist", lambda w: reverse("admin:patients_patient_change", args=[w["patient"].pk]), None),
    ("therapist", lambda w: reverse("admin:patients_prescription_add"), None),
    ("therapist", lambda w: reverse("admin:patients_prescription_from_protocol"), None),
    ("manager", lambda w: reverse("admin:exercises_exercise_add"), None),
    (
        "manager",
        lambda w: reverse("admin:hipclinic_clinic_change", args=[w["patient"].clinic_id]),
        None,
    ),
]


@pytest.mark.parametrize(
    ("role", "page", "action"), STAFF_FORMS, ids=[f"form-{i}" for i in range(len(STAFF_FORMS))]
)
@FUZZ
@given(data=st.data())
def test_staff_form_refuses_bad_input_without_saving(
    client, clinic_world, role, page, action, data
):
    client.force_login(clinic_world[role])
    page_url = page(clinic_world)
    target = action(clinic_world) if action else None
    form = form_on(client, page_url, target)

    fuzz_form(client, target or page_url, form, data)


@pytest.fixture
def issued(clinic_world):
    """The patient's page shows the daily log form once a handout is issued."""
    return handouts.issue_handout(clinic_world["programme"], clinic_world["therapist"])


@FUZZ
@given(data=st.data())
def test_patients_log_form_refuses_bad_input_without_saving(client, clinic_world, issued, data):
    page = reverse("public:patient_page", args=[clinic_world["token"]])
    form = form_on(client, page)

    fuzz_form(client, page, form, data)


@FUZZ
@given(data=st.data())
def test_login_form_refuses_bad_input(client, data):
    form = form_on(client, reverse("login"))

    fuzz_form(client, reverse("login"), form, data)


def pages_without_arguments() -> list[str]:
    """The URL names of every app page that takes no argument (the admin aside)."""
    names = []

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace != "admin":
                    inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                    walk(pattern.url_patterns, inner)
            elif pattern.name and not pattern.pattern.regex.groupindex:
                names.append(f"{namespace}{pattern.name}")

    walk(get_resolver().url_patterns)
    return names


def search_pages(client) -> dict[str, list[str]]:
    """Each page that reads a form from its query string (a search or a filter), with the
    parameters it reads: its GET form's fields, or those of the form its view bound to the
    query (under its prefix), and ``page`` where the page is paginated. Found by opening every page, so a new search page or field is fuzzed
    without anyone listing it."""
    pages = {}
    for name in pages_without_arguments():
        response = client.get(reverse(name))
        if response.status_code != 200 or response.context is None:
            continue
        query = response.wsgi_request.GET
        contexts = response.context if isinstance(response.context, list) else [response.context]
        values = [value for context in contexts for value in context.flatten().values()]
        # The page's own GET forms, as a browser sends them, and any form the view bound to
        # the query string (the builder's finder is fetched by htmx, not from a form tag).
        reader = FormReader()
        reader.feed(response.content.decode())
        params = {
            field: None
            for form in reader.forms
            if form["method"] == "get"
            for field in form["fields"]
        } | {
            form.add_prefix(field): None
            for form in values
            if isinstance(form, Form) and form.is_bound and form.data is query
            for field in form.fields
        }
        if params:
            pages[name] = [*params, *(["page"] if "page_obj" in response.context else [])]
    return pages


def test_the_search_pages_and_their_fields_are_found_from_the_pages(client, clinic_world):
    client.force_login(clinic_world["manager"])  # who sees every filter (archived too)

    pages = search_pages(client)

    # The hand-written list this replaces had lost these (issue 14): a sign the finding works.
    assert {"whose", "status", "q", "page"} <= set(pages["patients:patient_list"])
    assert {"equipment", "archived", "muscle_group"} <= set(pages["exercises:exercise_list"])
    assert {"archived", "page"} <= set(pages["exercises:protocol_list"])
    assert {"find-q", "find-equipment"} <= set(pages["patients:programme_exercise_search"])


@FUZZ
@given(data=st.data())
def test_search_and_filter_pages_take_any_query(client, clinic_world, data):
    client.force_login(clinic_world[data.draw(st.sampled_from(["therapist", "manager"]))])
    pages = search_pages(client)
    name = data.draw(st.sampled_from(sorted(pages)))
    query = {param: data.draw(bad_value | poison) for param in pages[name]}
    before = database_state()

    response = client.get(reverse(name), query)

    assert response.status_code in {200, 400, 404}
    assert database_state() == before


# --- The builder's buttons and the admin's actions -----------------------------------------

BUTTON_NAMES = ["add", "easier", "harder", "swap", "remove", "up", "down", "move", "refresh"]


@FUZZ
@given(data=st.data())
def test_builder_buttons_with_any_value_change_nothing_stored(client, clinic_world, data):
    """Every button but Save only rearranges the page; whatever it names (a row key, an
    exercise id, or anything at all) and whatever the rows hold, nothing is stored."""
    client.force_login(clinic_world["therapist"])
    url = reverse("patients:programme_edit", args=[clinic_world["programme"].pk])
    values = dict(form_on(client, url)["fields"])
    keys = [value for name, value in values.items() if name.endswith("-key")]
    exercise = str(clinic_world["exercise"].pk)
    argument = data.draw(st.sampled_from([*keys, exercise, ""]) | bad_value | poison)
    name = data.draw(st.sampled_from(BUTTON_NAMES) | bad_text)
    separator = data.draw(st.sampled_from([":", ":", ""]))
    values["action"] = data.draw(
        st.just(f"{name}{separator}{argument}") | st.just(f"save:{argument}") | poison
    )
    for field in data.draw(st.lists(st.sampled_from(sorted(values)), max_size=4, unique=True)):
        values[field] = data.draw(bad_value | poison)
    before = database_state()

    response = client.post(url, values)

    assert response.status_code == 200
    assert database_state() == before


@pytest.fixture
def their_world(other_clinic):
    """Another clinic's rows of every kind, whose ids an attacker might post."""
    patient = PatientFactory(clinic=other_clinic)
    programme = PrescriptionFactory(patient=patient)
    PrescriptionItemFactory(prescription=programme)
    ProtocolItemFactory(
        protocol__clinic=other_clinic, exercise=ExerciseFactory(clinic=other_clinic)
    )
    create_link(patient, UserFactory(clinic=other_clinic))


def is_a_number(value: str) -> bool:
    try:
        int(value)
    except ValueError:
        return False
    return True


# Ids naming no row the user can see: text, numbers no row has, and (drawn in the test)
# ids of the other clinic's rows.
unseen_id = st.one_of(
    bad_text.filter(lambda value: not is_a_number(value)),
    poison,
    st.integers(min_value=10**7, max_value=10**30).map(str),
    st.integers(max_value=0).map(str),
    st.sampled_from(["1.5", "NaN", "0x10", "1e3", "[1]", "12345678-1234-5678-1234-567812345678"]),
)

ADMIN_ACTIONS = [
    ("therapist", "patients", "prescription"),
    ("therapist", "patients", "patientlink"),
    ("manager", "patients", "patient"),
    ("manager", "exercises", "exercise"),
    ("manager", "exercises", "protocol"),
]


@pytest.mark.parametrize(("role", "app", "model"), ADMIN_ACTIONS)
@FUZZ
@given(data=st.data())
def test_admin_actions_on_ids_the_user_cannot_see_do_nothing(
    client, clinic_world, their_world, role, app, model, data
):
    """Each action on the changelist (read from the page, so a new one is fuzzed too), for
    a selection of ids that name nothing the user can see, answers without a server error
    and changes nothing."""
    user = clinic_world[role]
    client.force_login(user)
    url = reverse(f"admin:{app}_{model}_changelist")
    page = client.get(url)
    actions = [value for value, _ in page.context["action_form"].fields["action"].choices if value]
    assert actions, f"no actions on {url}"
    model_class = apps.get_model(app, model)
    theirs = [str(pk) for pk in model_class.objects.exclude(pk__in=page.context["cl"].queryset)]
    selected = data.draw(
        st.lists(unseen_id | st.sampled_from(theirs or ["0"]), min_size=1, max_size=5)
    )
    posted = {"action": data.draw(st.sampled_from(actions)), "_selected_action": selected}
    if data.draw(st.booleans()):
        posted["post"] = "yes"  # the delete confirmation's answer
    before = database_state()

    response = client.post(url, posted)

    assert response.status_code in {200, 302}
    assert database_state() == before
