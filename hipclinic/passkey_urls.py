"""The passkey ceremonies' URLs (under /account/passkeys/): django-otp-webauthn's own, with
its names (its template tags and JavaScript find them by these), and hipclinic's checks
on the second step (hipclinic.passkeys). Registration is the package's as it is: it needs
a signed-in user, and one who already has a device must first have passed the second
step with it."""

from django.urls import path
from django.views.i18n import JavaScriptCatalog
from django_otp_webauthn.views import (
    BeginCredentialRegistrationView,
    CompleteCredentialRegistrationView,
)

from hipclinic.passkeys import PasskeyAuthenticationBegin, PasskeyAuthenticationComplete

app_name = "otp_webauthn"

urlpatterns = [
    path(
        "registration/begin/",
        BeginCredentialRegistrationView.as_view(),
        name="credential-registration-begin",
    ),
    path(
        "registration/complete/",
        CompleteCredentialRegistrationView.as_view(),
        name="credential-registration-complete",
    ),
    path(
        "authentication/begin/",
        PasskeyAuthenticationBegin.as_view(),
        name="credential-authentication-begin",
    ),
    path(
        "authentication/complete/",
        PasskeyAuthenticationComplete.as_view(),
        name="credential-authentication-complete",
    ),
    # The messages its JavaScript shows, in the page's language (the package ships Spanish).
    path(
        "jsi18n/",
        JavaScriptCatalog.as_view(packages=["django_otp_webauthn"]),
        name="js-i18n-catalog",
    ),
]
