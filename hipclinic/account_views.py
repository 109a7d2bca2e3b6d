"""The staff account's own pages: the second sign-in step, two-factor enrolment, the
user's security page (devices, recovery codes, password, sessions), and invitations (a
manager's list, the invitee's page).

Thin on purpose: the rules (who needs a second factor, how codes are checked, counted
and audited, what a session is and how it ends) are in hipclinic.two_factor,
hipclinic.passwords, hipclinic.staff_sessions and hipclinic.invitations.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, login_required, permission_required
from django.contrib.auth.forms import SetPasswordForm, UsernameField
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from hipclinic import invitations as account_invitations
from hipclinic import passkeys, passwords, staff_sessions, two_factor
from hipclinic.access import staff_required
from hipclinic.models import Role, User


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
        help_text=_(
            "The 6 digits your authenticator app shows now, or one of your recovery codes."
        ),
    )

    def __init__(self, *args, has_app: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not has_app:  # passkeys only: the box takes a recovery code
            self.fields["code"].help_text = _("One of your recovery codes.")


@never_cache
@login_required
@sensitive_post_parameters("code")
def second_step(request: HttpRequest) -> HttpResponse:
    """The second sign-in step: a code from the authenticator app or a recovery code, or
    the user's passkey (its ceremony runs in the page: hipclinic.passkeys)."""
    if two_factor.owes(request) != "second_step":
        return redirect(two_factor.safe_next(request))
    has_app = two_factor.has_app(request.user)
    form = CodeForm(request.POST or None, has_app=has_app)
    if form.is_valid():
        if two_factor.pass_second_step(request, form.cleaned_data["code"]):
            return redirect(two_factor.safe_next(request))
        form.add_error("code", _("That code is not right. Check it and try again."))
    return render(
        request,
        "hipclinic/account/second_step.html",
        {
            "form": form,
            "next": request.POST.get("next") or request.GET.get("next", ""),
            "has_passkey": passkeys.has_passkey(request.user),
            "has_app": has_app,
        },
    )


@never_cache
@login_required
@sensitive_post_parameters("code")
def two_factor_enrol(request: HttpRequest) -> HttpResponse:
    """Add an authenticator app (scan the code or type the key, then confirm with a code
    from the app) or a passkey (its ceremony runs in the page: hipclinic.passkeys). A first
    device's recovery codes are shown once, right after."""
    if two_factor.owes(request) == "second_step":
        return redirect("second_step")
    device = two_factor.unconfirmed_app_device(request.user)
    form = CodeForm(request.POST or None)
    if form.is_valid():
        codes = two_factor.confirm_app_device(request, device, form.cleaned_data["code"])
        if codes:
            return recovery_codes_page(request, codes)
        if codes is not None:
            messages.success(request, _("Authenticator app added."))
            return redirect(two_factor.safe_next(request))
        form.add_error("code", _("That code is not right. Check the app's clock and try again."))
    return render(
        request,
        "hipclinic/account/enrol.html",
        {
            "form": form,
            "required": two_factor.needs_two_factor(request.user),
            "qr_code": two_factor.qr_code_data_url(device),
            "key": two_factor.key_for_typing(device),
            "next": request.POST.get("next") or request.GET.get("next", ""),
        },
    )


class PasswordAgainForm(forms.Form):
    """The user's password, asked again before a change to how they sign in."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )

    def __init__(self, request: HttpRequest, *args, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not passwords.confirms(self.request, password):
            raise forms.ValidationError(_("That is not your password."))
        return password


@never_cache
@staff_required
def account_security(request: HttpRequest) -> HttpResponse:
    """The user's own security page: their two-factor devices and recovery codes, a link
    to change their password, and where they are signed in."""
    user = request.user
    return render(
        request,
        "hipclinic/account/security.html",
        {
            "devices": two_factor.devices_listed(user),
            "required": two_factor.needs_two_factor(user),
            "codes_left": two_factor.recovery_codes_left(user),
            "sessions": staff_sessions.sessions_of(request),
        },
    )


@never_cache
@staff_required
@sensitive_post_parameters("password")
def device_remove(request: HttpRequest) -> HttpResponse:
    """Remove one of the user's two-factor devices, after their password again.

    Why the password: a session left open on a clinic computer would otherwise let anyone
    passing take the second factor off the account, which its owner might not notice until
    it mattered. The password is asked rather than a code because the device may be the
    very thing that was lost (django-allauth and GitHub ask the same before this). Wrong
    passwords count towards the sign-in lock-out (``passwords.confirms``).

    The last device of an account that must keep one is not removed (``may_remove`` says
    why): the page says so and asks for nothing.
    """
    device = two_factor.own_device(
        request.user, request.POST.get("device") or request.GET.get("device", "")
    )
    if device is None:
        raise Http404
    if not two_factor.may_remove(request.user, device):
        return render(request, "hipclinic/account/device_kept.html", {"device": device})
    form = PasswordAgainForm(request, request.POST or None)
    if form.is_valid():
        two_factor.remove_device(request, device)
        messages.success(request, _("%(name)s removed.") % {"name": device.name})
        return redirect("account_security")
    return render(
        request,
        "hipclinic/account/device_remove.html",
        {
            "form": form,
            "device": device,
            "last": len(two_factor.sign_in_devices(request.user)) == 1,
        },
    )


@never_cache
@staff_required
@sensitive_post_parameters("password")
def recovery_codes_new(request: HttpRequest) -> HttpResponse:
    """Make new recovery codes, after the password again (as for removing a device: each
    code signs in in place of the phone); the old ones stop working and the new ones are
    shown once, as at enrolment."""
    if not two_factor.is_enrolled(request.user):
        return redirect("account_security")
    form = PasswordAgainForm(request, request.POST or None)
    if form.is_valid():
        return render(
            request,
            "hipclinic/account/recovery_codes.html",
            {
                "codes": two_factor.new_recovery_codes(request),
                "next": reverse("account_security"),
            },
        )
    return render(request, "hipclinic/account/recovery_codes_new.html", {"form": form})


@staff_required
@require_POST
def session_end(request: HttpRequest, pk: int) -> HttpResponse:
    """Sign out of another place the user is signed in. No password: ending a session only
    takes access away, and whoever sees a session they do not know needs it gone at once.
    Another user's session, or this one, is a 404."""
    row = get_object_or_404(staff_sessions.others_of(request), pk=pk)
    staff_sessions.end_session(request, row)
    messages.success(request, _("Signed out of %(browser)s.") % {"browser": row.browser_label})
    return redirect("account_security")


