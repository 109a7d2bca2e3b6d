"""Clinic scoping: the one place that decides which rows a staff user may see.

Every clinical model names the path from itself to its clinic in
``clinic_lookup`` (``"clinic"``, ``"patient__clinic"``, ...). Models that also
hold rows of the shared library (clinic left empty) set ``shared_library``.
Views and the admin call ``visible_to(user)`` and never filter by clinic
themselves.
"""

from django.db import models
from django.db.models import Q


class ClinicQuerySet(models.QuerySet):
    def for_clinic(self, clinic):
        """Rows that belong to ``clinic``, plus the shared library where the model has one."""
        lookup = self.model.clinic_lookup
        condition = Q(**{lookup: clinic})
        if getattr(self.model, "shared_library", False):
            condition |= Q(**{f"{lookup}__isnull": True})
        return self.filter(condition)

    def visible_to(self, user):
        """Everything for a superuser; the user's own clinic for staff; nothing otherwise."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        if user.clinic_id is None:
            return self.none()
        return self.for_clinic(user.clinic_id)


ClinicManager = models.Manager.from_queryset(ClinicQuerySet)
