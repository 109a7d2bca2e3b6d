"""The "Stop and call us if" box: the red flags on every handout and on the phone page.

Its words are written once, in ``templates/patients/_stop_box.html``, which the handout
and the patient's page both include, except the urgent signs: those are listed here,
each as the box states it and as the phone page's checklist asks it after a high pain
score (patients.alerts), so the two never drift. This module also holds what varies:
the lines a patient's record adds (pregnancy), and the clinic's number as a tap-to-call
link.

The words are translated (gettext), each sign and question whole; the patient's
language is active wherever the box is shown (the handout renders in its own).
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from exercises.models import Condition


@dataclass(frozen=True)
class UrgentSign:
    """A sign that needs urgent medical help (CLINICAL.md section 2)."""

    key: str
    sign: str  # a line of the box's "Get urgent medical help now" list
    question: str  # the same sign as the checklist asks it
    only_if: str = ""  # a key of stop_box_lines(): shown only to those patients


URGENT_SIGNS = (
    UrgentSign(
        "numbness",
        _(
            "numbness around your bottom, between your legs or in your genitals, or less "
            "feeling during sex"
        ),
        _(
            "Is the skin around your bottom, between your legs or on your genitals numb? Or do "
            "you feel less during sex?"
        ),
    ),
    UrgentSign(
        "bladder_bowel",
        _("trouble starting to pass urine, or you lose control of your bladder or bowels"),
        _(
            "Is it hard to start to pass urine (pee)? Or have you lost control of your bladder "
            "or bowels?"
        ),
    ),
    UrgentSign(
        "weakness",
        _("weakness getting worse in your legs, or a foot that drags or slaps when you walk"),
        _("Is the weakness in your legs getting worse, or does a foot drag or slap when you walk?"),
    ),
    UrgentSign(
        "both_legs",
        _("these symptoms in both legs"),
        _("Do you have pain, numbness, tingling or weakness in both legs?"),
    ),
    UrgentSign(
        "pregnancy",
        _("bleeding, fluid leaking or regular cramps while you are pregnant"),
        _("Are you bleeding or leaking fluid, or do you have cramps that keep coming back?"),
        only_if="pregnancy",
    ),
)


def urgent_signs(stop_box: dict) -> list[UrgentSign]:
    """The urgent signs a patient with this box (``stop_box_lines``) is shown and asked."""
    return [sign for sign in URGENT_SIGNS if not sign.only_if or stop_box.get(sign.only_if)]


def stop_box_lines(conditions: list[str]) -> dict[str, bool]:
    """Which of the box's optional lines a patient with ``conditions`` is shown.

    A handout keeps this answer in its snapshot, so it prints the box it was issued
    with even after the patient's record changes.
    """
    return {"pregnancy": Condition.PREGNANCY in conditions}


def tel_href(phone: str) -> str:
    """``phone`` as a ``tel:`` link: its digits, with a leading + when it has one.

    Spaces, dots, dashes and brackets go; an international number's "(0)" (written
    "+44 (0)20 ...") goes too, because it is dialled only from inside the country.
    Words before the number ("Tel: ") and after it ("ext. 2") are left out.
    "" when there is no number to call.
    """
    number = re.search(r"\+?[\d(][\d\s().\-/]*", phone or "")
    if number is None:
        return ""
    number = number.group()
    international = number.startswith("+")
    if international:
        number = number.replace("(0)", "")
    digits = re.sub(r"\D", "", number)
    if not digits:
        return ""
    return f"tel:{'+' if international else ''}{digits}"
