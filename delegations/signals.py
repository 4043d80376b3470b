"""How delegations take part in the waiting list: caps narrow who is offered a place, and members taking one wait
for the secretariat's confirmation."""

from django.dispatch import receiver

from delegations.caps import candidates_within_caps
from delegations.models import Delegation, Member
from registration import waiting_list

waiting_list.candidates_filter_register(candidates_within_caps)


@receiver(waiting_list.place_taken, dispatch_uid="delegations.member_takes_place")
def member_takes_place(sender, registration, **kwargs) -> bool:
    member = Member.objects.filter(registration=registration, withdrawn_at=None).first()
    if member is None:
        return False
    delegation = Delegation.objects.select_for_update().get(pk=member.delegation_id)
    if delegation.status == Delegation.Status.CONFIRMED:
        delegation.status = Delegation.Status.CHANGES_PENDING
        delegation.save(update_fields=["status"])
    return True
