"""A re-issuing job whose worker dies part-way (issue 23 §4): the handout it held is taken
again once its claim is given up, none is issued twice, and the job still ends.

The worker's death is a claimed, unfinished row, as a killed process leaves it; the
other workers and the watch task run here as the task worker runs them.
"""

import datetime

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from hipclinic.models import BackgroundJob, Clinic, JobKind, JobStatus
from patients.handouts import issue_handout, rebrand_handout
from patients.models import Handout, PrescriptionStatus, Reissue
from patients.tasks import (
    rebrand_handouts,
    record_reissues,
    start_reissuing,
    watch_reissuing,
)
from tests.factories import PatientFactory, PrescriptionFactory, PrescriptionItemFactory

pytestmark = pytest.mark.django_db

DEAD_WORKER = "worker-host:4242"


@pytest.fixture
def programmes(clinic, therapist):
    made = []
    for number in range(3):
        programme = PrescriptionFactory(
            patient=PatientFactory(clinic=clinic, first_name=f"Patient {number}"),
            therapist=therapist,
            status=PrescriptionStatus.ACTIVE,
        )
        PrescriptionItemFactory(prescription=programme)
        issue_handout(programme, therapist)
        made.append(programme)
    Clinic.objects.filter(pk=clinic.pk).update(name="Northside Physio & Pilates")
    return made


@pytest.fixture
def job(clinic, manager, programmes):
    job = BackgroundJob.objects.create(
        clinic=clinic, requested_by=manager, kind=JobKind.REBRAND_HANDOUTS
    )
    record_reissues(job)
    return job


def claimed_by_a_worker(job, programme, *, minutes_ago: int) -> Reissue:
    """The row as a worker leaves it when it stops between claiming and finishing."""
    reissue = Reissue.objects.get(job=job, prescription=programme)
    reissue.claimed_at = timezone.now() - datetime.timedelta(minutes=minutes_ago)
    reissue.claimed_by = DEAD_WORKER
    reissue.save()
    return reissue


def revisions(programmes) -> list[list[int]]:
    return [
        sorted(Handout.objects.filter(prescription=p).values_list("revision", flat=True))
        for p in programmes
    ]


def test_a_claim_given_up_is_taken_again_and_the_job_ends(settings, job, programmes):
    settings.REISSUE_CLAIM_SECONDS = 600
    held = claimed_by_a_worker(job, programmes[1], minutes_ago=11)

    outcome = rebrand_handouts.call(job.pk)

    assert outcome == {"rerendered": 3}
    assert revisions(programmes) == [[1, 2], [1, 2], [1, 2]]
    held.refresh_from_db()
    assert held.claimed_by != DEAD_WORKER
    assert held.handout.revision == 2
    job.refresh_from_db()
    assert (job.status, job.done, job.summary) == (
        JobStatus.DONE,
        3,
        "3 handouts re-rendered.",
    )


def test_a_recent_claim_is_left_to_its_worker(settings, job, programmes):
    settings.REISSUE_CLAIM_SECONDS = 600
    held = claimed_by_a_worker(job, programmes[1], minutes_ago=2)

    outcome = rebrand_handouts.call(job.pk)

    assert outcome == {"rerendered": 2}
    assert revisions(programmes) == [[1, 2], [1], [1, 2]]
    held.refresh_from_db()
    assert (held.claimed_by, held.finished_at) == (DEAD_WORKER, None)
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING  # not done while its worker may still be on it


def test_a_worker_that_stored_its_handout_before_dying_is_not_issued_twice(
    settings, job, programmes, therapist
):
    """It died after storing revision 2 and before marking its row finished."""
    settings.REISSUE_CLAIM_SECONDS = 600
    held = claimed_by_a_worker(job, programmes[0], minutes_ago=30)
    rebrand_handout(programmes[0], therapist)

    rebrand_handouts.call(job.pk)

    assert revisions(programmes) == [[1, 2], [1, 2], [1, 2]]
    held.refresh_from_db()
    assert held.finished_at is not None
    job.refresh_from_db()
    assert job.status == JobStatus.DONE


def test_the_watch_finishes_a_job_whose_only_worker_died(settings, job, programmes):
    settings.REISSUE_CLAIM_SECONDS = 600
    rebrand_handouts.call(job.pk)  # the living workers did the rest before the watch
    Reissue.objects.filter(job=job, prescription=programmes[2]).update(
        finished_at=None, handout=None
    )
    Handout.objects.filter(prescription=programmes[2], revision=2).delete()
    BackgroundJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, done=2)
    claimed_by_a_worker(job, programmes[2], minutes_ago=10 * 60)

    assert watch_reissuing.call(job.pk) == {"status": JobStatus.DONE}

    assert revisions(programmes) == [[1, 2], [1, 2], [1, 2]]
    job.refresh_from_db()
    assert (job.status, job.done) == (JobStatus.DONE, 3)


@pytest.fixture
def database_backend(settings):
    settings.TASKS = {"default": {"BACKEND": settings.TASKS_BACKENDS["database"]}}


def test_a_job_is_watched_from_the_start_and_again_while_it_runs(
    settings, database_backend, clinic, manager, programmes
):
    settings.REISSUE_CLAIM_SECONDS = 600
    settings.REISSUE_TASKS = 2
    before = timezone.now()

    job = start_reissuing(clinic, manager)

    watches = DBTaskResult.objects.filter(task_path=watch_reissuing.module_path)
    (watch,) = watches
    assert watch.args_kwargs["args"] == [job.pk]
    assert watch.run_after >= before + datetime.timedelta(seconds=600)
    assert DBTaskResult.objects.filter(task_path=rebrand_handouts.module_path).count() == 2
    assert (
        list(DBTaskResult.objects.ready().values_list("task_path", flat=True))
        == [rebrand_handouts.module_path] * 2
    )  # the watch waits its time

    claimed_by_a_worker(job, programmes[0], minutes_ago=1)  # a worker on it now
    for other in programmes[1:]:
        Reissue.objects.filter(job=job, prescription=other).update(
            claimed_at=timezone.now(), finished_at=timezone.now(), claimed_by="other:1"
        )
    assert watch_reissuing.call(job.pk) == {"status": JobStatus.RUNNING}

    assert watches.all().count() == 2  # looked, found the job still running, looks again later
    job.refresh_from_db()
    assert job.status != JobStatus.DONE
