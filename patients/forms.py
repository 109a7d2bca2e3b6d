"""Forms for building programmes."""

from django import forms
from django.contrib.auth import get_user_model

from exercises.models import Protocol
from patients.models import Patient, Prescription


def check_same_clinic(form: forms.Form, patient: Patient, therapist, protocol) -> None:
    """Add errors when the therapist or protocol cannot serve this patient's clinic.

    Staff only ever see their own clinic, so this matters to platform admins, who
    see every clinic and could otherwise mix two.
    """
    if therapist is not None and therapist.clinic_id != patient.clinic_id:
        form.add_error("therapist", "Choose a therapist of the patient's clinic.")
    if protocol is not None and protocol.clinic_id not in (None, patient.clinic_id):
        form.add_error("protocol", "Choose a protocol of the patient's clinic or the library.")


class PrescriptionAdminForm(forms.ModelForm):
    """A programme in the admin, refusing to overwrite a newer revision.

    The revision the therapist opened travels with the form; if someone saved the
    programme since, the save is refused rather than silently undoing their work.
    """

    seen_revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Prescription
        fields = [
            "patient",
            "title",
            "therapist",
            "status",
            "start_date",
            "review_date",
            "instructions",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["seen_revision"].initial = self.instance.revision

    def clean(self):
        cleaned_data = super().clean()
        seen = cleaned_data.get("seen_revision")
        if self.instance.pk and seen is not None:
            # Locked until the admin's transaction ends, so no save can slip in between.
            current = (
                Prescription.objects.select_for_update()
                .filter(pk=self.instance.pk)
                .values_list("revision", flat=True)
                .first()
            )
            if current != seen:
                raise forms.ValidationError(
                    f"Someone saved this programme while you were editing it (it is now "
                    f"revision {current}; you opened revision {seen}). Open it again to see "
                    "their changes, then make yours."
                )
        patient = cleaned_data.get("patient") or getattr(self.instance, "patient", None)
        if patient is not None:
            check_same_clinic(
                self, patient, cleaned_data.get("therapist"), cleaned_data.get("protocol")
            )
        return cleaned_data


class StartFromProtocolForm(forms.Form):
    """Choose a patient and a protocol to start a new draft programme from."""

    patient = forms.ModelChoiceField(queryset=Patient.objects.none())
    protocol = forms.ModelChoiceField(queryset=Protocol.objects.none())
    therapist = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(),
        required=False,
        label="prescribing therapist",
        help_text="Leave empty to prescribe as yourself.",
    )
    title = forms.CharField(
        max_length=150, required=False, help_text="Leave empty to use the protocol's name."
    )

    def __init__(self, *args, user, widgets=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["patient"].queryset = self.patient_choices(user)
        self.fields["protocol"].queryset = self.protocol_choices(user)
        self.fields["therapist"].queryset = (
            get_user_model().objects.visible_to(user).filter(is_active=True, is_staff=True)
        )
        for name, widget in (widgets or {}).items():
            widget.choices = self.fields[name].choices
            self.fields[name].widget = widget

    @staticmethod
    def patient_choices(user):
        return Patient.objects.visible_to(user)

    @staticmethod
    def protocol_choices(user):
        return Protocol.objects.visible_to(user).filter(archived=False)

    def clean(self):
        cleaned_data = super().clean()
        patient = cleaned_data.get("patient")
        if cleaned_data.get("therapist") is None:
            if self.user.clinic_id is None:
                self.add_error("therapist", "Choose the prescribing therapist.")
            else:
                cleaned_data["therapist"] = self.user
        if patient is not None:
            check_same_clinic(
                self, patient, cleaned_data.get("therapist"), cleaned_data.get("protocol")
            )
        return cleaned_data
