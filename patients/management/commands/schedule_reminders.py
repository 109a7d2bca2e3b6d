from django.core.management.base import BaseCommand

from patients.reminder_sending import can_schedule, start_schedule


class Command(BaseCommand):
    help = (
        "Start the hourly reminder emails: queue one run of the send_reminders task for the "
        "background worker (`manage.py db_worker`), which then queues the next run each hour. "
        "Does nothing when a run is already waiting, so it is safe to call at every start "
        "(make run and make serve do)."
    )

    def handle(self, *args, **options):
        if not can_schedule():
            self.stdout.write(
                "The task backend runs tasks at once and cannot hold them for later: "
                "run `manage.py send_reminders` every hour from cron instead."
            )
        elif start_schedule():
            self.stdout.write("Reminder emails: the first run is queued for the worker.")
        else:
            self.stdout.write("Reminder emails: a run is already waiting for the worker.")
