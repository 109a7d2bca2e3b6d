"""Checks over the whole shipped library (exercises/data/library/), written to hold for every
exercise added later, not just today's: the easier/harder chains are ordered, every
exercise is complete with a drawing, and no text repeats a seed article outside ``sources``.

A failure names the entry (and the phrase, for the seeds), so the fix is in the file.
"""

import re
from pathlib import Path

import pytest
from django.core.files.storage import default_storage

from exercises.dosing import dose_sentence
from exercises.library import LIBRARY_FILE, load_library, read_library
from exercises.models import Difficulty, Exercise

SEEDS = Path("/work/shared/seeds")
SHARED_RUN = 8  # words in a row that may not be shared with a seed
STEPS = list(Difficulty.values)  # gentle < moderate < advanced


@pytest.fixture(scope="module")
def library() -> dict:
    return read_library(LIBRARY_FILE)


# --- Chains ----------------------------------------------------------------------------


def harder_chain(entry: dict, by_slug: dict) -> list[str]:
    """The slugs met walking "harder" from ``entry``; stops at the first one seen twice."""
    walked = [entry["slug"]]
    while (nxt := by_slug[walked[-1]].get("harder")) is not None:
        walked.append(nxt)
        if nxt in walked[:-1]:
            break
    return walked


def test_no_easier_harder_chain_goes_round_in_a_circle(library):
    by_slug = {entry["slug"]: entry for entry in library["exercises"]}
    for entry in library["exercises"]:
        walked = harder_chain(entry, by_slug)
        assert len(walked) == len(set(walked)), f"a circle: {' -> '.join(walked)}"


def test_difficulty_never_goes_down_along_harder(library):
    by_slug = {entry["slug"]: entry for entry in library["exercises"]}
    links = [(e["slug"], e["harder"]) for e in library["exercises"] if e.get("harder")]
    assert links, "the library links no harder versions"
    for easier, harder in links:
        step_down = STEPS.index(by_slug[harder]["difficulty"]) < STEPS.index(
            by_slug[easier]["difficulty"]
        )
        assert not step_down, (
            f"{harder} ({by_slug[harder]['difficulty']}) is the harder version of "
            f"{easier} ({by_slug[easier]['difficulty']})"
        )


@pytest.mark.django_db
def test_the_loaded_chains_read_the_same_from_either_end():
    """Walking easier_version from each exercise never meets itself, in the database too."""
    load_library()
    easier_of = dict(Exercise.objects.shared().values_list("pk", "easier_version"))
    for start in easier_of:
        seen, current = {start}, easier_of[start]
        while current is not None:
            assert current not in seen, f"a circle through exercise {start}"
            seen.add(current)
            current = easier_of[current]


# --- Every field filled ------------------------------------------------------------------

# Fields every exercise entry states. An empty equipment list is an answer ("nothing
# needed"), so equipment must be there but may be empty; everything else must hold something.
FILLED = (
    "name",
    "purpose",
    "steps",
    "cues",
    "precautions",
    "kind",
    "position",
    "difficulty",
    "muscles",
    "dose",
    "sources",
    "pose",
)
STATED = ("equipment",)


def test_every_exercise_entry_fills_every_field(library):
    gaps = [
        f"{entry['slug']}: {field}"
        for entry in library["exercises"]
        for field in FILLED
        if not entry.get(field)
    ] + [
        f"{entry['slug']}: {field} (give [] when none is needed)"
        for entry in library["exercises"]
        for field in STATED
        if field not in entry
    ]
    assert not gaps


@pytest.mark.django_db
def test_every_loaded_exercise_reads_complete_with_a_dose_and_a_drawing():
    load_library()
    exercises = Exercise.objects.shared().active().prefetch_related("muscles")
    assert exercises.exists()
    for exercise in exercises:
        parts = {
            "purpose": exercise.purpose,
            "steps": exercise.step_list,
            "tips": exercise.cue_list,
            "precautions": exercise.precaution_list,
            "sources": exercise.source_list,
            "muscles": list(exercise.muscles.all()),
            "dose": dose_sentence(exercise),
            "pose": exercise.pose,
            "drawing": exercise.illustration.name,
        }
        assert all(parts.values()), (exercise.slug, [k for k, v in parts.items() if not v])
        assert default_storage.exists(exercise.illustration.name), exercise.slug


# --- No run of words from a seed ----------------------------------------------------------


def words(text: str) -> list[str]:
    """Lower-case words with the punctuation gone (so "we’ll" and "we'll" read the same)."""
    return re.findall(r"[a-z0-9]+", re.sub(r"['’]", "", text.lower()))


def runs(text: str) -> set[tuple[str, ...]]:
    found = words(text)
    return {tuple(found[i : i + SHARED_RUN]) for i in range(len(found) - SHARED_RUN + 1)}


def texts(value, where: str):
    """(where, text) for every string in an entry, ``sources`` left out (they name the
    seeds, by title)."""
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, list):
        for item in value:
            yield from texts(item, where)
    elif isinstance(value, dict):
        for key, item in value.items():
            if key != "sources":
                yield from texts(item, f"{where}, {key}")


def test_the_seed_articles_are_there_to_compare_with():
    assert len(sorted(SEEDS.glob("*.txt"))) == 5


def test_no_run_of_eight_words_is_shared_with_a_seed_article(library):
    seed_runs = {
        run: seed.name for seed in sorted(SEEDS.glob("*.txt")) for run in runs(seed.read_text())
    }
    shared = [
        f"{where}: “{' '.join(run)}” ({seed_runs[run]})"
        for section, entries in library.items()
        for entry in entries
        for where, text in texts(entry, f"{section} '{entry['slug']}'")
        for run in sorted(runs(text) & seed_runs.keys())
    ]
    assert not shared
