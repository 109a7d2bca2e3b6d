"""Chart numbers in one normal form (patients.chart_numbers): NFKC, no zero-width
characters, trimmed. Existing numbers are rewritten in that form, except where two
patients of one clinic would then share a number: those are left as they are and
named in the output, for the clinic to tell apart (saving either one in a form then
says the number is taken)."""

import unicodedata
from collections import defaultdict

from django.db import migrations

import patients.chart_numbers

ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


def normal(value: str) -> str:
    # A copy of patients.chart_numbers.normal_chart_number as it was when this was written.
    return unicodedata.normalize("NFKC", value).translate(ZERO_WIDTH).strip()


def normalise_chart_numbers(apps, schema_editor):
    Patient = apps.get_model("patients", "Patient")
    rows = Patient.objects.values_list("pk", "clinic_id", "chart_number")
    by_number = defaultdict(list)
    for pk, clinic_id, number in rows:
        by_number[clinic_id, normal(number)].append((pk, number))
    for (clinic_id, number), patients in by_number.items():
        changed = [pk for pk, stored in patients if stored != number]
        if len(patients) > 1 and changed:
            print(
                f"\n  Clinic {clinic_id}: patients {sorted(pk for pk, _ in patients)} all have "
                f"chart number {number!r} once normalised; left unchanged."
            )
        elif changed:
            Patient.objects.filter(pk__in=changed).update(chart_number=number)


class Migration(migrations.Migration):
    dependencies = [
        ("patients", "0004_text_limits"),
    ]

    operations = [
        migrations.AlterField(
            model_name="patient",
            name="chart_number",
            field=patients.chart_numbers.ChartNumberField(max_length=40),
        ),
        migrations.RunPython(normalise_chart_numbers, migrations.RunPython.noop),
    ]
