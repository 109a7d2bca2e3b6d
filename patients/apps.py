from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PatientsConfig(AppConfig):
    name = "patients"
    verbose_name = _("Patients and programmes")

    def ready(self):
        from hipclinic.signals import branding_change_proposed, branding_changed
        from patients.tasks import handouts_to_reissue, reissue_after_rebranding

        branding_changed.connect(reissue_after_rebranding, dispatch_uid="patients-reissue")
        branding_change_proposed.connect(handouts_to_reissue, dispatch_uid="patients-count")
