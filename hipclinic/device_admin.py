"""The admin pages of two-factor devices (django-otp's app and recovery-code devices, and
django-otp-webauthn's passkeys), for platform admins only: no role has their
permissions. A platform admin removes a device for someone who lost their phone; the
removal is audited as the user's own removal on their security page is, with the admin
as the actor. Keys and codes are never shown (``OTP_ADMIN_HIDE_SENSITIVE_DATA``).
"""

from django.contrib import admin
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.admin import WebAuthnCredentialAdmin
from django_otp_webauthn.models import WebAuthnCredential

from hipclinic.audit import audit
from hipclinic.models import AuditAction


class AuditedRemoval:
    """A device removed here, one or many at once, is a TWO_FACTOR_REMOVED event on the
    account that had it."""

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        audit(request, AuditAction.TWO_FACTOR_REMOVED, obj.user)

    def delete_queryset(self, request, queryset):
        owners = [device.user for device in queryset.select_related("user")]
        super().delete_queryset(request, queryset)
        for owner in owners:
            audit(request, AuditAction.TWO_FACTOR_REMOVED, owner)


class AppDeviceAdmin(AuditedRemoval, TOTPDeviceAdmin):
    pass


class RecoveryCodesAdmin(AuditedRemoval, StaticDeviceAdmin):
    pass


class PasskeyAdmin(AuditedRemoval, WebAuthnCredentialAdmin):
    pass


for model, model_admin in [
    (TOTPDevice, AppDeviceAdmin),
    (StaticDevice, RecoveryCodesAdmin),
    (WebAuthnCredential, PasskeyAdmin),
]:
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, model_admin)
