"""Signal receivers of the registration app: a new meeting gets its default reminders."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from agenda.models import Meeting

from . import reminders


@receiver(post_save, sender=Meeting, dispatch_uid="registration.meeting_default_reminders")
def meeting_default_reminders(sender, instance, created, raw=False, **kwargs):
    # Fixtures (raw) bring their own reminders.
    if created and not raw:
        reminders.reminder_create_defaults(meeting=instance)
