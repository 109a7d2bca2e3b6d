"""Top-level URL routes."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from hipclinic import account_views, passwords
from hipclinic.forms import LoginForm
from hipclinic.unsaved_work import sign_in_again, sign_in_again_code
from hipclinic.views import choose_language, clinic_logo, healthz, javascript_catalog, ping

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("ping", ping, name="ping"),
    path("clinics/<int:pk>/logo", clinic_logo, name="clinic_logo"),
    path("language/", choose_language, name="choose_language"),
    path("jsi18n/", javascript_catalog, name="javascript_catalog"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="hipclinic/login.html",
            authentication_form=LoginForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("sign-in-again/", sign_in_again, name="sign_in_again"),
    # Staff accounts (issue 22): the second sign-in step and two-factor enrolment.
    path("password-reset/", passwords.ResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="hipclinic/account/reset_sent.html"),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        passwords.ResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="hipclinic/account/reset_done.html"
        ),
        name="password_reset_complete",
    ),
    path("invitations/", account_views.invitations, name="invitations"),
    path("invitations/<int:pk>/resend", account_views.invitation_resend, name="invitation_resend"),
    path(
        "invitations/<int:pk>/withdraw",
        account_views.invitation_withdraw,
        name="invitation_withdraw",
    ),
    path("join/<str:token>/", account_views.invitation_accept, name="invitation_accept"),
    path("login/second-step/", account_views.second_step, name="second_step"),
    path("sign-in-again/code/", sign_in_again_code, name="sign_in_again_code"),
    path("account/two-factor/", account_views.two_factor_enrol, name="two_factor_enrol"),
    # The user's own security page (issue 22 §4).
    path("account/security/", account_views.account_security, name="account_security"),
    path("account/security/password/", passwords.ChangeView.as_view(), name="password_change"),
    path("account/security/remove-device/", account_views.device_remove, name="two_factor_remove"),
    path(
        "account/security/recovery-codes/",
        account_views.recovery_codes_new,
        name="recovery_codes_new",
    ),
    path(
        "account/security/sessions/<int:pk>/sign-out/",
        account_views.session_end,
        name="session_end",
    ),
    path(
        "account/security/sessions/sign-out-others/",
        account_views.sessions_end_others,
        name="sessions_end_others",
    ),
    path("account/two-factor/passkey-added/", account_views.passkey_added, name="passkey_added"),
    path("account/passkeys/", include("hipclinic.passkey_urls")),
    path("", include("patients.patient_page_urls")),
    path("", include("exercises.urls")),
    path("", include("patients.urls")),
]

# No route serves MEDIA_ROOT, with DEBUG on or off: stored files reach a browser only
# through views that check who asks (hipclinic/files.py).
