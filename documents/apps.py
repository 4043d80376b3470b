"""App configuration for the meeting's documents."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The name an email's `attachment` gives the participant's certificate of participation.
CERTIFICATE_ATTACHMENT = "certificate"


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("The meeting's documents")

    def ready(self):
        # Follow-up messages may carry each attendee's certificate, made when the email is sent.
        from documents.certificate_pdf import certificate_attachment
        from registration.mail.emails import email_attachment_register

        email_attachment_register(name=CERTIFICATE_ATTACHMENT, make=certificate_attachment)
