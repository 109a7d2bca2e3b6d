"""Password reset by email, with Django's own views and token generator.

The answer is the same whether or not the address has an account: Django's form sends
mail only to active accounts with a usable password, and the page after says only
"if an account has this address, we sent a link". Requests are limited per address typed
(a refusal the same for every address, so it tells nothing) and per account (over the
limit its mail is quietly not sent, so the answer still tells nothing). A link works
once, because its token is made from the password hash it replaces, and expires after
``PASSWORD_RESET_TIMEOUT``. The email holds the link and nothing else.

After a reset every session of the account ends: Django checks each session against a
hash of the password at every request (``get_session_auth_hash``), whichever session
engine keeps them (the database, or the cache when REDIS_URL is set). The reset is
audited.
"""

from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.urls import reverse_lazy

from hipclinic.access import client_ip
from hipclinic.models import AuditAction, AuditEvent
from hipclinic.ratelimit import over_limit


def address_over_limit(email: str) -> bool:
    """Count one reset request for the address as typed; True past PASSWORD_RESET_RATE.
    (Spellings of one account's address in other cases meet the per-account limit.)"""
    return over_limit("password-reset-address", email.strip(), settings.PASSWORD_RESET_RATE)


def account_over_limit(user) -> bool:
    """Count one reset mail for the account; True past PASSWORD_RESET_RATE (the same
    account reached through different spellings of its address)."""
    return over_limit("password-reset-account", str(user.pk), settings.PASSWORD_RESET_RATE)


class ResetForm(auth_forms.PasswordResetForm):
    """Django's form, skipping accounts that have had their share of reset mail."""

    def get_users(self, email):
        for user in super().get_users(email):
            if not account_over_limit(user):
                yield user


class ResetView(auth_views.PasswordResetView):
    form_class = ResetForm
    template_name = "hipclinic/account/reset_form.html"
    email_template_name = "hipclinic/account/reset_email.txt"
    subject_template_name = "hipclinic/account/reset_subject.txt"

    def form_valid(self, form):
        if address_over_limit(form.cleaned_data["email"]):
            return render(self.request, "hipclinic/account/reset_too_many.html", status=429)
        return super().form_valid(form)


class ResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "hipclinic/account/reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.user
        AuditEvent.record(
            AuditAction.PASSWORD_RESET,
            user,
            actor=user,
            clinic=user.clinic,
            ip=client_ip(self.request),
        )
        return response
