"""Printable handouts: what a patient takes home, rendered by WeasyPrint.

A handout is drawn from a *snapshot*: plain data (names, steps, dose sentences)
read from the database in a fixed number of queries. The snapshot is stored with
every issued revision, so what the patient was given can always be told, and the
same templates render a preview of a draft and an issued handout.

WeasyPrint fetches the stylesheet, fonts and images only through
``patients.handout_fetcher.HandoutFetcher``, which serves our static files and media
files by path and refuses everything else.

A handout prints in one language: the patient's (Patient.language) unless the therapist
chooses another when previewing or issuing. The snapshot keeps it ("language"; one
without it is English) with the exercises' words in it (exercises.patient_text), and
the handout is rendered inside ``translation.override`` of it, so its fixed text, dose
sentences and dates are in that language and an issued version always prints the same.
"""

import datetime
import hashlib
import math
import re
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass

import segno
import weasyprint
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max, OuterRef, QuerySet, Subquery
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.text import get_text_list
from django.utils.translation import gettext, pgettext
from weasyprint.text.fonts import FontConfiguration

from exercises.dosing import dose_sentence
from exercises.models import is_stop_rule
from exercises.patient_text import (
    ORIGINAL_LANGUAGE,
    patient_text,
    translation_prefetch,
    untranslated,
)
from hipclinic.models import AuditAction, AuditEvent, Clinic, PaperSize
from patients.cautions import waiting_for_a_check
from patients.handout_fetcher import BASE_URL, HandoutFetcher, media_url, static_url
from patients.links import link_url, live_link_for
from patients.models import Handout, Layout, PatientLink, Prescription, PrescriptionStatus
from patients.stop_box import stop_box_lines, tel_href

STYLESHEET = "handouts/handout.css"

# The log grid covers the weeks until the review date: at least two, and no more
# than twelve (a programme reviewed after a quarter gets a fresh handout by then).
MIN_LOG_WEEKS = 2
MAX_LOG_WEEKS = 12

# How the exercises are printed: every step of each ("full"), one line and a thumbnail
# each for a patient who knows the moves ("summary"), or the summary then every step
# ("summary_full"). Handouts issued before layouts existed have no "layout": full.
LAYOUTS = tuple(Layout.values)
DEFAULT_LAYOUT = Layout.FULL.value

# The languages a handout prints in; handouts issued before languages existed: English.
LANGUAGES = dict(settings.LANGUAGES)


class CannotIssue(Exception):
    """A programme that cannot be issued yet; the message says why, in plain words."""


@dataclass(frozen=True)
class RenderedHandout:
    pdf: bytes
    page_count: int
    snapshot: dict


# ---------------------------------------------------------------------------
# The snapshot: everything a handout prints, as plain data.


def initials(first_name: str, last_name: str) -> str:
    return "".join(name[:1].upper() for name in (first_name, last_name) if name)


def log_weeks(issued_on: datetime.date, review_date: datetime.date | None) -> int:
    if review_date is None:
        return MIN_LOG_WEEKS
    weeks = math.ceil((review_date - issued_on).days / 7)
    return max(MIN_LOG_WEEKS, min(MAX_LOG_WEEKS, weeks))


def handout_snapshot(
    prescription: Prescription,
    *,
    issued_on: datetime.date,
    revision: int | None = None,
    layout: str = DEFAULT_LAYOUT,
    large_print: bool | None = None,
    paper_size: str | None = None,
    language: str | None = None,
) -> dict:
    """What a handout of ``prescription`` prints, read in two queries whatever its length
    (three in a language other than English: the exercises' translations).

    ``layout``, ``large_print``, ``paper_size`` and ``language`` are the therapist's
    choice for this handout; None for any of the last three means the patient's (or
    clinic's) default. They are kept in the snapshot, so an issued version prints the
    same ever after.
    """
    if layout not in LAYOUTS:
        raise ValueError(f"Unknown handout layout: {layout!r}")
    if language is not None and language not in LANGUAGES:
        raise ValueError(f"Unknown handout language: {language!r}")
    prescription = Prescription.objects.select_related("patient__clinic", "therapist").get(
        pk=prescription.pk
    )
    patient, clinic = prescription.patient, prescription.patient.clinic
    language = language or patient.language
    items = prescription.items.select_related("exercise").order_by("order", "pk")
    if language != ORIGINAL_LANGUAGE:
        items = items.prefetch_related(translation_prefetch(language, through="exercise__"))
    return {
        "revision": revision,
        "issued_on": issued_on.isoformat(),
        "title": prescription.title,
        "instructions": prescription.instructions,
        "start_date": iso(prescription.start_date),
        "review_date": iso(prescription.review_date),
        "layout": layout,
        "language": language,
        "paper_size": paper_size or patient.handout_paper_size,
        "large_print": patient.large_print if large_print is None else large_print,
        "clinic": clinic.handout_heading(),
        "patient": {
            "name": patient.full_name,
            "initials": initials(patient.first_name, patient.last_name),
            "date_of_birth": iso(patient.date_of_birth),
        },
        "therapist": prescription.therapist.name_for_handout or prescription.therapist.username,
        "exercises": [exercise_snapshot(item, language) for item in items],
        "stop_box": stop_box_lines(patient.conditions),
    }


