"""The "Stop and call us if" box: the red flags on every handout and on the phone page.

Its words are written once, in ``templates/patients/_stop_box.html``, which the handout
and the patient's page both include. This module holds the two things that vary: the
lines a patient's record adds (pregnancy), and the clinic's number as a tap-to-call
link.
"""

import re

from exercises.models import Condition


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
