"""The note for the chart: a programme in plain text, to paste into the clinic's record
system (issue 20 §5), from "Copy as text" on the programme page or as a .txt download.

    Home exercise programme: Hip strength
    Handout: version 2, issued 3 Nov 2026
    Next review: 15 Dec 2026

    Exercises:
    1. Clamshell
       Do 2 sets of 10 on each side. Once a day, 5 days a week.
       Note: Keep your feet together.

    Precautions:
    - Clamshell: checked for Recent hip replacement by Alex Kim on 3 Nov 2026, 14:05.

The patient's name is not in it: the note goes into that patient's own chart. The
precautions are the therapist's confirmations on the programme's exercises
(patients.cautions), worded as the programme page words them; a caution nobody has
confirmed yet is listed as not checked, so the note never reads as if all were.
"""

import datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext

from exercises.dosing import dose_sentence
from patients.cautions import item_cautions
from patients.models import Prescription

INDENT = "   "


def day_words(day: datetime.date | None) -> str:
    """'3 Nov 2026', as the programme page shows dates."""
    return date_format(day, "SHORT_DATE_FORMAT") if day else gettext("not set")


def chart_note(programme: Prescription) -> str:
    """The programme as plain text: title, latest handout, next review, each exercise with
    its dose and note, and the precautions. Ends with a newline.

    In the language of the staff user who copies it (it goes into their clinic's record),
    doses included."""
    clinic = programme.patient.clinic
    latest = programme.handouts.order_by("-revision").first()
    if latest is None:
        handout = gettext("not issued yet")
    else:
        issued = timezone.localtime(latest.issued_at, clinic.zone).date()
        handout = gettext("version %(version)s, issued %(day)s") % {
            "version": latest.revision,
            "day": day_words(issued),
        }
    lines = [
        gettext("Home exercise programme: %(title)s") % {"title": programme.title},
        gettext("Handout: %(handout)s") % {"handout": handout},
        gettext("Next review: %(day)s") % {"day": day_words(programme.review_date)},
        "",
    ]
    items = list(
        programme.items.select_related("exercise", "confirmed_by", "prescription__patient")
        .prefetch_related("exercise__contraindications")
        .order_by("order")
    )
    if not items:
        lines.append(gettext("Exercises: none yet."))
    else:
        lines.append(gettext("Exercises:"))
    for number, item in enumerate(items, start=1):
        lines.append(f"{number}. {item.exercise.name}")
        dose = dose_sentence(item, get_language())
        if dose:
            lines.append(f"{INDENT}{dose}")
        if item.note:
            lines.append(f"{INDENT}{gettext('Note:')} {' '.join(item.note.split())}")
    precautions = [line for item in items for line in precaution_lines(item, clinic)]
    if precautions:
        lines += ["", gettext("Precautions:"), *precautions]
    return "\n".join(lines) + "\n"


def precaution_lines(item, clinic) -> list[str]:
    """The item's cautions for its patient: who checked each one and when, or that no one
    has yet."""
    lines = []
    for caution in item_cautions(item):
        if caution.confirmed:
            lines.append(f"- {item.exercise.name}: {checked_by(caution.label, item, clinic)}.")
        else:
            lines.append(
                f"- {item.exercise.name}: "
                + gettext("%(condition)s not checked yet.") % {"condition": caution.label}
            )
    return lines


def checked_by(label: str, item, clinic) -> str:
    """'checked for Osteoporosis by Alex Kim on 3 Nov 2026, 14:05', the programme page's
    words (templates/patients/_checked_by.html), in the clinic's time."""
    values = {"label": label, "who": item.confirmed_by}
    if item.confirmed_at is not None:
        when = timezone.localtime(item.confirmed_at, clinic.zone)
        values["when"] = date_format(when, "SHORT_DATETIME_FORMAT")
    if item.confirmed_by is not None and item.confirmed_at is not None:
        return gettext("checked for %(label)s by %(who)s on %(when)s") % values
    if item.confirmed_by is not None:
        return gettext("checked for %(label)s by %(who)s") % values
    if item.confirmed_at is not None:
        return gettext("checked for %(label)s on %(when)s") % values
    return gettext("checked for %(label)s") % values
