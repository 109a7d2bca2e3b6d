"""The "Therapists" and "Managers" groups with their explicit permissions, and every
existing staff member put in their role's group."""

from django.db import migrations

from hipclinic.auth import ROLE_GROUPS, ensure_role_groups


def create_groups(apps, schema_editor):
    ensure_role_groups(apps)
    user_model = apps.get_model("hipclinic", "User")
    group_model = apps.get_model("auth", "Group")
    for role, (name, _) in ROLE_GROUPS.items():
        group = group_model.objects.get(name=name)
        staff = user_model.objects.filter(role=role, is_staff=True, clinic__isnull=False)
        group.user_set.add(*staff)


def remove_groups(apps, schema_editor):
    group_model = apps.get_model("auth", "Group")
    group_model.objects.filter(name__in=[name for name, _ in ROLE_GROUPS.values()]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("hipclinic", "0003_audit_login_actions"),
        ("exercises", "0002_exercise_clinic_links"),
        ("patients", "0003_programme_history"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
