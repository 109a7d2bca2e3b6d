import logging

from django.apps import AppConfig
from django.contrib import messages
from django.contrib.admin import apps as admin_apps
from django.contrib.auth.signals import user_logged_out
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


def say_logged_out(sender, request, user, **kwargs):
    """The login page a user lands on after logging out tells them it worked."""
    if request is not None:
        messages.info(request, gettext("You have logged out."), fail_silently=True)


class HipclinicConfig(AppConfig):
    name = "hipclinic"
    verbose_name = _("Clinics and staff")

    def ready(self):
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in, user_login_failed
        from django.db.models.signals import post_migrate, post_save

        from hipclinic import audit, auth, checks, staff_sessions  # noqa: F401 (checks registers)
        from hipclinic.models import User

        user_logged_out.connect(say_logged_out, dispatch_uid="hipclinic-say-logged-out")
        user_logged_in.connect(audit.logged_in, dispatch_uid="hipclinic-audit-login")
        user_logged_in.connect(staff_sessions.record_sign_in, dispatch_uid="hipclinic-session-in")
        user_logged_out.connect(
            staff_sessions.record_sign_out, dispatch_uid="hipclinic-session-out"
        )
        user_login_failed.connect(audit.login_failed, dispatch_uid="hipclinic-audit-failed")
        user_locked_out.connect(audit.locked_out, dispatch_uid="hipclinic-audit-locked-out")
        post_migrate.connect(auth.sync_role_groups, sender=self, dispatch_uid="hipclinic-groups")
        post_save.connect(auth.put_in_role_group, sender=User, dispatch_uid="hipclinic-role-group")
        quiet_pyasn1()


def quiet_pyasn1() -> None:
    """pyasn1 (py_webauthn's ASN.1 parser, for passkeys) gives its logger a console handler
    of its own, at DEBUG, as it is imported: past hipclinic.logging's token filter. Both
    undone, so whatever it logs goes through the root's console like every other logger."""
    import pyasn1.debug  # noqa: F401 (the import is what adds the handler)

    logger = logging.getLogger("pyasn1")
    logger.handlers.clear()
    logger.setLevel(logging.NOTSET)


class ClinicAdminConfig(admin_apps.AdminConfig):
    """Django's admin app, with hipclinic's site (hipclinic.admin_site) as ``admin.site``."""

    default = False  # HipclinicConfig stays the config of the hipclinic app itself
    default_site = "hipclinic.admin_site.ClinicAdminSite"
