"""Passwords: reset by email, and the user's own change, with Django's own views.

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

A signed-in user changes their password on their security page, typing the old one
first; that session stays signed in and every other one ends. Whenever a signed-in user
types their password again (the change, or before removing a two-factor device or making
new recovery codes) it goes through ``authenticate``, so a wrong one counts in django-axes
and the audit trail as on the sign-in page: a session left open is no way to guess it.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from hipclinic import staff_sessions
from hipclinic.audit import audit_account
from hipclinic.models import AuditAction
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
        audit_account(self.request, AuditAction.PASSWORD_RESET, form.user)
        return response


def confirms(request: HttpRequest, password: str) -> bool:
    """Whether ``password`` is the signed-in user's own. Through ``authenticate``: a wrong
    one is counted (and, past the limit, locked out) by django-axes and audited, as on the
    sign-in page."""
    user = authenticate(request, username=request.user.get_username(), password=password)
    return user is not None and user.pk == request.user.pk


class ChangeForm(auth_forms.PasswordChangeForm):
    """Django's form (the old password, then the new one twice, Django's validators), the
    old password checked by ``confirms``."""

    def __init__(self, request: HttpRequest, *args, **kwargs):
        self.request = request
        super().__init__(request.user, *args, **kwargs)

    def clean_old_password(self):
        old_password = self.cleaned_data["old_password"]
        if not confirms(self.request, old_password):
            raise ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return old_password


class ChangeView(auth_views.PasswordChangeView):
    """The user's own password change: this session stays signed in, the others end
    (``staff_sessions.keep_this_session``), and the change is audited."""

    form_class = ChangeForm
    template_name = "hipclinic/account/password_change.html"
    success_url = reverse_lazy("account_security")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        del kwargs["user"]
        return {**kwargs, "request": self.request}

    def form_valid(self, form):
        form.save()
        staff_sessions.keep_this_session(self.request, form.user)
        audit_account(self.request, AuditAction.PASSWORD_CHANGED, form.user)
        messages.success(
            self.request,
            _("Your password is changed. Every other place you were signed in is signed out."),
        )
        return HttpResponseRedirect(self.get_success_url())
