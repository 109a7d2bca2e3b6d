"""Who may open what: every URL (app, admin, patient links, downloads) against every
kind of visitor, with the status each cell must give, and no cross-clinic leaks.

Visitors: nobody logged in; a therapist and a manager of clinic A; a therapist and
a manager of clinic B; and a patient of clinic A holding their own private link
(who must not reach another patient's records). The records asked for belong to
clinic A's patient Zanzibar, whose details must never appear in a response to
anyone outside clinic A's staff, unless the URL itself carries that patient's
private link token (the token is the credential).

Stored files too: each clinic's exercise pictures, logo and handouts, and a shared
library picture, through their views; and no storage name answers under /media/,
with DEBUG on as `make run` has it.
"""

import datetime
import io
from dataclasses import dataclass

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from PIL import Image

from hipclinic.auth import MANAGER_PERMISSIONS, THERAPIST_PERMISSIONS
from hipclinic.models import (
    AuditAction,
    AuditEvent,
    BackgroundJob,
    Invitation,
    JobKind,
    StaffSession,
)
from hipclinic.staff_sessions import seal
from patients import handouts
from patients.links import create_link, token_for
from patients.models import (
    Alert,
    Measure,
    MeasureSchedule,
    PrescriptionStatus,
    ReminderSubscription,
    SessionLog,
)
from patients.outcomes import load_measures, record_answer
from patients.reminders import confirm_url, unsubscribe_url
from tests.csp import inline_code
from tests.factories import (
    ClinicFactory,
    ExerciseFactory,
    ManagerFactory,
    PatientFactory,
    PrescriptionFactory,
    PrescriptionItemFactory,
    ProtocolFactory,
    ProtocolItemFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

VISITORS = ["anonymous", "patient_link", "therapist_a", "manager_a", "therapist_b", "manager_b"]
OUTSIDERS = {"anonymous", "patient_link", "therapist_b", "manager_b"}
# What only clinic A's staff may read about patient Zanzibar.
SECRETS = ["Zanzibar", "ZZ-7731", "Secret labral tear", "Zanzibar hip plan"]


@dataclass
class World:
    patient: object
    programme: object
    handout: object
    link: object
    token: str
    other_token: str
    own_exercise: object
    shared_exercise: object
    protocol: object
    session_log: object
    therapist_a: object
    manager_a: object
    job: object
    audit_event: object
    clinic_a: object
    clinic_b: object
    b_exercise: object
    b_handout: object
    alert: object
    measure: object
    measure_schedule: object
    measure_answer: object
    invitation: object
    staff_session: object

    def stored_names(self) -> list[str]:
        """Every file the world keeps in storage: pictures, logos and handout PDFs."""
        return [
            self.own_exercise.illustration.name,
            self.shared_exercise.illustration.name,
            self.b_exercise.illustration.name,
            self.clinic_a.logo.name,
            self.clinic_b.logo.name,
            self.handout.pdf.name,
            self.b_handout.pdf.name,
        ]


RENDERED = {}


def issue_quickly(programme, user):
    """Issue a handout with a real snapshot and a PDF rendered once for the module: the
    matrix is about who may fetch it, and rendering ~700 times would take minutes."""
    if "pdf" not in RENDERED:
        RENDERED["pdf"] = handouts.render_handout(programme).pdf
    snapshot = handouts.handout_snapshot(programme, issued_on=timezone.localdate(), revision=1)
    link = handouts.live_link_for(programme.patient, user)
    rendered = handouts.RenderedHandout(pdf=RENDERED["pdf"], page_count=1, snapshot=snapshot)
    return handouts.store_handout(programme, rendered, user, patient_link=link)


def png(colour: str) -> ContentFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(buffer, "PNG")
    return ContentFile(buffer.getvalue())


def with_picture(exercise, name: str, content: ContentFile):
    exercise.illustration.save(name, content, save=True)
    return exercise


@pytest.fixture
def world(db):
    clinic_a, clinic_b = ClinicFactory(name="Clinic A"), ClinicFactory(name="Clinic B")
    clinic_a.logo.save("clinic-a.png", png("red"), save=True)
    clinic_b.logo.save("clinic-b.png", png("blue"), save=True)
    therapist_a = UserFactory(clinic=clinic_a, username="therapist-a")
    manager_a = ManagerFactory(clinic=clinic_a, username="manager-a")
    therapist_b = UserFactory(clinic=clinic_b, username="therapist-b")
    ManagerFactory(clinic=clinic_b, username="manager-b")
    patient = PatientFactory(
        clinic=clinic_a,
        first_name="Ziggy",
        last_name="Zanzibar",
        chart_number="ZZ-7731",
        condition="Secret labral tear",
        email="ziggy@example.com",
    )
    own_exercise = with_picture(
        ExerciseFactory(clinic=clinic_a, name="Clinic A bridge"), "a-bridge.png", png("green")
    )
    b_exercise = with_picture(
        ExerciseFactory(clinic=clinic_b, name="Clinic B bridge"), "b-bridge.png", png("white")
    )
    b_programme = PrescriptionFactory(
        patient=PatientFactory(clinic=clinic_b), therapist=therapist_b, title="B plan"
    )
    PrescriptionItemFactory(prescription=b_programme, exercise=b_exercise)
    programme = PrescriptionFactory(
        patient=patient,
        therapist=therapist_a,
        title="Zanzibar hip plan",
        status=PrescriptionStatus.ACTIVE,
    )
    PrescriptionItemFactory(prescription=programme, exercise=own_exercise)
    handout = issue_quickly(programme, therapist_a)
    link = programme.patient.links.get()
    other_patient = PatientFactory(clinic=clinic_a, first_name="Olive", last_name="Other")
    other_link = create_link(other_patient, therapist_a)
    protocol = ProtocolFactory(clinic=clinic_a, name="Clinic A protocol")
    ProtocolItemFactory(protocol=protocol, exercise=own_exercise)
    session_log = SessionLog.objects.create(patient=patient, date=timezone.localdate(), pain=9)
    load_measures()
    psfs, nprs = Measure.objects.get(slug="psfs"), Measure.objects.get(slug="nprs")
    return World(
        patient=patient,
        programme=programme,
        handout=handout,
        link=link,
        token=token_for(link),
        other_token=token_for(other_link),
        own_exercise=own_exercise,
        shared_exercise=with_picture(
            ExerciseFactory(clinic=None, name="Shared clamshell"),
            "clamshell.svg",
            ContentFile(b'<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>'),
        ),
        protocol=protocol,
        session_log=session_log,
        therapist_a=therapist_a,
        manager_a=manager_a,
        job=BackgroundJob.objects.create(clinic=clinic_a, kind=JobKind.EMAIL_LINK),
        audit_event=AuditEvent.record(
            AuditAction.VIEWED, patient, actor=therapist_a, clinic=clinic_a
        ),
        clinic_a=clinic_a,
        clinic_b=clinic_b,
        b_exercise=b_exercise,
        b_handout=issue_quickly(b_programme, therapist_b),
        alert=Alert.objects.create(
            patient=patient,
            session_log=session_log,
            therapist=therapist_a,
            reason="high_pain",
            pain=9,
        ),
        measure=nprs,
        # Zanzibar's PSFS is due (on their page), and a pain rating was given in the clinic.
        measure_schedule=MeasureSchedule.objects.create(
            prescription=programme, measure=psfs, created_by=therapist_a
        ),
        measure_answer=record_answer(
            patient,
            nprs,
            {"items": {"pain": 6}},
            answered_on=timezone.localdate(),
            entered_by=therapist_a,
        ),
        invitation=Invitation.objects.create(
            clinic=clinic_a,
            email="new@example.com",
            role="therapist",
            invited_by=manager_a,
            token_hash="0" * 64,
            sent_at=timezone.now(),
            expires_at=timezone.now() + datetime.timedelta(days=7),
        ),
        # Therapist A signed in on another browser (the security page's "Sign out").
        staff_session=StaffSession.objects.create(
            user=therapist_a,
            key_hash="1" * 64,
            sealed_key=seal("a" * 32),
            started_at=timezone.now(),
            last_seen_at=timezone.now(),
        ),
    )


def reminder_value(world: World, purpose: str) -> str:
    """The signed value in patient Zanzibar's confirm or unsubscribe link."""
    subscription, _ = ReminderSubscription.objects.get_or_create(
        patient=world.patient, defaults={"email": "ziggy@example.com", "weekdays": [0]}
    )
    url = confirm_url(subscription) if purpose == "confirm" else unsubscribe_url(subscription)
    return url.rstrip("/").rsplit("/", 1)[1]


def visit_as(client, visitor: str, world: World):
    if visitor == "patient_link":
        # A patient who opened their own page: whatever it set in the browser comes along.
        assert client.get(f"/p/{world.other_token}/").status_code == 200
    elif visitor != "anonymous":
        from hipclinic.models import User

        client.force_login(User.objects.get(username=visitor.replace("_", "-")))
    return client


def statuses(anonymous, therapist_a, manager_a, therapist_b, manager_b, patient_link=None):
    return {
        "anonymous": anonymous,
        "patient_link": anonymous if patient_link is None else patient_link,
        "therapist_a": therapist_a,
        "manager_a": manager_a,
        "therapist_b": therapist_b,
        "manager_b": manager_b,
    }


LOGIN = 302  # sent to the login page
# A form sent with no session: the sign-in page that keeps it (hipclinic/unsaved_work.py).
SIGN_IN_AGAIN = 200
EVERYONE = statuses(200, 200, 200, 200, 200)
STAFF = statuses(LOGIN, 200, 200, 200, 200)
CLINIC_A_ONLY = statuses(LOGIN, 200, 200, 404, 404)
CLINIC_B_ONLY = statuses(LOGIN, 404, 404, 200, 200)
CLINIC_A_POST = statuses(SIGN_IN_AGAIN, 302, 302, 404, 404)
MANAGERS = statuses(LOGIN, 403, 200, 403, 200)
MANAGER_A_ONLY = statuses(LOGIN, 403, 200, 403, 404)
MANAGER_A_POST = statuses(SIGN_IN_AGAIN, 403, 302, 403, 404)

# (url name, method, how to build its arguments, expected status per visitor,
#  whether the URL carries patient Zanzibar's own token)
APP_URLS = [
    ("login", "get", lambda w: [], statuses(200, 302, 302, 302, 302, patient_link=200), False),
    ("logout", "post", lambda w: [], statuses(302, 302, 302, 302, 302), False),
    (
        "choose_language",
        "post",
        lambda w: [],
        statuses(200, 302, 302, 302, 302),
        False,
    ),  # 200: "sign in again"
    ("sign_in_again", "post", lambda w: [], statuses(*[400] * 5), False),  # no page to go back to
    # Staff accounts (issue 22): nobody here owes a second step, so it sends them on.
    ("second_step", "get", lambda w: [], statuses(*[302] * 5), False),
    ("two_factor_enrol", "get", lambda w: [], STAFF, False),
    ("sign_in_again_code", "post", lambda w: [], statuses(*[400] * 5), False),
    ("password_reset", "get", lambda w: [], EVERYONE, False),
    # The user's own security page: every staff user has their own; a device or session id
    # names only the user's own (nobody here has a device; only therapist A has a session).
    ("account_security", "get", lambda w: [], STAFF, False),
    ("password_change", "get", lambda w: [], STAFF, False),
    ("two_factor_remove", "get", lambda w: [], statuses(LOGIN, 404, 404, 404, 404), False),
    ("recovery_codes_new", "get", lambda w: [], statuses(LOGIN, 302, 302, 302, 302), False),
    (
        "session_end",
        "post",
        lambda w: [w.staff_session.pk],
        statuses(SIGN_IN_AGAIN, 302, 404, 404, 404),
        False,
    ),
    (
        "sessions_end_others",
        "post",
        lambda w: [],
        statuses(SIGN_IN_AGAIN, 302, 302, 302, 302),
        False,
    ),
    ("invitations", "get", lambda w: [], MANAGERS, False),
    ("invitation_resend", "post", lambda w: [w.invitation.pk], MANAGER_A_POST, False),
    ("invitation_withdraw", "post", lambda w: [w.invitation.pk], MANAGER_A_POST, False),
    ("invitation_accept", "get", lambda w: ["not-a-real-invitation"], statuses(*[404] * 5), False),
    # Passkeys (hipclinic/passkeys.py): nobody here has one, so the page after adding one
    # sends them on, a registration can begin (for oneself only) but not complete without
    # its challenge, and there is no second step to pass with one. Signed out, a post
    # gets the sign-in page (no challenge).
    ("passkey_added", "get", lambda w: [], statuses(LOGIN, 302, 302, 302, 302), False),
    (
        "otp_webauthn:credential-registration-begin",
        "post",
        lambda w: [],
        statuses(SIGN_IN_AGAIN, 200, 200, 200, 200),
        False,
    ),
    (
        "otp_webauthn:credential-registration-complete",
        "post",
        lambda w: [],
        statuses(SIGN_IN_AGAIN, 400, 400, 400, 400),
        False,
    ),
    (
        "otp_webauthn:credential-authentication-begin",
        "post",
        lambda w: [],
        statuses(SIGN_IN_AGAIN, 403, 403, 403, 403),
        False,
    ),
    (
        "otp_webauthn:credential-authentication-complete",
        "post",
        lambda w: [],
        statuses(SIGN_IN_AGAIN, 403, 403, 403, 403),
        False,
    ),
    ("otp_webauthn:js-i18n-catalog", "get", lambda w: [], STAFF, False),
    ("password_reset_done", "get", lambda w: [], EVERYONE, False),
    ("password_reset_confirm", "get", lambda w: ["MQ", "bad-token"], EVERYONE, False),
    ("password_reset_complete", "get", lambda w: [], EVERYONE, False),
    # The JavaScript catalogue: the app's wording only, for every page that loads it.
    ("javascript_catalog", "get", lambda w: [], EVERYONE, False),
    ("healthz", "get", lambda w: [], EVERYONE, False),
    ("ping", "get", lambda w: [], EVERYONE, False),
    ("public:patient_page", "get", lambda w: [w.token], EVERYONE, True),
    ("public:patient_handout", "get", lambda w: [w.token], EVERYONE, True),
    ("public:patient_picture", "get", lambda w: [w.token, w.handout.pk, 1], EVERYONE, True),
    # Another clinic's handout, and another patient's token, give the same 404.
    (
        "public:patient_picture",
        "get",
        lambda w: [w.token, w.b_handout.pk, 1],
        statuses(*[404] * 5),
        True,
    ),
    (
        "public:patient_picture",
        "get",
        lambda w: [w.other_token, w.handout.pk, 1],
        statuses(*[404] * 5),
        False,
    ),
    ("public:patient_page", "get", lambda w: [w.other_token], EVERYONE, False),
    (
        "public:patient_page",
        "get",
        lambda w: ["not-a-real-token-at-all-0000"],
        statuses(*[404] * 5),
        False,
    ),
    ("public:pain_check", "get", lambda w: [w.token], EVERYONE, True),
    ("public:urgent_help", "get", lambda w: [w.token], EVERYONE, True),
    ("public:pain_check", "get", lambda w: [w.other_token], statuses(*[302] * 5), False),
    ("public:measure_questions", "get", lambda w: [w.token], EVERYONE, True),
    # Nothing due for the other patient: back to their page.
    ("public:measure_questions", "get", lambda w: [w.other_token], statuses(*[302] * 5), False),
    ("public:calendar_file", "get", lambda w: [w.token], EVERYONE, True),
    ("public:email_reminders", "get", lambda w: [w.token], EVERYONE, True),
    ("public:stop_reminders", "post", lambda w: [w.token], statuses(*[302] * 5), True),
    # The reminder emails' links: a signed value, no token, so nothing about Zanzibar.
    ("public:reminder_confirm", "get", lambda w: [reminder_value(w, "confirm")], EVERYONE, False),
    ("public:reminder_confirm", "get", lambda w: ["WzEsIngiXQ:bad"], statuses(*[404] * 5), False),
    (
        "public:reminder_unsubscribe",
        "get",
        lambda w: [reminder_value(w, "unsubscribe")],
        EVERYONE,
        False,
    ),
    ("public:reminder_unsubscribe", "post", lambda w: ["MQ:bad"], statuses(*[404] * 5), False),
    ("patients:today", "get", lambda w: [], STAFF, False),
    # Each clinic's own report: clinic B's staff get theirs, without patient Zanzibar.
    ("patients:monitoring_report", "get", lambda w: [], STAFF, False),
    ("patients:monitoring_csv", "get", lambda w: [], STAFF, False),
    ("patients:alert", "get", lambda w: [w.alert.pk], statuses(LOGIN, 302, 302, 404, 404), False),
    ("patients:alert_acknowledge", "post", lambda w: [w.alert.pk], CLINIC_A_POST, False),
    ("patients:patient_list", "get", lambda w: [], STAFF, False),
    ("patients:patient_new", "get", lambda w: [], STAFF, False),
    ("patients:patient_detail", "get", lambda w: [w.patient.pk], CLINIC_A_ONLY, False),
    ("patients:patient_edit", "get", lambda w: [w.patient.pk], CLINIC_A_ONLY, False),
    ("patients:patient_fhir", "get", lambda w: [w.patient.pk], CLINIC_A_ONLY, False),
    ("patients:programme_new", "get", lambda w: [w.patient.pk], CLINIC_A_ONLY, False),
    ("patients:programme_detail", "get", lambda w: [w.programme.pk], CLINIC_A_ONLY, False),
    ("patients:programme_edit", "get", lambda w: [w.programme.pk], CLINIC_A_ONLY, False),
    ("patients:chart_note_download", "get", lambda w: [w.programme.pk], CLINIC_A_ONLY, False),
    ("patients:programme_exercise_search", "get", lambda w: [], STAFF, False),
    ("patients:link_create", "post", lambda w: [w.patient.pk], CLINIC_A_POST, False),
    ("patients:link_email", "post", lambda w: [w.patient.pk], CLINIC_A_POST, False),
    ("patients:link_revoke", "post", lambda w: [w.link.pk], CLINIC_A_POST, False),
    ("patients:link_issue_again", "post", lambda w: [w.patient.pk], CLINIC_A_POST, False),
    ("patients:link_extend", "post", lambda w: [w.link.pk], CLINIC_A_POST, False),
    ("patients:download_handout", "get", lambda w: [w.handout.pk], CLINIC_A_ONLY, False),
    ("patients:download_handout", "get", lambda w: [w.b_handout.pk], CLINIC_B_ONLY, False),
    ("patients:preview_handout", "get", lambda w: [w.programme.pk], CLINIC_A_ONLY, False),
    ("patients:issue_handout", "post", lambda w: [w.programme.pk], CLINIC_A_POST, False),
    # An empty form: refused (400) for clinic A's staff, as if missing (404) for clinic B's.
    (
        "patients:measure_schedule_add",
        "post",
        lambda w: [w.programme.pk],
        statuses(SIGN_IN_AGAIN, 400, 400, 404, 404),
        False,
    ),
    (
        "patients:measure_schedule_remove",
        "post",
        lambda w: [w.measure_schedule.pk],
        CLINIC_A_POST,
        False,
    ),
    (
        "patients:measure_answer_new",
        "get",
        lambda w: [w.patient.pk, w.measure.pk],
        CLINIC_A_ONLY,
        False,
    ),
    (
        "patients:measure_answer_correct",
        "get",
        lambda w: [w.measure_answer.pk],
        CLINIC_A_ONLY,
        False,
    ),
    ("exercises:exercise_list", "get", lambda w: [], STAFF, False),
    ("exercises:exercise_new", "get", lambda w: [], MANAGERS, False),
    ("exercises:exercise_detail", "get", lambda w: [w.own_exercise.pk], CLINIC_A_ONLY, False),
    ("exercises:exercise_detail", "get", lambda w: [w.shared_exercise.pk], STAFF, False),
    ("exercises:exercise_edit", "get", lambda w: [w.own_exercise.pk], MANAGER_A_ONLY, False),
    ("exercises:exercise_picture", "get", lambda w: [w.own_exercise.pk], CLINIC_A_ONLY, False),
    ("exercises:exercise_picture", "get", lambda w: [w.b_exercise.pk], CLINIC_B_ONLY, False),
    ("exercises:exercise_picture", "get", lambda w: [w.shared_exercise.pk], STAFF, False),
    ("clinic_logo", "get", lambda w: [w.clinic_a.pk], CLINIC_A_ONLY, False),
    ("clinic_logo", "get", lambda w: [w.clinic_b.pk], CLINIC_B_ONLY, False),
    ("exercises:exercise_archive", "post", lambda w: [w.own_exercise.pk], MANAGER_A_POST, False),
    ("exercises:protocol_list", "get", lambda w: [], STAFF, False),
    ("exercises:protocol_new", "get", lambda w: [], MANAGERS, False),
    ("exercises:protocol_detail", "get", lambda w: [w.protocol.pk], CLINIC_A_ONLY, False),
    ("exercises:protocol_edit", "get", lambda w: [w.protocol.pk], MANAGER_A_ONLY, False),
    ("exercises:protocol_archive", "post", lambda w: [w.protocol.pk], MANAGER_A_POST, False),
]


# The admin, model by model: which row of clinic A each object page asks for, and how
# much each role may do there (none, view, add = view/add/change, full = also delete).
ADMIN_MODELS = {
    "auth.group": (lambda w: Group.objects.get(name="Therapists"), "none", "none"),
    "axes.accessattempt": (None, "none", "none"),
    "axes.accesslog": (None, "none", "none"),
    "axes.accessfailurelog": (None, "none", "none"),
    "django_tasks_database.dbtaskresult": (None, "none", "none"),
    # django-otp's devices: platform admins only (someone who lost both phone and codes).
    "otp_static.staticdevice": (None, "none", "none"),
    "otp_totp.totpdevice": (None, "none", "none"),
    "django_otp_webauthn.webauthncredential": (None, "none", "none"),
    "hipclinic.clinic": (lambda w: w.patient.clinic, "view", "view"),
    "hipclinic.backgroundjob": (lambda w: w.job, "view", "view"),
    "hipclinic.user": (lambda w: w.therapist_a, "view", "view"),
    "hipclinic.auditevent": (lambda w: w.audit_event, "none", "view"),
    "exercises.muscle": (None, "view", "view"),
    "exercises.equipment": (None, "view", "view"),
    "exercises.exercise": (lambda w: w.own_exercise, "view", "full"),
    "exercises.protocol": (lambda w: w.protocol, "view", "full"),
    "patients.patient": (lambda w: w.patient, "add", "full"),
    "patients.prescription": (lambda w: w.programme, "full", "full"),
    "patients.handout": (lambda w: w.handout, "view", "view"),
    "patients.patientlink": (lambda w: w.link, "view", "view"),
    "patients.sessionlog": (lambda w: w.session_log, "view", "view"),
    "patients.alert": (lambda w: w.alert, "view", "view"),
}
SHARED_ROWS = {"auth.group"}
# Where the admin allows less than the role's permissions: clinics are added by
# platform admins, jobs by the app, handouts by issuing a programme, links on the
# patient's page, and alerts are made by patients' logs and acknowledged in the app.
ADMIN_NARROWER = {
    "hipclinic.clinic",
    "hipclinic.user",  # managers invite colleagues (hipclinic.invitations), not add them
    "hipclinic.backgroundjob",
    "patients.handout",
    "patients.patientlink",
    "patients.alert",
}  # rows that belong to no clinic
ADMIN_PAGES = ["changelist", "add", "change", "delete", "history"]
ALLOWED = {
    "none": set(),
    "view": {"changelist", "change", "history"},
    "add": {"changelist", "add", "change", "history"},
    "full": {"changelist", "add", "change", "delete", "history"},
}


def admin_status(level: str, page: str, same_clinic: bool, clinic_row: bool) -> int:
    if clinic_row and page in {"change", "delete", "history"} and not same_clinic:
        return 404  # another clinic's row: as if it did not exist, whatever the role
    return 200 if page in ALLOWED[level] else 403


def admin_expectations(label: str, page: str):
    get_object, therapist, manager = ADMIN_MODELS[label]
    clinic_row = get_object is not None and label not in SHARED_ROWS
    return statuses(
        LOGIN,
        admin_status(therapist, page, True, clinic_row),
        admin_status(manager, page, True, clinic_row),
        admin_status(therapist, page, False, clinic_row),
        admin_status(manager, page, False, clinic_row),
    )


ADMIN_URLS = [
    (label, page)
    for label in ADMIN_MODELS
    for page in ADMIN_PAGES
    if page in {"changelist", "add"} or ADMIN_MODELS[label][0] is not None
]


def check_no_leak(response, visitor: str, carries_token: bool) -> None:
    if visitor in OUTSIDERS and not carries_token:
        body = response.content.decode(errors="replace") if not response.streaming else ""
        for secret in SECRETS:
            assert secret not in body, f"{visitor} saw {secret!r}"
        assert "Zanzibar" not in response.get("Location", "")


def check_csp(response) -> None:
    if response.get("Content-Type", "").startswith("text/html"):
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
        assert inline_code(response.content.decode()) == [], response.request["PATH_INFO"]


@pytest.mark.parametrize("visitor", VISITORS)
@pytest.mark.parametrize(
    ("name", "method", "arguments", "expected", "carries_token"),
    APP_URLS,
    ids=[f"{row[0]}-{i}" for i, row in enumerate(APP_URLS)],
)
def test_app_url(client, world, visitor, name, method, arguments, expected, carries_token):
    url = reverse(name, args=arguments(world))
    visit_as(client, visitor, world)

    response = getattr(client, method)(url)

    assert response.status_code == expected[visitor], f"{visitor} {method.upper()} {url}"
    if response.status_code == LOGIN and expected[visitor] == LOGIN and visitor in OUTSIDERS:
        assert response["Location"].startswith(("/login/", "/admin/login/", "/")), url
    if (
        method == "post"
        and visitor in {"anonymous", "patient_link"}
        and response.status_code == 200
    ):
        assert "Your session ended" in response.content.decode(), url
    check_no_leak(response, visitor, carries_token)
    check_csp(response)


@pytest.mark.parametrize("visitor", VISITORS)
def test_no_stored_file_answers_under_media_even_with_debug_on(
    client, world, visitor, urls_with_debug_on
):
    """The probe's request: /media/<storage name> of every picture, logo and handout."""
    visit_as(client, visitor, world)

    for name in world.stored_names():
        response = client.get(f"/media/{name}")
        assert response.status_code == 404, f"{visitor} /media/{name}"
        assert not response.content.startswith((b"%PDF", b"\x89PNG", b"<svg")), name
        check_no_leak(response, visitor, carries_token=False)


@pytest.mark.parametrize("visitor", VISITORS)
@pytest.mark.parametrize(
    ("label", "page"), ADMIN_URLS, ids=[f"{label}-{page}" for label, page in ADMIN_URLS]
)
def test_admin_url(client, world, visitor, label, page):
    app_label, model = label.split(".")
    get_object = ADMIN_MODELS[label][0]
    args = [get_object(world).pk] if page in {"change", "delete", "history"} else []
    url = reverse(f"admin:{app_label}_{model}_{page}", args=args)
    visit_as(client, visitor, world)

    response = client.get(url)

    assert response.status_code == admin_expectations(label, page)[visitor], f"{visitor} {url}"
    if visitor in {"anonymous", "patient_link"}:
        assert response["Location"].startswith("/login/?next=/admin/")
    check_no_leak(response, visitor, carries_token=False)
    check_csp(response)


@pytest.mark.parametrize("visitor", VISITORS)
def test_admin_custom_pages(client, world, visitor):
    visit_as(client, visitor, world)
    expected = statuses(LOGIN, 200, 200, 200, 200)

    for url in [
        "/admin/",
        "/admin/patients/",
        reverse("admin:patients_prescription_from_protocol"),
    ]:
        response = client.get(url)
        assert response.status_code == expected[visitor], f"{visitor} {url}"
        check_no_leak(response, visitor, carries_token=False)


def test_the_matrix_covers_every_url_and_every_admin_model():
    """A new URL or admin model fails here until the matrix says who may open it."""
    covered = {row[0] for row in APP_URLS}
    named = set()

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                named.add(f"{namespace}{pattern.name}")

    walk(get_resolver().url_patterns)
    assert named - covered == set()
    assert {model._meta.label_lower for model in admin.site._registry} == set(ADMIN_MODELS)


def test_the_role_levels_in_the_matrix_follow_the_role_permissions():
    # The admin expectations above are written by hand; they must agree with the roles.
    for label, (_, therapist, manager) in ADMIN_MODELS.items():
        app_label, model = label.split(".")
        for level, perms in ((therapist, THERAPIST_PERMISSIONS), (manager, MANAGER_PERMISSIONS)):
            can = {a for a in ("view", "add", "delete") if f"{app_label}.{a}_{model}" in perms}
            assert ("view" in can) == (level != "none"), label
            if label not in ADMIN_NARROWER:
                assert ("add" in can) == (level in {"add", "full"}), label
                assert ("delete" in can) == (level == "full"), label
