"""Writes of the meeting's documents: publishing the list of participants, and the certificates' settings."""

from django.db import transaction
from django.utils import timezone

from agenda.cache import pages_invalidate
from agenda.models import Meeting
from documents.models import ListOfParticipants
from documents.represented import represented_snapshot


@transaction.atomic
def list_of_participants_publish(*, meeting: Meeting, names_published: bool) -> ListOfParticipants:
    """Put the list as it now stands on the public meeting page; publishing again replaces the version shown."""
    published, _created = ListOfParticipants.objects.select_for_update().get_or_create(meeting=meeting)
    published.published_at = timezone.now()
    published.names_published = names_published
    published.represented = represented_snapshot(meeting=meeting)
    published.save()
    # The meeting page is cached whole: it must show the new version at once.
    transaction.on_commit(pages_invalidate)
    return published


@transaction.atomic
def list_of_participants_withdraw(*, meeting: Meeting) -> None:
    """Take the list off the public page; the version kept is emptied, so nothing of it lingers."""
    ListOfParticipants.objects.filter(meeting=meeting).update(published_at=None, names_published=False, represented=[])
    transaction.on_commit(pages_invalidate)
