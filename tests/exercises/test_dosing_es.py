"""The dose in plain Spanish: the English table (test_dosing.py) row by row, in Spanish
grammar, and every dose a therapist can save read through in Spanish."""

import re

import pytest

from exercises.dosing import dose_sentence
from patients.models import PrescriptionItem
from tests.exercises.test_dosing import dose, every_dose

# The rows of CLINICAL.md section 1, as the Spanish handout prints them.
CLINICAL_TABLE = [
    (
        {"hold": 30, "sets": 3, "side": "each"},
        "Mantenga la posición durante 30 segundos. Hágalo 3 veces de cada lado.",
    ),
    (
        {"hold": 30, "side": "each"},
        "Mantenga la posición durante 30 segundos de cada lado.",
    ),
    (
        {"hold": 5, "hold_unit": "breaths"},
        "Mantenga la posición durante 5 respiraciones lentas.",
    ),
    (
        {"hold": 1, "hold_max": 3, "reps": 10, "side": "each"},
        "Mantenga la posición de 1 a 3 segundos cada vez. Hágalo 10 veces de cada lado.",
    ),
    ({"reps": 10, "sets": 3, "side": "both"}, "Haga 3 tandas de 10 veces."),
    ({"reps": 10, "sets": 1, "side": "each"}, "Hágalo 10 veces de cada lado."),
    ({"reps": 10, "sets": 2, "side": "each"}, "Haga 2 tandas de 10 veces de cada lado."),
    ({"reps": 10}, "Hágalo 10 veces."),
    (
        {"hold": 5, "reps": 10, "sets": 3},
        "Mantenga la posición durante 5 segundos cada vez. Haga 3 tandas de 10 veces.",
    ),
    (
        {"reps": 10, "side": "alternating"},
        "Hágalo 10 veces en total, cambiando de lado cada vez.",
    ),
    ({"reps": 10, "build_up_to": 15}, "Empiece con 10 veces; aumente poco a poco hasta 15."),
    (
        {"reps": 10, "sets": 2, "rest_seconds": 30},
        "Haga 2 tandas de 10 veces. Descanse 30 segundos entre tandas.",
    ),
    (
        {"hold": 10, "reps": 5, "rest_seconds": 30},
        "Mantenga la posición durante 10 segundos cada vez. Hágalo 5 veces. "
        "Descanse 30 segundos antes de cada una.",
    ),
    ({"times_per_day": 1}, "Una vez al día, todos los días."),
    ({"times_per_day": 2, "days_per_week": 5}, "Dos veces al día, 5 días a la semana."),
    ({"days_per_week": 1}, "Una vez a la semana."),
    ({"times_per_day": 1, "days_per_week": 1}, "Una vez a la semana."),
    ({"days_per_week": 7}, "Hágalo todos los días."),
    ({"times_per_day": 2, "days_per_week": 7}, "Dos veces al día, todos los días."),
    ({"times_per_day": 3, "days_per_week": 3}, "3 veces al día, 3 días a la semana."),
    ({"load": "una banda elástica suave"}, "Use una banda elástica suave."),
    (
        {"walk_minutes": 10, "build_up_to": 30},
        "Camine 10 minutos; aumente poco a poco hasta 30 minutos.",
    ),
]


