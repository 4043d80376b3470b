"""Signal receivers of the registration app: a new meeting gets its default reminders, a copied one the original's."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from agenda.copying import meeting_copied
from agenda.models import Meeting
from registration.mail import reminders


@receiver(post_save, sender=Meeting, dispatch_uid="registration.meeting_default_reminders")
def meeting_default_reminders(sender, instance, created, raw=False, **kwargs):
    # Fixtures (raw) bring their own reminders.
    if created and not raw:
        reminders.reminder_create_defaults(meeting=instance)


@receiver(meeting_copied, dispatch_uid="registration.meeting_copy_reminders")
def meeting_copy_reminders(sender, source, copy, **kwargs):
    # Inside meeting_copy's transaction: a failure here leaves no half-copied meeting.
    reminders.reminder_copy_all(source=source, copy=copy)
