"""The registration app's models, one module per area: registrations, their emails, the online meeting, exports."""

from registration.models.attendance import Attendance, AttendanceImport, FollowUp, FollowUpDelivery
from registration.models.export_jobs import ExportJob
from registration.models.floor import FloorDecision
from registration.models.joining import SECRET_FIELDS, JoiningDetails, JoiningDetailsSent
from registration.models.mail import OutgoingEmail, Reminder
from registration.models.registration import (
    ACCESSIBILITY_FIELDS,
    DIVERSITY_FIELDS,
    NOT_ANSWERED,
    PROTECTED_ANSWER_FIELDS,
    EmailChangeRequest,
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
    "PROTECTED_ANSWER_FIELDS",
    "SECRET_FIELDS",
    "Attendance",
    "AttendanceImport",
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
    "Reminder",
    "YesNoPrivate",
    "new_manage_token",
    "protected_answers_given",
]
