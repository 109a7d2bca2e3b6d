"""Signals the core sends, for the apps that stand on it to act on.

The core knows clinics and staff, not handouts: when something about a clinic changes
that an app prints, the core says so and the app decides what follows.
"""

from django.dispatch import Signal

# Sent after a clinic's handout heading (Clinic.HANDOUT_HEADING: its name, contact
# details, logo or footer) changed, with ``clinic`` and ``user`` (who changed it). A
# receiver that starts work on it returns a sentence for that user.
branding_changed = Signal()

# Sent before a change to a clinic's handout heading is saved, with ``clinic`` holding
# the new values, unsaved. A receiver whose app would act on the change returns a
# sentence saying what would follow ("3 current handouts will be issued again ..."), or
# "" when nothing would; the clinic's admin page shows the sentences and asks first.
branding_change_proposed = Signal()