def exercise_snapshot(item, language: str) -> dict:
    """One programme row as the handout prints it in ``language``: the exercise's words
    in that language, or in English (``in_english``) when it has no translation."""
    text = patient_text(item.exercise, language)
    return {
        "name": text.name,
        "purpose": text.purpose,
        "steps": text.steps,
        "dose": dose_sentence(item, language),
        "note": item.note,
        "tips": text.tips,
        "precautions": text.precautions,
        "stop_rules": text.stop_rules,
        "in_english": text.language != language,
        "illustration": item.exercise.illustration.name or "",
    }


def printed_in_english(prescription: Prescription, language: str) -> list[str]:
    """The names of the programme's exercises that a handout in ``language`` would print
    in English, having no translation into it: the preview and issue box warns of them."""
    if language == ORIGINAL_LANGUAGE:
        return []
    items = prescription.items.select_related("exercise").order_by("order", "pk")
    items = items.prefetch_related(translation_prefetch(language, through="exercise__"))
    return untranslated([item.exercise for item in items], language)


def handout_language(snapshot: dict) -> str:
    """The language ``snapshot`` prints in; those from before languages are English."""
    return snapshot.get("language", ORIGINAL_LANGUAGE)


def iso(value: datetime.date | None) -> str:
    return value.isoformat() if value else ""


def handout_context(snapshot: dict) -> dict:
    """Template context for ``snapshot``: dates as dates, URLs for images, the log weeks.

    Call it in the handout's language (``render_html`` does): the shared cautions'
    labels and the page numbers are worded here."""
    issued_on = datetime.date.fromisoformat(snapshot["issued_on"])
    review_date = date_or_none(snapshot["review_date"])
    # Large print keeps every caution with its exercise: one exercise a page leaves room.
    shared = {} if snapshot["large_print"] else shared_cautions(snapshot["exercises"])
    exercises = [
        {
            **exercise,
            "illustration_url": media_url(exercise["illustration"]),
            "own_precautions": [line for line in exercise["precautions"] if line not in shared],
            "shares_cautions": any(line in shared for line in exercise["precautions"]),
        }
        for exercise in snapshot["exercises"]
    ]
    weeks = [
        [issued_on + datetime.timedelta(days=7 * week + day) for day in range(7)]
        for week in range(log_weeks(issued_on, review_date))
    ]
    return {
        "handout": snapshot,
        "language": handout_language(snapshot),
        # The handout's dates ("23 November 2026", "23 de noviembre de 2026").
        "date_format": pgettext("handout date, a Django date format", "j F Y"),
        "log_day_format": pgettext("handout log day, a Django date format", "j M"),
        "page_numbers": page_numbers_css(),
        "layout": snapshot.get("layout", DEFAULT_LAYOUT),
        "large_print": snapshot["large_print"],
        "clinic": snapshot["clinic"],
        "patient": snapshot["patient"],
        "exercises": exercises,
        "issued_on": issued_on,
        "review_date": review_date,
        "start_date": date_or_none(snapshot["start_date"]),
        "date_of_birth": date_or_none(snapshot["patient"]["date_of_birth"]),
        "logo_url": media_url(snapshot["clinic"]["logo"]),
        "clinic_tel": tel_href(snapshot["clinic"]["phone"]),
        # Handouts issued before the box had optional lines have no "stop_box".
        "stop_box": snapshot.get("stop_box", {}),
        "shared_cautions": [
            {"caution": caution, "exercises": exercises_named(numbers)}
            for caution, numbers in shared.items()
        ],
        "address_line": ", ".join(
            line.strip() for line in snapshot["clinic"]["address"].splitlines() if line.strip()
        ),
        "stylesheet_url": static_url(STYLESHEET),
        "page_size": "letter" if snapshot["paper_size"] == PaperSize.LETTER else "A4",
        "log_weeks": weeks,
    }


