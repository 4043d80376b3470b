"""Signal receivers of the registration app: reminders for new and copied meetings, calendar updates on a new time."""

from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from agenda.copying import meeting_copied
from agenda.models import Meeting
from registration.mail import invitation_updates as invitation_services
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


@receiver(pre_save, sender=Meeting, dispatch_uid="registration.meeting_times_before")
def meeting_times_before(sender, instance, raw=False, **kwargs):
    # Read before the save, so the receiver after it can tell whether the time moved.
    if not raw and instance.pk is not None:
        instance._times_before = Meeting.objects.filter(pk=instance.pk).values_list("starts_at", "ends_at").first()


@receiver(post_save, sender=Meeting, dispatch_uid="registration.meeting_rescheduled")
def meeting_rescheduled(sender, instance, created, raw=False, **kwargs):
    before = getattr(instance, "_times_before", None)
    if created or raw or before is None:
        return
    instance._times_before = None
    if before != (instance.starts_at, instance.ends_at):
        # The agenda app saves meetings and knows nothing of registrations; the calendars follow from here.
        invitation_services.invitations_meeting_rescheduled(meeting=instance)
