"""Emails to focal points: the invitation and the one-time sign-in link, in the focal point's language.

Not written to the registrations' outbox: its rows belong to a registration, and a sign-in link must not be
kept in a table in clear (only its hash is). The task gets the link as an argument, lives a few minutes in the
broker, and is retried on transient SMTP errors; a lost sign-in email is asked for again from the same page.
"""

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from delegations.models import FocalPoint
from registration.mail.emails import email_message_id_new
from registration.mail.outbox import smtp_error_is_transient

logger = logging.getLogger(__name__)

INVITATION = "invitation"
SIGN_IN = "sign_in"
SUBJECTS = {
    INVITATION: translation.gettext_noop("You are a focal point for delegations"),
    SIGN_IN: translation.gettext_noop("Your sign-in link"),
}


def focal_point_email_queue(*, focal_point: FocalPoint, kind: str, link: str = "") -> None:
    """Send `kind` to the focal point once the transaction commits."""
    transaction.on_commit(lambda: send_focal_point_email.apply_async(args=[focal_point.pk, kind, link]))


def focal_point_email_send(*, focal_point_id: int, kind: str, link: str) -> None:
    focal_point = FocalPoint.objects.select_related("entity").filter(pk=focal_point_id, is_active=True).first()
    if focal_point is None:
        logger.info("focal point %s is gone or replaced; nothing sent", focal_point_id)
        return
    with translation.override(focal_point.language):
        context = {
            "focal_point": focal_point,
            "entity_name": focal_point.entity.display_name(focal_point.language),
            "link": link,
            "sign_in_url": settings.SITE_URL + reverse("delegations:sign_in"),
            "valid_minutes": 20,
            "site_url": settings.SITE_URL,
        }
        text = render_to_string(f"delegations/email/{kind}.txt", context).strip() + "\n"
        html = render_to_string(f"delegations/email/{kind}.html", context)
        subject = _(SUBJECTS[kind])
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[focal_point.email],
        headers={"Message-ID": email_message_id_new(), "Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(html, "text/html")
    message.send()


@shared_task(name="delegations.send_focal_point_email", bind=True, acks_late=True, max_retries=5)
def send_focal_point_email(self, focal_point_id: int, kind: str, link: str = "") -> None:
    try:
        focal_point_email_send(focal_point_id=focal_point_id, kind=kind, link=link)
    except Exception as exc:
        if not smtp_error_is_transient(exc) or self.request.is_eager:
            logger.exception("focal point email %s to %s not sent", kind, focal_point_id)
            return
        raise self.retry(countdown=60 * 2**self.request.retries) from exc
