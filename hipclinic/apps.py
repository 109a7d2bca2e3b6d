from django.apps import AppConfig


class HipclinicConfig(AppConfig):
    name = "hipclinic"
    verbose_name = "Clinics and staff"
