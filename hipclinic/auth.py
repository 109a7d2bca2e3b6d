"""Roles as Django groups: "Therapists" and "Managers", with explicit permissions.

The groups are created by a migration (hipclinic 0004) and kept exactly as listed
here after every `migrate` (a post_migrate hook), so what a role may do is read in
one place and reviewed like code. A staff member joins their role's group when
their account is saved, so a new clinic works the moment its users exist. Which
*rows* they may touch is decided by clinic scoping (hipclinic.scoping), not here.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

from hipclinic.models import Role


def _perms(app_label: str, model: str, *actions: str) -> set[str]:
    return {f"{app_label}.{action}_{model}" for action in actions}


ALL = ("view", "add", "change", "delete")

THERAPIST_PERMISSIONS = frozenset(
    _perms("hipclinic", "clinic", "view")
    | _perms("hipclinic", "user", "view")
    | _perms("hipclinic", "backgroundjob", "view")
    | _perms("exercises", "exercise", "view")
    | _perms("exercises", "muscle", "view")
    | _perms("exercises", "equipment", "view")
    | _perms("exercises", "protocol", "view")
    | _perms("exercises", "protocolitem", "view")
    | _perms("exercises", "contraindication", "view")
    | _perms("exercises", "exercisetranslation", "view")
    | _perms("patients", "patient", "view", "add", "change")
    | _perms("patients", "prescription", *ALL)
    | _perms("patients", "prescriptionitem", *ALL)
    | _perms("patients", "handout", "view", "add")
    | _perms("patients", "patientlink", "view", "add", "change")
    | _perms("patients", "sessionlog", "view")
    | _perms("patients", "alert", "view", "change")
    | _perms("patients", "remindersubscription", "view")
    | _perms("patients", "measure", "view")
    | _perms("patients", "measureschedule", *ALL)
    | _perms("patients", "measureanswer", "view", "add")
)

# Managers also run the clinic: its details and branding, its staff accounts, its own
# exercises and protocols, and the audit trail.
MANAGER_PERMISSIONS = frozenset(
    THERAPIST_PERMISSIONS
    | _perms("hipclinic", "clinic", "change")
    | _perms("hipclinic", "user", "add", "change")
    | _perms("hipclinic", "invitation", "view", "add", "change")
    | _perms("hipclinic", "auditevent", "view")
    | _perms("exercises", "exercise", *ALL)
    | _perms("exercises", "protocol", *ALL)
    | _perms("exercises", "protocolitem", *ALL)
    | _perms("exercises", "contraindication", *ALL)
    | _perms("exercises", "exercisetranslation", *ALL)
    | _perms("patients", "patient", "delete")
)

ROLE_GROUPS = {
    Role.THERAPIST: ("Therapists", THERAPIST_PERMISSIONS),
    Role.MANAGER: ("Managers", MANAGER_PERMISSIONS),
}
GROUP_NAMES = frozenset(name for name, _ in ROLE_GROUPS.values())


def ensure_role_groups(apps) -> None:
    """Create the role groups, with exactly their listed permissions.

    `apps` is the migration state's registry or django.apps.apps. Permissions are
    normally made after migrating, so they are made here first when missing.
    """
    for app_config in apps.get_app_configs():
        # create_permissions skips configs without a models module, which is every
        # config of a migration state; it only checks that one is set.
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = models_module or True
        try:
            create_permissions(app_config, verbosity=0, apps=apps)
        finally:
            app_config.models_module = models_module
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for name, wanted in ROLE_GROUPS.values():
        group, _ = group_model.objects.get_or_create(name=name)
        # A permission whose model a later migration adds is missing here the first
        # time; the post_migrate hook adds it once migrating is over.
        group.permissions.set(
            permission
            for permission in permission_model.objects.select_related("content_type")
            if f"{permission.content_type.app_label}.{permission.codename}" in wanted
        )


def sync_role_groups(sender, apps=global_apps, **kwargs) -> None:
    """post_migrate: keep the groups as listed here (and back after a flush, which
    sends the signal without a migration state)."""
    ensure_role_groups(apps)


def put_in_role_group(sender, instance, **kwargs) -> None:
    """post_save of a user: a clinic's staff member is in their role's group only."""
    from django.contrib.auth.models import Group

    wanted = set()
    if instance.is_staff and instance.clinic_id and instance.role in ROLE_GROUPS:
        wanted = {ROLE_GROUPS[instance.role][0]}
    current = set(instance.groups.filter(name__in=GROUP_NAMES).values_list("name", flat=True))
    if current == wanted:
        return
    instance.groups.remove(*Group.objects.filter(name__in=current - wanted))
    instance.groups.add(*Group.objects.filter(name__in=wanted - current))