@staff_required
@require_POST
def sessions_end_others(request: HttpRequest) -> HttpResponse:
    """Sign out everywhere else; this session stays."""
    count = staff_sessions.end_other_sessions(request)
    messages.success(
        request,
        ngettext(
            "Signed out of %(count)d other place.",
            "Signed out of %(count)d other places.",
            count,
        )
        % {"count": count},
    )
    return redirect("account_security")


@never_cache
@login_required
def passkey_added(request: HttpRequest) -> HttpResponse:
    """Where the enrolment page goes once a passkey is saved: its recovery codes if it was
    the first device (once), else on to where the user was going."""
    codes = passkeys.recovery_codes_to_show(request)
    if codes:
        return recovery_codes_page(request, codes)
    messages.success(request, _("Passkey added."))
    return redirect(two_factor.safe_next(request))


def recovery_codes_page(request: HttpRequest, codes: list[str]) -> HttpResponse:
    return render(
        request,
        "hipclinic/account/recovery_codes.html",
        {"codes": codes, "next": two_factor.safe_next(request)},
    )


class InvitationForm(forms.Form):
    """Whom to invite and as what. No clinic: an invitation is always for the inviter's."""

    email = forms.EmailField(label=_("Email address"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class AcceptForm(SetPasswordForm):
    """The invitee's username and their own password (Django's validators)."""

    username = UsernameField(label=_("Username"), max_length=150)

    field_order = ["username", "new_password1", "new_password2"]

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("That username is taken. Choose another."))
        self.user.username = username  # the similarity validator compares with it
        return username


@staff_required
@permission_required("hipclinic.add_invitation", raise_exception=True)
def invitations(request: HttpRequest) -> HttpResponse:
    """The clinic's pending invitations, and a form to invite a colleague."""
    form = InvitationForm(request.POST or None)
    if form.is_valid():
        invitation = account_invitations.invite(
            request, form.cleaned_data["email"], form.cleaned_data["role"]
        )
        messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
        return redirect("invitations")
    return render(
        request,
        "hipclinic/account/invitations.html",
        {"form": form, "pending": account_invitations.pending_for(request.user)},
    )


@staff_required
@permission_required("hipclinic.change_invitation", raise_exception=True)
@require_POST
def invitation_resend(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = get_object_or_404(account_invitations.pending_for(request.user), pk=pk)
    account_invitations.resend(request, invitation)
    messages.success(
        request, _("Invitation sent again to %(email)s.") % {"email": invitation.email}
    )
    return redirect("invitations")


@staff_required
@permission_required("hipclinic.change_invitation", raise_exception=True)
@require_POST
def invitation_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = get_object_or_404(account_invitations.pending_for(request.user), pk=pk)
    account_invitations.withdraw(request, invitation)
    messages.success(request, _("Invitation to %(email)s withdrawn.") % {"email": invitation.email})
    return redirect("invitations")


@login_not_required
@never_cache
@sensitive_post_parameters("new_password1", "new_password2")
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The invitee's page: choose a username and password, then signed in. A link that is
    used, withdrawn, replaced or expired gets a page that says so (404)."""
    invitation = account_invitations.usable(token)
    if invitation is None:
        return render(request, "hipclinic/account/invitation_gone.html", status=404)
    form = AcceptForm(User(email=invitation.email), request.POST or None)
    if form.is_valid():
        account_invitations.accept(
            request, invitation, form.cleaned_data["username"], form.cleaned_data["new_password1"]
        )
        return redirect("patients:today")
    return render(
        request,
        "hipclinic/account/invitation_accept.html",
        {"form": form, "invitation": invitation},
    )
