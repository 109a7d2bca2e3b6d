from django.apps import AppConfig


class PatientsConfig(AppConfig):
    name = "patients"
    verbose_name = "Patients and programmes"

    def ready(self):
        from hipclinic.signals import branding_changed
        from patients.tasks import reissue_after_rebranding

        branding_changed.connect(reissue_after_rebranding, dispatch_uid="patients-reissue")
