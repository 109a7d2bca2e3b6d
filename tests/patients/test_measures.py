"""Measure definitions (issue 20, section 1): the shipped files, their checks, scoring and
the meaningful-change rule, with no database."""

import tomllib
from decimal import Decimal

import pytest

from patients.measures import (
    MEASURES_FOLDER,
    MeasureError,
    change_between,
    change_sentence,
    checked_answers,
    definition_from,
    in_language,
    patient_texts,
    read_definition,
    score_of,
)

SHIPPED = {path.stem: read_definition(path)[0] for path in MEASURES_FOLDER.glob("*.toml")}
NPRS, PSFS, GROC = SHIPPED["nprs"], SHIPPED["psfs"], SHIPPED["groc"]


def test_the_shipped_measures_are_pain_psfs_and_the_global_rating_of_change():
    assert sorted(SHIPPED) == ["groc", "nprs", "psfs"]
    assert "Stratford" in PSFS.citation and "1995" in PSFS.citation
    assert NPRS.loinc == "72514-3"
    for definition in SHIPPED.values():
        assert definition.licence


# --- Scoring ---------------------------------------------------------------------------------


def test_pain_scores_its_one_answer():
    values = checked_answers(NPRS, {"items": {"pain": 6}})

    assert values == {"items": {"pain": 6}}
    assert score_of(NPRS, values) == Decimal("6.00")


@pytest.mark.parametrize("pain", [-1, 11, None, "6", True])
def test_pain_off_the_scale_is_refused(pain):
    with pytest.raises(MeasureError, match="'pain' needs an answer from 0 to 10"):
        checked_answers(NPRS, {"items": {"pain": pain}})


def test_psfs_scores_the_mean_of_its_activities():
    values = checked_answers(
        PSFS, {"activities": [["Climbing stairs", 3], ["Putting on socks", 4], ["Gardening", 6]]}
    )

    assert score_of(PSFS, values) == Decimal("4.33")


@pytest.mark.parametrize("count", [2, 6])
def test_psfs_needs_three_to_five_activities(count):
    rated = [[f"Activity {n}", 5] for n in range(count)]

    with pytest.raises(MeasureError, match="name from 3 to 5 activities"):
        checked_answers(PSFS, {"activities": rated})


def test_psfs_later_answers_rate_the_activities_named_first():
    first = ["Climbing stairs", "Putting on socks", "Gardening"]
    later = {"activities": [["Climbing stairs", 5], ["Putting on socks", 6], ["Gardening", 7]]}

    assert checked_answers(PSFS, later, first) == later
    with pytest.raises(MeasureError, match="the activities must be the ones named first"):
        checked_answers(
            PSFS,
            {"activities": [["Running", 5], ["Putting on socks", 6], ["Gardening", 7]]},
            first,
        )


def test_the_global_rating_of_change_runs_from_minus_7_to_7_with_words_at_each_point():
    assert list(GROC.scale.points) == list(range(-7, 8))
    assert GROC.scale.label(-7) == "A very great deal worse"
    assert GROC.scale.label(0) == "About the same"
    assert GROC.scale.label(4) == "Moderately better"
    assert score_of(GROC, checked_answers(GROC, {"items": {"change": -2}})) == Decimal("-2.00")


# --- Meaningful change -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("baseline", "latest", "meaningful", "better"),
    [
        ("3.00", "5.67", True, True),  # up 2.67: beyond 2 points
        ("3.00", "4.67", False, True),  # up 1.67
        ("5.00", "3.00", True, False),  # down 2
        ("4.00", "4.00", False, None),
    ],
)
def test_psfs_change_is_meaningful_at_2_points_on_the_mean(baseline, latest, meaningful, better):
    change = change_between(PSFS, Decimal(baseline), Decimal(latest))

    assert (change.meaningful, change.better) == (meaningful, better)


@pytest.mark.parametrize(
    ("baseline", "latest", "meaningful"),
    [
        ("8", "6", True),  # 2 points
        ("3", "2", True),  # 1 point is a third of 3: beyond 30%
        ("8", "7", False),  # 1 point, 12.5%
    ],
)
def test_pain_change_is_meaningful_at_2_points_or_30_percent(baseline, latest, meaningful):
    change = change_between(NPRS, Decimal(baseline), Decimal(latest))

    assert change.meaningful is meaningful
    assert change.better is True  # lower pain is better


@pytest.mark.parametrize(("score", "meaningful"), [(3, True), (-3, True), (2, False), (-2, False)])
def test_a_rating_of_change_is_meaningful_at_3_either_way_on_its_own(score, meaningful):
    assert change_between(GROC, None, Decimal(score)).meaningful is meaningful