def shared_cautions(exercises: list[dict]) -> dict[str, list[int]]:
    """The "take care" lines that two or more of ``exercises`` print word for word, each
    with the numbers of the exercises that carry it, in the order they first come.

    The standard sheet prints these once, before the exercises, naming the exercises
    (a library exercise's surgeon, pregnancy and getting-down-to-the-floor lines repeat
    across a programme). Each exercise keeps the lines that are its own, and always its
    stop rule, needed where the exercise is done; its "take care" heading points to the
    shared list.
    """
    numbers: dict[str, list[int]] = {}
    for number, exercise in enumerate(exercises, start=1):
        for line in exercise["precautions"]:
            if not stop_rule(line, exercise):
                numbers.setdefault(line, []).append(number)
    return {line: found for line, found in numbers.items() if len(found) > 1}


def stop_rule(line: str, exercise: dict) -> bool:
    """Whether ``line`` is the exercise's stop rule: as the snapshot records it (in any
    language), or for a snapshot from before languages, an English "Stop if" line."""
    if "stop_rules" in exercise:
        return line in exercise["stop_rules"]
    return is_stop_rule(line)


def exercises_named(numbers: list[int]) -> str:
    """ "Exercises 1, 3 and 6" for [1, 3, 6], in the active language."""
    listed = get_text_list(
        [str(number) for number in numbers], pgettext("the last joining word of a list", "and")
    )
    return gettext("Exercises %(numbers)s") % {"numbers": listed}


def page_numbers_css() -> str:
    """The CSS ``content`` of the page's number, in the active language:
    ``"Page " counter(page) " of " counter(pages)``. WeasyPrint counts the pages, so the
    words around the counters are CSS strings."""
    words = gettext("Page %(page)s of %(pages)s")
    parts = re.split(r"(%\(pages?\)s)", words)
    counters = {"%(page)s": "counter(page)", "%(pages)s": "counter(pages)"}
    return mark_safe(  # CSS of our own making: the words are quoted and escaped
        " ".join(counters.get(part) or css_string(part) for part in parts if part)
    )


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string that cannot end the <style> element."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ")
    return f'"{escaped}"'


def date_or_none(value: str) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


# ---------------------------------------------------------------------------
# Rendering.

# One font configuration per thread: WeasyPrint then loads the handout's
# @font-face files once instead of on every render.
_fonts = threading.local()


def font_config() -> FontConfiguration:
    if not hasattr(_fonts, "config"):
        _fonts.config = FontConfiguration()
    return _fonts.config


def qr_svg(url: str) -> str:
    """A QR code of ``url`` as inline SVG markup (segno), sized by the handout's CSS."""
    return segno.make(url, error="m").svg_inline(
        omitsize=True, border=2, svgclass="qr-code", lineclass=None
    )


def render_html(snapshot: dict, patient_url: str = "") -> str:
    """The handout's HTML in its language; with ``patient_url``, it carries a QR code to
    the patient's page."""
    with translation.override(handout_language(snapshot)):
        context = handout_context(snapshot)
        if patient_url:
            context["qr_svg"] = mark_safe(qr_svg(patient_url))  # segno's markup, no user text
        return render_to_string("handouts/programme.html", context)


def render_pdf(html: str, fetcher: HandoutFetcher | None = None) -> tuple[bytes, int]:
    """PDF bytes and page count for handout HTML, fetching only through HandoutFetcher."""
    document = weasyprint.HTML(
        string=html, base_url=BASE_URL, url_fetcher=fetcher or HandoutFetcher()
    ).render(font_config=font_config())
    # Tagged for screen readers: about a tenth more render time (make bench prints it).
    return document.write_pdf(pdf_tags=True), len(document.pages)


def render_handout(
    prescription: Prescription,
    *,
    issued_on: datetime.date | None = None,
    revision: int | None = None,
    fetcher: HandoutFetcher | None = None,
    patient_url: str = "",
    layout: str = DEFAULT_LAYOUT,
    large_print: bool | None = None,
    paper_size: str | None = None,
    language: str | None = None,
) -> RenderedHandout:
    """Render ``prescription`` as it stands now (a preview, or the content of an issue).

    ``patient_url`` is the patient's private link, printed as a QR code; it goes into
    the PDF only, never into the snapshot kept in the database. ``layout``,
    ``large_print``, ``paper_size`` and ``language`` are as for ``handout_snapshot``.
    """
    issued_on = issued_on or timezone.localdate()
    snapshot = handout_snapshot(
        prescription,
        issued_on=issued_on,
        revision=revision,
        layout=layout,
        large_print=large_print,
        paper_size=paper_size,
        language=language,
    )
    pdf, page_count = render_pdf(render_html(snapshot, patient_url), fetcher)
    return RenderedHandout(pdf=pdf, page_count=page_count, snapshot=snapshot)