@pytest.mark.parametrize(("values", "expected"), CLINICAL_TABLE, ids=str)
def test_each_shape_in_the_clinical_table_reads_as_specified_in_spanish(values, expected):
    assert dose_sentence(dose(**values), "es") == expected


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({}, ""),
        ({"hold": 1}, "Mantenga la posición durante 1 segundo."),
        ({"hold": 60}, "Mantenga la posición durante 1 minuto."),
        ({"hold": 90}, "Mantenga la posición durante 1 minuto y 30 segundos."),
        ({"hold": 30, "hold_max": 60}, "Mantenga la posición de 30 a 60 segundos."),
        ({"hold": 60, "hold_max": 120}, "Mantenga la posición de 1 a 2 minutos."),
        (
            {"hold": 1, "hold_unit": "breaths"},
            "Mantenga la posición durante 1 respiración lenta.",
        ),
        (
            {"hold": 5, "hold_max": 10, "hold_unit": "breaths"},
            "Mantenga la posición de 5 a 10 respiraciones lentas.",
        ),
        ({"hold": 5, "hold_unit": "minutes"}, "Mantenga la posición durante 5 minutos."),
        ({"hold": 1, "hold_unit": "minutes"}, "Mantenga la posición durante 1 minuto."),
        ({"hold": 30, "side": "both"}, "Mantenga la posición durante 30 segundos."),
        (
            {"hold": 30, "sets": 1, "side": "each"},
            "Mantenga la posición durante 30 segundos de cada lado.",
        ),
        (
            {"hold": 20, "build_up_to": 45, "side": "each"},
            "Mantenga la posición durante 20 segundos de cada lado; "
            "aumente poco a poco hasta 45 segundos.",
        ),
        (
            {"hold": 4, "build_up_to": 8, "hold_unit": "breaths"},
            "Mantenga la posición durante 4 respiraciones lentas; "
            "aumente poco a poco hasta 8 respiraciones.",
        ),
        ({"reps": 1}, "Hágalo una vez."),
        ({"reps": 1, "side": "each"}, "Hágalo una vez de cada lado."),
        ({"reps": 1, "sets": 3}, "Hágalo 3 veces."),
        ({"reps": 10, "reps_max": 15}, "Hágalo de 10 a 15 veces."),
        ({"reps": 10, "reps_max": 15, "sets": 2}, "Haga 2 tandas de 10 a 15 veces."),
        ({"sets": 2}, "Hágalo 2 veces."),
        ({"side": "each"}, "Hágalo de cada lado."),
        ({"side": "alternating"}, "Cambie de lado cada vez."),
        ({"side": "both"}, ""),
        ({"hold": 5, "reps": 1}, "Mantenga la posición durante 5 segundos."),
        (
            {"reps": 10, "build_up_to": 15, "sets": 3, "side": "each"},
            "Empiece con 3 tandas de 10 veces de cada lado; "
            "aumente poco a poco hasta 3 tandas de 15 veces.",
        ),
        (
            {"reps": 10, "build_up_to": 20, "side": "alternating"},
            "Empiece con 10 veces en total, cambiando de lado cada vez; "
            "aumente poco a poco hasta 20.",
        ),
        (
            {"reps": 10, "sets": 3, "build_up_to": 20, "side": "alternating"},
            "Haga 3 tandas de 10 veces en total, cambiando de lado cada vez. "
            "Aumente poco a poco hasta 3 tandas de 20 veces.",
        ),
        (
            {"reps": 1, "build_up_to": 5},
            "Hágalo una vez al principio; aumente poco a poco hasta 5 veces.",
        ),
        (
            {"reps": 8, "sets": 2, "side": "alternating"},
            "Haga 2 tandas de 8 veces en total, cambiando de lado cada vez.",
        ),
        (
            {"hold": 30, "sets": 3, "side": "alternating"},
            "Mantenga la posición durante 30 segundos. "
            "Hágalo 3 veces de cada lado, cambiando de lado cada vez.",
        ),
        (
            {"hold": 30, "sets": 3, "rest_seconds": 15},
            "Mantenga la posición durante 30 segundos. Hágalo 3 veces. "
            "Descanse 15 segundos antes de cada una.",
        ),
        (
            {"reps": 10, "rest_seconds": 30},
            "Hágalo 10 veces. Descanse 30 segundos después de cada una.",
        ),
        (
            {"reps": 10, "load": "una tobillera con peso de 2 kg."},
            "Hágalo 10 veces. Use una tobillera con peso de 2 kg.",
        ),
        ({"days_per_week": 5}, "Hágalo 5 días a la semana."),
        ({"times_per_day": 2, "days_per_week": 1}, "Dos veces al día, 1 día a la semana."),
        ({"rest_seconds": 90}, "Descanse 1 minuto y 30 segundos después de cada una."),
    ],
    ids=str,
)
def test_other_shapes_read_naturally_in_spanish(values, expected):
    assert dose_sentence(dose(**values), "es") == expected


def test_the_handout_example_reads_as_designed_in_spanish():
    item = PrescriptionItem(hold=30, sets=3, side="each", times_per_day=1, days_per_week=5)

    assert dose_sentence(item, "es") == (
        "Mantenga la posición durante 30 segundos. Hágalo 3 veces de cada lado. "
        "Una vez al día, 5 días a la semana."
    )


def test_a_language_without_a_writer_reads_in_english():
    assert dose_sentence(dose(reps=10), "fr") == "Do this 10 times."


# The clinic's words ("repeticiones", "series", "rondas"), a lone set, a "1" before a
# plural, and English left in.
NEVER_SAID = re.compile(
    r"\b(repeticion(es)?|repes?|series?|rondas?|1 tanda|ambos lados a la vez|"
    r"1 (veces|segundos|minutos|respiraciones|tandas|días)|"
    r"hold|times|sets?|each|side|day|week|build)\b",
    re.IGNORECASE,
)


def test_every_combination_says_every_figure_in_plain_spanish():
    checked = 0
    for values in every_dose():
        sentence = dose_sentence(values, "es")
        english = dose_sentence(values)
        context = f"{vars(values)} -> {sentence!r}"
        assert bool(sentence) == bool(english), context
        if not sentence:
            continue
        assert sentence.endswith("."), context
        assert "  " not in sentence and ".." not in sentence and " ." not in sentence, context
        assert sentence[0].isupper() or sentence[0].isdigit(), context
        assert not NEVER_SAID.search(sentence.replace("light band", "")), context
        # Every figure the English says, the Spanish says, as often.
        assert sorted(re.findall(r"\d+", sentence)) == sorted(re.findall(r"\d+", english)), context
        if values.hold:
            unit = {"breaths": "respiraci", "minutes": "minuto"}.get(values.hold_unit, "")
            assert (unit or ("segundo" if values.hold < 60 else "minuto")) in sentence, context
        if values.days_per_week == 7 or (values.times_per_day and not values.days_per_week):
            assert "todos los días" in sentence, context
        elif values.days_per_week and values.days_per_week > 1:
            assert f"{values.days_per_week} días a la semana" in sentence, context
        if values.side in ("each", "alternating") and (values.reps or values.hold):
            assert "de cada lado" in sentence or "cambiando de lado" in sentence, context
        if values.rest_seconds:
            assert "Descanse 30 segundos" in sentence, context
        checked += 1
    assert checked > 60_000
