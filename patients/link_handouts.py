"""Printed handouts and the private links in their QR codes.

Every issued handout records the link its QR code opens (``Handout.patient_link``).
Revoking that link stops the paper in the patient's hands from opening, so staff are
told which handouts carry a link before they revoke it and after, and can issue the
current handout again with the newest live link's QR code.

Issuing again prints the latest *issued* revision once more, never the programme's
draft: like a branding change (``handouts.rebrand_handout``), a new link must not
publish edits nobody has issued.
"""

from dataclasses import dataclass

from django.db.models import QuerySet

from patients.handouts import render_and_store
from patients.links import links_for_staff
from patients.models import Handout, Patient, PatientLink, Prescription, PrescriptionStatus


@dataclass(frozen=True)
class LinkOnPaper:
    """One of a patient's links as staff see it: its address while it opens, and the
    issued handouts that print it as a QR code ("Hip strength, version 3")."""

    link: PatientLink
    url: str
    handouts: list[str]


def handout_label(handout: Handout) -> str:
    """How staff and messages name an issued handout: its printed title and version."""
    title = (handout.snapshot or {}).get("title") or handout.prescription.title
    return f"{title}, version {handout.revision}"


def handout_labels(handouts: QuerySet[Handout]) -> list[str]:
    """Labels of ``handouts``, by title then newest version first."""
    handouts = handouts.select_related("prescription").order_by("prescription__title", "-revision")
    return [handout_label(handout) for handout in handouts]


def links_on_paper(patient: Patient) -> list[LinkOnPaper]:
    """The patient's links, newest first, each with the handouts carrying it (two queries)."""
    links = links_for_staff(patient)
    carried: dict[int, list[str]] = {link.pk: [] for link, _url in links}
    handouts = Handout.objects.filter(patient_link__in=carried)
    for handout in handouts.select_related("prescription").order_by(
        "prescription__title", "-revision"
    ):
        carried[handout.patient_link_id].append(handout_label(handout))
    return [LinkOnPaper(link, url, carried[link.pk]) for link, url in links]


def handouts_on_open_links(rows: list[LinkOnPaper]) -> list[str]:
    """The handouts whose QR code opens today: the ones revoking the open links stops."""
    return [label for row in rows if row.url for label in row.handouts]


def carries_a_revoked_link(handout: Handout) -> bool:
    """Whether the handout's QR code no longer opens and never will again. An expired
    link is not one: extending it opens the paper again."""
    return handout.patient_link is not None and handout.patient_link.revoked_at is not None


def handouts_to_issue_again(patient: Patient) -> list[Handout]:
    """The newest handout of each of the patient's programmes whose QR code is revoked.

    Ended programmes are skipped (nothing to print again), and so is a discharged
    patient: their links do not open, whatever is printed.
    """
    if not patient.is_active:
        return []
    newest = {}
    handouts = (
        Handout.objects.filter(prescription__patient=patient)
        .exclude(prescription__status=PrescriptionStatus.ENDED)
        .select_related("prescription", "patient_link")
        .order_by("prescription_id", "-revision")
    )
    for handout in handouts:
        newest.setdefault(handout.prescription_id, handout)
    return [handout for handout in newest.values() if carries_a_revoked_link(handout)]


def issue_again(prescription: Prescription, user, *, ip: str | None = None) -> Handout | None:
    """Issue the latest handout again, as the next revision, with the newest live link.

    The content is the latest issued revision's snapshot; only the revision number and
    the QR code change. Returns None when there is nothing to redo: the programme has
    no handout, is ended, its patient is discharged, or its newest handout's link was
    not revoked (so pressing the button twice issues once). Audited like every issue.
    """

    def latest_with_a_revoked_link() -> dict | None:
        programme = Prescription.objects.select_related("patient").get(pk=prescription.pk)
        if programme.status == PrescriptionStatus.ENDED or not programme.patient.is_active:
            return None
        latest = programme.handouts.select_related("patient_link").order_by("-revision").first()
        if latest is None or not carries_a_revoked_link(latest):
            return None
        return {**latest.snapshot, "revision": latest.revision + 1}

    return render_and_store(prescription, latest_with_a_revoked_link, user, ip=ip)


def issue_again_for(patient: Patient, user, *, ip: str | None = None) -> list[Handout]:
    """Issue again every programme of ``patient`` whose newest handout no longer opens.

    Synchronous: a patient has one or two programmes. Raises handouts.CannotIssue when a
    programme keeps changing while its handout is made (the ones before it stay issued).
    """
    issued = []
    for stale in handouts_to_issue_again(patient):
        handout = issue_again(stale.prescription, user, ip=ip)
        if handout is not None:
            issued.append(handout)
    return issued