# ---------------------------------------------------------------------------
# Issuing and downloading.


# Renders may repeat when someone issues or edits the programme during one; a programme
# that changes this often while it is being issued is refused with a plain message.
RENDER_ATTEMPTS = 3


def issue_handout(
    prescription: Prescription,
    user,
    *,
    ip: str | None = None,
    layout: str = DEFAULT_LAYOUT,
    paper_size: str | None = None,
    large_print: bool | None = None,
    language: str | None = None,
) -> Handout:
    """Render ``prescription`` as it stands and store it as its next immutable handout
    version, in ``layout`` on ``paper_size`` in ``language`` (None: the patient's and
    clinic's defaults).

    Two therapists issuing at once get versions N and N+1, never the same number
    (see ``render_and_store``). The handout's QR code opens the patient's newest
    live link; a patient without one gets a new link.
    """
    issued_on = timezone.localdate()

    def programme_as_it_stands() -> dict:
        snapshot = handout_snapshot(
            prescription,
            issued_on=issued_on,
            revision=next_revision(prescription),
            layout=layout,
            paper_size=paper_size,
            large_print=large_print,
            language=language,
        )
        if not snapshot["exercises"]:
            raise CannotIssue(gettext("Add at least one exercise before issuing a handout."))
        unchecked = waiting_for_a_check(prescription)
        if unchecked:
            raise CannotIssue(
                gettext(
                    "Not issued: %(exercises)s needs your check for this patient's "
                    "conditions. Confirm it in the builder (or remove it), then issue."
                )
                % {"exercises": ", ".join(unchecked)}
            )
        return snapshot

    return render_and_store(prescription, programme_as_it_stands, user, ip=ip)


def current_programmes(clinic: Clinic) -> QuerySet[Prescription]:
    """The programmes a branding change issues again: active, for an active patient, and
    issued at least once (``rebrand_handout`` then skips those already in the branding)."""
    return (
        Prescription.objects.for_clinic(clinic)
        .filter(status=PrescriptionStatus.ACTIVE, patient__is_active=True, handouts__isnull=False)
        .distinct()
    )


def handouts_to_rebrand(clinic: Clinic) -> int:
    """How many handouts a branding change to ``clinic`` (unsaved, holding the new values)
    would issue again: those of ``current_programmes`` whose latest handout prints another
    heading, as ``rebrand_handout`` decides."""
    heading = clinic.handout_heading()
    latest = Handout.objects.filter(prescription=OuterRef("prescription")).order_by("-revision")
    printed = Handout.objects.filter(
        prescription__in=current_programmes(clinic), pk=Subquery(latest.values("pk")[:1])
    ).values_list("snapshot__clinic", flat=True)
    return sum(1 for printed_heading in printed if printed_heading != heading)


def rebrand_handout(prescription: Prescription, user) -> Handout | None:
    """Issue the latest handout again with the clinic's current details and logo.

    The exercises, doses and dates are the latest issued revision's, not the
    programme's draft: a branding change never publishes unreviewed edits. Returns
    None when there is nothing to redo (never issued, or already in this branding).
    """

    def latest_in_current_branding() -> dict | None:
        latest = prescription.handouts.order_by("-revision").first()
        heading = Clinic.objects.get(pk=prescription.patient.clinic_id).handout_heading()
        if latest is None or latest.snapshot.get("clinic") == heading:
            return None
        return {**latest.snapshot, "revision": latest.revision + 1, "clinic": heading}

    return render_and_store(prescription, latest_in_current_branding, user)


def render_and_store(
    prescription: Prescription, content: Callable[[], dict | None], user, *, ip: str | None = None
) -> Handout | None:
    """Render the handout ``content()`` describes, then store it if that is still current.

    ``content`` returns the snapshot a new revision should hold, or None when there
    is nothing to issue. The render (hundreds of milliseconds) runs outside any
    transaction, so it never holds a lock, and on SQLite never holds the database's
    single write lock. Storing is one short transaction (``store_handout``) that asks
    ``content`` again under the programme's lock: when someone issued, edited or
    rebranded meanwhile, the answer differs and the handout is rendered again; so it is
    when the link in its QR code was revoked meanwhile (the next render prints the
    patient's newest live link).
    """
    for _attempt in range(RENDER_ATTEMPTS):
        snapshot = content()
        if snapshot is None:
            return None
        link = live_link_for(prescription.patient, user)
        pdf, page_count = render_pdf(render_html(snapshot, link_url(link)))
        rendered = RenderedHandout(pdf=pdf, page_count=page_count, snapshot=snapshot)
        handout = store_handout(
            prescription, rendered, user, ip=ip, current=content, patient_link=link
        )
        if handout is not None:
            return handout
    raise CannotIssue(
        gettext(
            "The programme kept changing while its handout was being made, so nothing was "
            "issued. Issue it again."
        )
    )


