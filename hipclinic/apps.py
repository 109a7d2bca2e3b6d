from django.apps import AppConfig
from django.contrib import messages
from django.contrib.auth.signals import user_logged_out


def say_logged_out(sender, request, user, **kwargs):
    """The login page a user lands on after logging out tells them it worked."""
    if request is not None:
        messages.info(request, "You have logged out.")


class HipclinicConfig(AppConfig):
    name = "hipclinic"
    verbose_name = "Clinics and staff"

    def ready(self):
        user_logged_out.connect(say_logged_out, dispatch_uid="hipclinic-say-logged-out")
