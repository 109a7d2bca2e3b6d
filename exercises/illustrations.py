"""Drawn exercise figures: storing the drawing made from an exercise's pose.

An exercise with pose data and no uploaded picture gets a drawing made from the
pose (exercises/poses.py, drawn by exercises/figures.py), stored under ``exercise-illustrations/drawn/``.
Uploads never land there (an upload's name loses its folders), so the folder
tells a drawing from a clinic's own picture, and a picture always wins. Uploaded
pictures are checked by the rule every picture follows (hipclinic.pictures).
"""

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from exercises import figures

DRAWN_FOLDER = "exercise-illustrations/drawn/"


def is_drawn(name: str) -> bool:
    """True for a stored file name that is a drawing made from a pose, not an upload."""
    return name.startswith(DRAWN_FOLDER)


def drawn_name(exercise) -> str:
    # Library slugs are unique; a clinic's exercise is named by its id, which never changes.
    if exercise.clinic_id is None:
        return f"{DRAWN_FOLDER}{exercise.slug}.svg"
    return f"{DRAWN_FOLDER}clinic-{exercise.clinic_id}-{exercise.pk}.svg"


def update_drawing(exercise) -> bool:
    """Bring ``exercise``'s drawn illustration in line with its pose; True if anything was written.

    An uploaded picture is left alone. The file is rewritten only when its bytes
    would differ or it is missing, so drawing an unchanged pose writes nothing.
    Saves the exercise's ``illustration`` field when the name changes; the
    exercise must already be saved.
    """
    current = exercise.illustration.name or ""
    if current and not is_drawn(current):
        if exercise.pk and default_storage.exists(drawn_name(exercise)):
            default_storage.delete(drawn_name(exercise))  # replaced by an upload
        return False
    if not exercise.pose:
        if not current:
            return False
        default_storage.delete(current)
        exercise.illustration.name = ""
        exercise.save(update_fields=["illustration", "updated_at"])
        return True
    name = drawn_name(exercise)
    svg = figures.draw(exercise.pose, exercise.name, exercise.slug).encode()
    written = store_if_different(name, svg)
    if current != name:
        if current:
            default_storage.delete(current)
        exercise.illustration.name = name
        exercise.save(update_fields=["illustration", "updated_at"])
        return True
    return written


def store_if_different(name: str, content: bytes) -> bool:
    """Store ``content`` as ``name`` unless that file already holds exactly it; True if written."""
    if default_storage.exists(name):
        with default_storage.open(name, "rb") as file:
            if file.read() == content:
                return False
        default_storage.delete(name)
    stored = default_storage.save(name, ContentFile(content))
    if stored != name:  # another process wrote it meanwhile; ours is the same drawing
        default_storage.delete(stored)
    return True
