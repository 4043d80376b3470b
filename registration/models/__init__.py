"""The registration app's models, one module per area: registrations, their emails, the online meeting, exports."""

from registration.models.attendance import Attendance, AttendanceImport, FollowUp, FollowUpDelivery
from registration.models.email_change import EmailChangeRequest
from registration.models.export_jobs import ExportJob
from registration.models.floor import FloorDecision
from registration.models.history import RegistrationEvent
from registration.models.invitations import CalendarInvitation
from registration.models.joining import SECRET_FIELDS, JoiningDetails, JoiningDetailsSent
from registration.models.mail import OutgoingEmail, Reminder
from registration.models.registration import (
    ACCESSIBILITY_FIELDS,
    DIVERSITY_FIELDS,
    NOT_ANSWERED,
    ONE_PER_EMAIL,
    PROTECTED_ANSWER_FIELDS,
    PROTECTED_FIELDS,
    Registration,
    YesNoPrivate,
    new_manage_token,
    protected_answers_given,
)
from registration.models.waiting import PlaceOffer

__all__ = [
    "ACCESSIBILITY_FIELDS",
    "DIVERSITY_FIELDS",
    "NOT_ANSWERED",
    "ONE_PER_EMAIL",
    "PROTECTED_ANSWER_FIELDS",
    "PROTECTED_FIELDS",
    "SECRET_FIELDS",
    "Attendance",
    "AttendanceImport",
    "CalendarInvitation",
    "EmailChangeRequest",
    "ExportJob",
    "FloorDecision",
    "FollowUp",
    "FollowUpDelivery",
    "JoiningDetails",
    "JoiningDetailsSent",
    "OutgoingEmail",
    "PlaceOffer",
    "Registration",
    "RegistrationEvent",
    "Reminder",
    "YesNoPrivate",
    "new_manage_token",
    "protected_answers_given",
]
