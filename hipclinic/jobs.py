"""Background jobs: bulk work queued through the Django tasks API.

A request that asks for bulk work (issuing many handouts, re-rendering after a
branding change, emailing a link) writes a BackgroundJob row and enqueues a task
with ids only; `manage.py db_worker` runs it (the django-tasks database backend),
and the task reports progress on the row, which the admin shows. Tests run tasks
immediately (the immediate backend).
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from hipclinic.models import BackgroundJob, Clinic, JobKind, JobStatus

try:  # Django 6 has the tasks API built in; on 5.2 the django-tasks backport provides it.
    from django.tasks import task
except ImportError:  # pragma: no cover - depends on the Django version
    from django_tasks import task

__all__ = ["task", "start_job", "running_job", "STOPPED", "summary_language"]

STOPPED = gettext_lazy("Stopped by an error; the site's administrators can see it.")


def summary_language(job: BackgroundJob) -> str:
    """The language a job's summary is written in: that of the staff user who asked for the
    work (their account's, else the site's), who is the one waiting to read how it went.
    A summary is kept as written, so a task writes it inside ``translation.override`` of
    this language."""
    user = job.requested_by
    return user.writing_language if user is not None else settings.LANGUAGE_CODE


def start_job(
    kind: JobKind,
    clinic: Clinic,
    user,
    task_function,
    *args,
    total: int = 0,
    prepare=None,
    copies: int = 1,
):
    """Record a job for ``clinic`` and enqueue ``task_function(job_id, *args)``.

    ``prepare(job)``, if given, runs first in the same transaction (to record the job's
    work items); ``copies`` enqueues the task that many times, so as many workers can
    share the job (the task then claims its items one at a time).
    """
    with transaction.atomic():
        job = BackgroundJob.objects.create(clinic=clinic, requested_by=user, kind=kind, total=total)
        if prepare is not None:
            prepare(job)
        # The database backend stores the task in this same transaction, so a worker
        # never sees a task without its job row.
        results = [task_function.enqueue(job.pk, *args) for _ in range(copies)]
        result = results[0]
    BackgroundJob.objects.filter(pk=job.pk, task_id="").update(task_id=str(result.id)[:64])
    job.refresh_from_db()
    return job


@contextmanager
def running_job(job_id: int) -> Iterator[BackgroundJob]:
    """Mark the job running for the body; done when it returns, failed if it raises. The
    body runs in the job's ``summary_language``."""
    job = BackgroundJob.objects.select_related("clinic", "requested_by").get(pk=job_id)
    job.status = JobStatus.RUNNING
    job.save(update_fields=["status"])
    try:
        with translation.override(summary_language(job)):
            yield job
    except Exception:
        job.status = JobStatus.FAILED
        with translation.override(summary_language(job)):
            job.summary = job.summary or str(STOPPED)
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "summary", "finished_at"])
        raise
    job.status = JobStatus.DONE
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "total", "done", "summary", "finished_at"])


def advance(job: BackgroundJob, summary: str = "") -> None:
    """One more item finished (saved, so the admin shows progress while it runs)."""
    job.done += 1
    if summary:
        job.summary = summary
    job.save(update_fields=["done", "summary"])
