"""Credentials (a note verbale or letter of nomination): a PDF checked by its content, kept privately, removed in time.

A file is taken for a PDF when it starts with the PDF header (`%PDF-1.x` or `%PDF-2.0`) and has the end-of-file
marker `%%EOF` near its end, as every PDF writer puts it: what it is called or claims to be counts for nothing.
The file is never parsed: it reaches only the team, as a download, never shown by the site.
"""

import datetime
import re
import secrets
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from delegations.models import Delegation

PDF_HEADER = re.compile(rb"^%PDF-[12]\.\d")
EOF_MARKER = b"%%EOF"
# Writers may add a line break or a few bytes of padding after the marker; 1024 is what readers tolerate.
EOF_WINDOW = 1024
SAFE_NAME = re.compile(r"[^\w.\- ]+")


def credentials_check(*, upload) -> bytes:
    """The uploaded file's bytes if it is a PDF of at most CREDENTIALS_MAX_BYTES; `ValidationError` otherwise."""
    limit = settings.CREDENTIALS_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(_("The file is larger than 5 MB. Please send a smaller PDF."), code="too_large")
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise ValidationError(_("The file is larger than 5 MB. Please send a smaller PDF."), code="too_large")
    if not PDF_HEADER.match(content) or EOF_MARKER not in content[-EOF_WINDOW:]:
        raise ValidationError(
            _("This file is not a PDF. Please upload the note verbale or letter as a PDF file."), code="not_pdf"
        )
    return content


def _path(stored_name: str) -> Path:
    return Path(settings.CREDENTIALS_DIR) / stored_name


def credentials_store(*, delegation: Delegation, upload, now: datetime.datetime) -> Delegation:
    """Keep the PDF as the delegation's credentials, replacing any earlier file; a new file awaits verification."""
    content = credentials_check(upload=upload)
    directory = Path(settings.CREDENTIALS_DIR)
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    # A random name: nothing typed by the focal point reaches the file system.
    stored_name = f"{delegation.pk}-{secrets.token_hex(16)}.pdf"
    _path(stored_name).write_bytes(content)
    with transaction.atomic():
        delegation = Delegation.objects.select_for_update().get(pk=delegation.pk)
        previous = delegation.credentials_file
        delegation.credentials_file = stored_name
        delegation.credentials_name = SAFE_NAME.sub("_", Path(upload.name or "credentials.pdf").name)[:200]
        delegation.credentials_uploaded_at = now
        delegation.credentials_verified_at = None
        if delegation.status == Delegation.Status.CONFIRMED:
            delegation.status = Delegation.Status.CHANGES_PENDING
        elif delegation.status == Delegation.Status.CREDENTIALS_VERIFIED:
            delegation.status = Delegation.Status.NOMINATED
        delegation.save()
        if previous:
            transaction.on_commit(lambda: _path(previous).unlink(missing_ok=True))
    return delegation


def credentials_path(*, delegation: Delegation) -> Path | None:
    """Where the delegation's credentials are on disk, or None when there are none (or they were removed)."""
    if not delegation.credentials_file:
        return None
    path = _path(delegation.credentials_file)
    return path if path.is_file() else None


def credentials_remove_past(*, now: datetime.datetime, days_after: int) -> int:
    """Remove the credentials of meetings that ended `days_after` days ago, like registrations; return how many."""
    due = Delegation.objects.exclude(credentials_file="").filter(
        meeting__ends_at__lte=now - datetime.timedelta(days=days_after)
    )
    removed = 0
    for delegation in due:
        _path(delegation.credentials_file).unlink(missing_ok=True)
        Delegation.objects.filter(pk=delegation.pk).update(credentials_file="", credentials_name="")
        removed += 1
    return removed
