"""What the team decided about a meeting's documents, and the certificates of participation issued."""

import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Crockford's base32 without I, L, O and U: read from paper and typed again without confusion.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# 20 characters of 32: 100 bits, so guessing a valid code is hopeless however fast the verification page answers.
CODE_LENGTH = 20


def new_certificate_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[start : start + 5] for start in range(0, CODE_LENGTH, 5))


class ListOfParticipants(models.Model):
    """The version of the list the team published: the States and organisations represented, names if they chose.

    `represented` is the published version itself (States by code, organisations as typed, per section):
    what the public page shows until the team publishes again, so a withdrawn consent leaves the next version.
    It never holds a person's name; the full list, when published, is read live (`documents.participants`).
    """

    meeting = models.OneToOneField(
        "agenda.Meeting", on_delete=models.CASCADE, related_name="list_of_participants", verbose_name=_("meeting")
    )
    published_at = models.DateTimeField(
        _("published at"), null=True, blank=True, help_text=_("Empty while the list is not on the public page.")
    )
    names_published = models.BooleanField(
        _("participants' names published"),
        default=False,
        help_text=_("The full list, with the names of those who agreed to be listed, is on the public page."),
    )
    represented = models.JSONField(_("States and organisations represented"), default=list, blank=True)

    class Meta:
        verbose_name = _("list of participants")
        verbose_name_plural = _("lists of participants")

    def __str__(self):
        return str(self.meeting)


class CertificatePolicy(models.Model):
    """Who may download a certificate of participation of a meeting: attendance of at least `minimum_minutes`."""

    meeting = models.OneToOneField(
        "agenda.Meeting", on_delete=models.CASCADE, related_name="certificate_policy", verbose_name=_("meeting")
    )
    minimum_minutes = models.PositiveIntegerField(
        _("minimum minutes connected"),
        default=60,
        help_text=_("A participant connected for at least this long, by the imported attendance, gets a certificate."),
    )
    released_at = models.DateTimeField(
        _("released at"),
        null=True,
        blank=True,
        help_text=_("Empty until the team releases the certificates on the participants' pages."),
    )

    class Meta:
        verbose_name = _("certificates of participation")
        verbose_name_plural = _("certificates of participation")

    def __str__(self):
        return str(self.meeting)


class Certificate(models.Model):
    """The certificate issued to one registration, with the code that verifies it; erasure voids it."""

    registration = models.OneToOneField(
        "registration.Registration",
        on_delete=models.CASCADE,
        related_name="certificate",
        verbose_name=_("registration"),
    )
    code = models.CharField(_("verification code"), max_length=30, unique=True, default=new_certificate_code)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)

    class Meta:
        verbose_name = _("certificate issued")
        verbose_name_plural = _("certificates issued")

    def __str__(self):
        return self.code
