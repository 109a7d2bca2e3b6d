"""The staff account's own pages: the second sign-in step and two-factor enrolment.

Thin on purpose: the rules (who needs a second factor, how codes are checked, counted
and audited) are in hipclinic.two_factor.
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from hipclinic import two_factor


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
        help_text=_(
            "The 6 digits your authenticator app shows now, or one of your recovery codes."
        ),
    )


@never_cache
@login_required
@sensitive_post_parameters("code")
def second_step(request: HttpRequest) -> HttpResponse:
    """The second sign-in step: a code from the authenticator app or a recovery code."""
    if two_factor.owes(request) != "second_step":
        return redirect(two_factor.safe_next(request))
    form = CodeForm(request.POST or None)
    if form.is_valid():
        if two_factor.pass_second_step(request, form.cleaned_data["code"]):
            return redirect(two_factor.safe_next(request))
        form.add_error("code", _("That code is not right. Check the app and try again."))
    return render(
        request,
        "hipclinic/account/second_step.html",
        {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")},
    )


@never_cache
@login_required
@sensitive_post_parameters("code")
def two_factor_enrol(request: HttpRequest) -> HttpResponse:
    """Add an authenticator app: scan the code (or type the key), then confirm with a code
    from the app. Recovery codes are shown once, right after."""
    if two_factor.owes(request) == "second_step":
        return redirect("second_step")
    device = two_factor.unconfirmed_app_device(request.user)
    form = CodeForm(request.POST or None)
    if form.is_valid():
        codes = two_factor.confirm_app_device(request, device, form.cleaned_data["code"])
        if codes is not None:
            return render(
                request,
                "hipclinic/account/recovery_codes.html",
                {"codes": codes, "next": two_factor.safe_next(request)},
            )
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