def next_revision(prescription: Prescription) -> int:
    return (prescription.handouts.aggregate(latest=Max("revision"))["latest"] or 0) + 1


def store_handout(
    prescription: Prescription,
    rendered: RenderedHandout,
    user,
    *,
    ip: str | None = None,
    current: Callable[[], dict | None] | None = None,
    patient_link: PatientLink | None = None,
) -> Handout | None:
    """Store a rendered handout as the revision its snapshot names: its PDF, its row and
    an audit event, in one short transaction that locks the programme first.

    ``current``, when given, is asked under that lock for the snapshot that should be
    issued now; if it no longer equals the rendered one, nothing is stored and the
    answer is None. ``patient_link`` is the link the PDF's QR code opens, recorded on the
    row so staff can tell which printed handouts a revocation stops; if it no longer
    opens by then, nothing is stored either (None). If anything fails once the PDF is written (the row, the audit
    event, the commit), the PDF is deleted again: storage keeps no file without its
    row. Call it outside any transaction, or an outer rollback could still leave one.
    """
    revision = rendered.snapshot["revision"]
    handout = Handout(
        prescription=prescription,
        revision=revision,
        sha256=hashlib.sha256(rendered.pdf).hexdigest(),
        page_count=rendered.page_count,
        snapshot=rendered.snapshot,
        issued_by=user,
        patient_link=patient_link,
    )
    try:
        with transaction.atomic():
            status = (
                Prescription.objects.select_for_update()
                .values_list("status", flat=True)
                .get(pk=prescription.pk)
            )
            if current is not None and current() != rendered.snapshot:
                return None
            if patient_link is not None and not still_opens(patient_link):
                return None
            name = handout_storage_name(prescription, revision)
            handout.pdf.save(name, ContentFile(rendered.pdf), save=False)
            handout.save()
            AuditEvent.record(
                AuditAction.ISSUED, handout, actor=user, clinic=prescription.patient.clinic, ip=ip
            )
            if status == PrescriptionStatus.DRAFT:
                in_use(prescription)
    except BaseException:
        if handout.pdf.name:
            handout.pdf.delete(save=False)
        raise
    return handout


def in_use(prescription: Prescription) -> None:
    """A draft whose handout is issued is in the patient's hands: it becomes Active, so its
    measures are asked, it counts in the monitoring report and the FHIR care plans, and
    its handout is re-issued after a branding change, as every programme a patient has.

    Called under the programme's lock, for a programme the lock found a draft (an
    Active one needs nothing, an Ended one stays ended); the revision goes up, so a
    builder opened on the draft is told to reload rather than saving "Draft" back over
    it. The row is read again (not taken from ``prescription``) so the history records
    the programme as stored, whatever the caller's copy holds."""
    stored = Prescription.objects.get(pk=prescription.pk)
    stored.status = PrescriptionStatus.ACTIVE
    stored.revision += 1
    stored.save(update_fields=["status", "revision", "updated_at"])
    prescription.status, prescription.revision = stored.status, stored.revision


def still_opens(link: PatientLink) -> bool:
    return PatientLink.objects.live().filter(pk=link.pk).exists()


def handout_storage_name(prescription: Prescription, revision: int) -> str:
    """Where an issued handout's PDF is stored: ids and a random part, e.g.
    ``3/41-r2-<32 hex>.pdf``. No name or condition is in it, and knowing one handout's
    name (from a storage log, say) does not lead to another's."""
    random_part = secrets.token_hex(16)
    return f"{prescription.patient.clinic_id}/{prescription.pk}-r{revision}-{random_part}.pdf"


def handout_filename(handout: Handout) -> str:
    """A readable download name with the patient's initials only, e.g. 'northside-home-programme-JO-version-2-2026-11-23.pdf'."""
    snapshot = handout.snapshot or {}
    clinic = re.sub(r"[^a-z0-9]+", "-", snapshot.get("clinic", {}).get("name", "").lower())
    patient_initials = re.sub(r"[^A-Z]", "", snapshot.get("patient", {}).get("initials", ""))
    parts = [
        clinic.strip("-")[:40] or "handout",
        "home-programme",
        patient_initials,
        f"version-{handout.revision}",
        handout.issued_at.date().isoformat(),
    ]
    return "-".join(part for part in parts if part) + ".pdf"
