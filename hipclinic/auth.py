"""Permissions that follow from a staff member's role.

Therapists and managers get their model permissions from their role rather than
from hand-kept groups, so a new clinic works the moment its users exist. Which
*rows* they may touch is decided by clinic scoping (hipclinic.scoping), not here.
"""

from django.contrib.auth.backends import ModelBackend

from hipclinic.models import Role


def _perms(app_label: str, model: str, *actions: str) -> set[str]:
    return {f"{app_label}.{action}_{model}" for action in actions}


ALL = ("view", "add", "change", "delete")

THERAPIST_PERMISSIONS = frozenset(
    _perms("hipclinic", "clinic", "view")
    | _perms("hipclinic", "user", "view")
    | _perms("exercises", "exercise", "view")
    | _perms("exercises", "muscle", "view")
    | _perms("exercises", "equipment", "view")
    | _perms("exercises", "protocol", "view")
    | _perms("exercises", "protocolitem", "view")
    | _perms("patients", "patient", "view", "add", "change")
    | _perms("patients", "prescription", *ALL)
    | _perms("patients", "prescriptionitem", *ALL)
    | _perms("patients", "handout", "view", "add")
    | _perms("patients", "patientlink", "view", "add", "change")
    | _perms("patients", "sessionlog", "view")
)

MANAGER_PERMISSIONS = frozenset(
    THERAPIST_PERMISSIONS
    | _perms("hipclinic", "clinic", "change")
    | _perms("hipclinic", "user", "add", "change")
    | _perms("hipclinic", "auditevent", "view")
    | _perms("exercises", "exercise", *ALL)
    | _perms("exercises", "protocol", *ALL)
    | _perms("exercises", "protocolitem", *ALL)
    | _perms("patients", "patient", "delete")
)

ROLE_PERMISSIONS = {
    Role.THERAPIST: THERAPIST_PERMISSIONS,
    Role.MANAGER: MANAGER_PERMISSIONS,
}


class RolePermissionBackend(ModelBackend):
    """ModelBackend plus the permissions of the user's role in their clinic."""

    def get_all_permissions(self, user_obj, obj=None):
        perms = set(super().get_all_permissions(user_obj, obj))
        if user_obj.is_active and user_obj.is_staff and getattr(user_obj, "clinic_id", None):
            perms |= ROLE_PERMISSIONS.get(user_obj.role, frozenset())
        return perms
