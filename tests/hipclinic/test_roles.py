"""Roles are Django groups with explicit permissions, made by a migration."""

import pytest
from django.contrib.auth.models import Group

from hipclinic.auth import MANAGER_PERMISSIONS, THERAPIST_PERMISSIONS
from hipclinic.models import Role
from tests.factories import ManagerFactory, SuperuserFactory, UserFactory

pytestmark = pytest.mark.django_db


def group_permissions(name: str) -> set[str]:
    group = Group.objects.get(name=name)
    return {
        f"{app_label}.{codename}"
        for app_label, codename in group.permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


def test_the_migration_makes_both_groups():
    assert set(Group.objects.values_list("name", flat=True)) >= {"Therapists", "Managers"}


def test_therapists_prescribe_but_run_neither_staff_nor_branding():
    perms = group_permissions("Therapists")

    assert {"patients.add_prescription", "patients.change_patient"} <= perms
    assert {"patients.add_handout", "patients.add_patientlink"} <= perms
    assert "hipclinic.change_clinic" not in perms  # the clinic's branding and details
    assert not {p for p in perms if p.endswith("_user") and not p.endswith("view_user")}
    assert "exercises.change_exercise" not in perms
    assert "hipclinic.view_auditevent" not in perms


def test_managers_also_run_staff_branding_and_the_library():
    perms = group_permissions("Managers")

    assert group_permissions("Therapists") < perms
    assert {"hipclinic.change_clinic", "hipclinic.add_user", "hipclinic.change_user"} <= perms
    assert {"exercises.add_exercise", "exercises.change_protocol"} <= perms
    assert "hipclinic.view_auditevent" in perms
    # Clinics themselves are a platform admin's: no manager adds or removes one.
    assert not {"hipclinic.add_clinic", "hipclinic.delete_clinic"} & perms


def test_no_role_may_edit_or_remove_audit_events():
    for name in ("Therapists", "Managers"):
        perms = group_permissions(name)
        assert not {"hipclinic.change_auditevent", "hipclinic.delete_auditevent"} & perms


def test_a_new_account_joins_its_roles_group(clinic):
    therapist = UserFactory(clinic=clinic)
    manager = ManagerFactory(clinic=clinic)

    assert list(therapist.groups.values_list("name", flat=True)) == ["Therapists"]
    assert list(manager.groups.values_list("name", flat=True)) == ["Managers"]
    assert therapist.has_perm("patients.add_prescription")
    assert not therapist.has_perm("hipclinic.change_clinic")
    assert manager.has_perm("hipclinic.change_clinic")


def test_changing_the_role_moves_the_account_between_groups(therapist):
    therapist.role = Role.MANAGER
    therapist.save()

    assert list(therapist.groups.values_list("name", flat=True)) == ["Managers"]


def test_an_account_without_staff_status_has_no_role_group(clinic):
    user = ManagerFactory(clinic=clinic, is_staff=False)

    assert not user.groups.exists()
    assert not user.has_perm("patients.view_patient")


def test_platform_admin_changing_a_role_in_the_admin_moves_the_group(client, therapist):
    client.force_login(SuperuserFactory())
    url = f"/admin/hipclinic/user/{therapist.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "password"}
    data.update(
        role=Role.MANAGER,
        clinic=therapist.clinic_id,
        groups=[Group.objects.get(name="Therapists").pk],  # the stale choice on the form
        user_permissions=[],
        date_joined_0=therapist.date_joined.strftime("%Y-%m-%d"),
        date_joined_1=therapist.date_joined.strftime("%H:%M:%S"),
    )
    data.pop("date_joined", None)
    data.pop("last_login", None)

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert list(therapist.groups.values_list("name", flat=True)) == ["Managers"]


def test_a_therapist_cannot_change_the_clinics_branding(client, therapist):
    client.force_login(therapist)
    url = f"/admin/hipclinic/clinic/{therapist.clinic_id}/change/"

    response = client.post(url, {"name": "Renamed", "paper_size": "A4"})

    assert response.status_code == 403
    therapist.clinic.refresh_from_db()
    assert therapist.clinic.name != "Renamed"


def test_every_listed_permission_exists_and_is_granted():
    # A misspelt or removed permission would silently be missing from the group.
    assert group_permissions("Therapists") == THERAPIST_PERMISSIONS
    assert group_permissions("Managers") == MANAGER_PERMISSIONS
