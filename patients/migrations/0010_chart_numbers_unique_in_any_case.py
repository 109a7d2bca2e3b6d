"""Chart numbers unique within a clinic ignoring case, in the database as in the forms.

The forms have always refused "ab-1" beside "AB-1"; only a path around them (a bulk
import, a script) could store both. Such pairs stop the migration with a message saying
which clinics to tidy, rather than picking a number to change on the clinic's behalf.
"""

import django.db.models.functions.text
from django.db import migrations, models
from django.db.models import Count
from django.db.models.functions import Lower


def refuse_case_clashes(apps, schema_editor):
    Patient = apps.get_model("patients", "Patient")
    clashes = (
        Patient.objects.annotate(number=Lower("chart_number"))
        .values("clinic_id", "number")
        .annotate(patients=Count("id"))
        .filter(patients__gt=1)
    )
    clinics = sorted({clash["clinic_id"] for clash in clashes})
    if clinics:
        raise RuntimeError(
            "Patients of one clinic share a chart number written with other capital letters "
            f"(numbers shared: {len(clashes)}; clinic ids: {', '.join(map(str, clinics))}). "
            "Give each patient their own number in the admin, then migrate again."
        )


class Migration(migrations.Migration):
    dependencies = [
        ("patients", "0009_handout_version_words"),
    ]

    operations = [
        migrations.RunPython(refuse_case_clashes, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name="patient",
            name="patient_chart_number_unique_in_clinic",
        ),
        migrations.AddConstraint(
            model_name="patient",
            constraint=models.UniqueConstraint(
                models.F("clinic"),
                django.db.models.functions.text.Lower("chart_number"),
                name="patient_chart_number_unique_in_clinic_any_case",
                violation_error_message="Another patient in this clinic has this chart number.",
            ),
        ),
    ]
