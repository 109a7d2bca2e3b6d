"""A draft whose handout is issued is in the patient's hands: it becomes Active, so it is
asked for measures, reported and re-issued after a branding change like every programme a
patient has. A builder still open on the draft cannot save "Draft" back over it.
"""

import pytest
from django.urls import reverse

from hipclinic.models import Clinic
from patients.handouts import current_programmes, issue_handout
from patients.models import PrescriptionStatus
from patients.prescribing import StaleProgramme, save_programme
from tests.factories import PatientFactory, PrescriptionFactory, PrescriptionItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(clinic, therapist):
    programme = PrescriptionFactory(
        patient=PatientFactory(clinic=clinic), therapist=therapist, title="Hip set"
    )
    PrescriptionItemFactory(prescription=programme)
    assert programme.status == PrescriptionStatus.DRAFT
    return programme


def test_issuing_a_drafts_handout_makes_it_active_and_says_so(client, therapist, draft):
    client.force_login(therapist)
    page = reverse("patients:programme_detail", args=[draft.pk])

    response = client.post(
        reverse("patients:issue_handout", args=[draft.pk]),
        {"layout": "full", "paper_size": "A4", "language": "en", "next": page},
        follow=True,
    )

    draft.refresh_from_db()
    assert draft.status == PrescriptionStatus.ACTIVE
    assert draft.handouts.count() == 1
    assert "The programme was a draft and is now Active" in response.content.decode()
    change = draft.history.first()
    assert (change.status, change.history_type) == (PrescriptionStatus.ACTIVE, "~")


def test_an_issued_draft_is_among_the_handouts_a_branding_change_reissues(clinic, therapist, draft):
    assert draft not in current_programmes(clinic)

    issue_handout(draft, therapist)

    assert draft in current_programmes(Clinic.objects.get(pk=clinic.pk))


def test_a_builder_opened_on_the_draft_cannot_save_draft_back_over_it(therapist, draft):
    opened_at = draft.revision  # the builder's form carries this
    issue_handout(draft, therapist)

    with pytest.raises(StaleProgramme):
        stale = type(draft).objects.get(pk=draft.pk)
        stale.status = PrescriptionStatus.DRAFT
        save_programme(stale, opened_at, items=[], user=therapist)

    draft.refresh_from_db()
    assert draft.status == PrescriptionStatus.ACTIVE
    assert draft.items.count() == 1


@pytest.mark.parametrize("status", [PrescriptionStatus.ACTIVE, PrescriptionStatus.ENDED])
def test_issuing_leaves_any_other_status_and_revision_alone(therapist, draft, status):
    draft.status = status
    draft.save()
    revision = draft.revision

    issue_handout(draft, therapist)

    draft.refresh_from_db()
    assert (draft.status, draft.revision) == (status, revision)