def test_the_change_in_words():
    up = change_between(PSFS, Decimal("3.00"), Decimal("5.70"))
    down = change_between(NPRS, Decimal("7"), Decimal("6"))
    rated = change_between(GROC, None, Decimal("4"))

    assert (
        change_sentence(PSFS, up, "3 November")
        == "PSFS up 2.7 points since 3 November: a meaningful improvement"
    )
    assert (
        change_sentence(NPRS, down, "3 November")
        == "Pain down 1 point since 3 November: not yet a meaningful change"
    )
    assert (
        change_sentence(GROC, rated, "30 November", latest=Decimal("4"))
        == "GROC +4 on 30 November (moderately better): a meaningful improvement"
    )


# --- A bad definition is refused, naming the file and the field ------------------------------


def shipped_data(name: str) -> dict:
    return tomllib.loads((MEASURES_FOLDER / f"{name}.toml").read_text())


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"kind": "survey"}, "field 'kind' is 'survey': it must be one of items, activities"),
        ({"scale": {"low": 10, "high": 0}}, "field 'scale.high' is 0: it must be above"),
        ({"meaningful_change": 0}, "field 'meaningful_change' must be a number above 0"),
        ({"name": ""}, "field 'name' is missing or empty"),
        ({"items": [{"key": "pain"}]}, "field 'items[1].question' is missing or empty"),
        ({"colour": "blue"}, "field 'colour' is not a field a measure has"),
        ({"better": "up"}, "field 'better' is 'up'"),
    ],
)
def test_a_bad_definition_is_refused_naming_the_file_and_the_field(change, message):
    data = shipped_data("nprs")
    for key, value in change.items():
        data[key] = {**data[key], **value} if isinstance(value, dict) and key in data else value

    with pytest.raises(MeasureError) as refused:
        definition_from(data, "nprs.toml")

    assert str(refused.value).startswith("nprs.toml: ")
    assert message in str(refused.value)


def test_a_scale_label_off_the_scale_is_refused():
    data = shipped_data("groc")
    data["scale"]["labels"]["9"] = "Off the scale"

    with pytest.raises(MeasureError, match=r"groc.toml: field 'scale.labels.9' is not a point"):
        definition_from(data, "groc.toml")


def test_activities_need_their_table(tmp_path):
    data = shipped_data("psfs")
    del data["activities"]

    with pytest.raises(MeasureError, match=r"psfs.toml: field 'activities' is missing"):
        definition_from(data, "psfs.toml")


def test_a_file_that_is_not_toml_is_refused_by_name(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text('slug = "broken\n')

    with pytest.raises(MeasureError, match=r"^broken.toml: not valid TOML"):
        read_definition(path)


# --- What the patient reads, in another language ---------------------------------------------


@pytest.mark.parametrize("name", ["nprs", "psfs", "groc"])
def test_every_shipped_measure_reads_in_spanish_with_every_text_translated(name):
    data = shipped_data(name)
    english, spanish = definition_from(data, name), definition_from(in_language(data, "es"), name)

    assert set(patient_texts(in_language(data, "es"))) == set(patient_texts(data))
    assert spanish.intro != english.intro
    for point in english.scale.points:
        if english.scale.label(point) != str(point):
            assert spanish.scale.label(point) != english.scale.label(point)
    assert [item.key for item in spanish.items] == [item.key for item in english.items]
    assert (spanish.score, spanish.scale.points) == (english.score, english.scale.points)


def test_the_pain_question_in_spanish():
    spanish = definition_from(in_language(shipped_data("nprs"), "es"), "nprs")

    assert spanish.items[0].question == "¿Cuánto dolor tuvo, en promedio, en el último día?"
    assert spanish.scale.label(0) == "Sin dolor"


def test_a_language_without_a_translation_reads_the_original():
    data = shipped_data("nprs")

    assert in_language(data, "en") == data


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda es: es.pop("intro"), "field 'translations.es.intro' is empty"),
        (lambda es: es["items"].pop("pain"), "'translations.es.items.pain' is missing"),
        (lambda es: es["items"].update(mood="¿Y su ánimo?"), "'translations.es.items.mood' is not"),
        (
            lambda es: es["scale"].update(low_label=" "),
            "'translations.es.scale.low_label' is empty",
        ),
    ],
)
def test_a_translation_that_leaves_a_text_out_or_adds_one_is_refused(change, message):
    data = shipped_data("nprs")
    change(data["translations"]["es"])

    with pytest.raises(MeasureError, match=message.replace(".", r"\.")):
        definition_from(data, "nprs.toml")


def test_a_translation_into_a_language_the_app_lacks_is_refused():
    data = shipped_data("nprs")
    data["translations"]["fr"] = data["translations"]["es"]

    with pytest.raises(MeasureError, match=r"'translations\.fr' is not one of the app's languages"):
        definition_from(data, "nprs.toml")
