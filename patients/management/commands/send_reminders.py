from django.core.management.base import BaseCommand

from patients.reminder_sending import NUDGE, REMINDER, send_due_reminders


class Command(BaseCommand):
    help = (
        "Send the reminder and nudge emails that are due now, at most one a day per patient, "
        "and exit. For set-ups that run it from cron (every hour) instead of the background "
        "worker; running it as well as the worker sends nothing twice."
    )

    def handle(self, *args, **options):
        sent = send_due_reminders()
        self.stdout.write(f"Sent {sent[REMINDER]} reminders and {sent[NUDGE]} nudges.")
