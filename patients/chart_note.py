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

from django.utils import dateformat, timezone

from exercises.dosing import dose_sentence
from patients.cautions import item_cautions
from patients.models import Prescription

INDENT = "   "


def day_words(day: datetime.date | None, missing: str = "not set") -> str:
    """'3 Nov 2026', as the programme page shows dates."""
    return dateformat.format(day, "j M Y") if day else missing


def chart_note(programme: Prescription) -> str:
    """The programme as plain text: title, latest handout, next review, each exercise with
    its dose and note, and the precautions. Ends with a newline."""
    clinic = programme.patient.clinic
    latest = programme.handouts.order_by("-revision").first()
    if latest is None:
        handout = "not issued yet"
    else:
        issued = timezone.localtime(latest.issued_at, clinic.zone).date()
        handout = f"version {latest.revision}, issued {day_words(issued)}"
    lines = [
        f"Home exercise programme: {programme.title}",
        f"Handout: {handout}",
        f"Next review: {day_words(programme.review_date)}",
        "",
    ]
    items = list(
        programme.items.select_related("exercise", "confirmed_by", "prescription__patient")
        .prefetch_related("exercise__contraindications")
        .order_by("order")
    )
    if not items:
        lines.append("Exercises: none yet.")
    else:
        lines.append("Exercises:")
    for number, item in enumerate(items, start=1):
        lines.append(f"{number}. {item.exercise.name}")
        dose = dose_sentence(item)
        if dose:
            lines.append(f"{INDENT}{dose}")
        if item.note:
            lines.append(f"{INDENT}Note: {' '.join(item.note.split())}")
    precautions = [line for item in items for line in precaution_lines(item, clinic)]
    if precautions:
        lines += ["", "Precautions:", *precautions]
    return "\n".join(lines) + "\n"


def precaution_lines(item, clinic) -> list[str]:
    """The item's cautions for its patient: who checked each one and when, or that no one
    has yet."""
    lines = []
    for caution in item_cautions(item):
        if caution.confirmed:
            lines.append(f"- {item.exercise.name}: {checked_by(caution.label, item, clinic)}.")
        else:
            lines.append(f"- {item.exercise.name}: {caution.label} not checked yet.")
    return lines


def checked_by(label: str, item, clinic) -> str:
    """'checked for Osteoporosis by Alex Kim on 3 Nov 2026, 14:05', the programme page's
    words (templates/patients/_checked_by.html), in the clinic's time."""
    words = f"checked for {label}"
    if item.confirmed_by is not None:
        words += f" by {item.confirmed_by}"
    if item.confirmed_at is not None:
        when = timezone.localtime(item.confirmed_at, clinic.zone)
        words += f" on {dateformat.format(when, 'j M Y, H:i')}"
    return words
