"""The secret links the site emails: how each is written, and the one way to hide them wherever others read text."""

import re
from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import reverse

if TYPE_CHECKING:
    # Not at run time: the log filters import this module while logging is configured, before the models load.
    from registration.models import Registration

# A manage link (/register/manage/<token>/…) lets whoever holds it act as the participant, and
# links added later (/register/email/<token>/confirm/) will be as powerful. Any path segment of
# 20 or more URL-safe characters after /register/ is taken for such a token, so a new kind of
# link is hidden without anyone remembering to add it here.
SECRET_LINK = re.compile(r"(/register/(?:[A-Za-z0-9_-]{1,19}/)*)[A-Za-z0-9_-]{20,}")
HIDDEN = "[hidden]"


def secret_link_url(*, name: str, token: str) -> str:
    """The absolute address of the URL pattern `name` for `token`, as an email shows it."""
    return settings.SITE_URL + reverse(name, args=[token])


def manage_url(*, registration: "Registration") -> str:
    """The link that lets its holder see, change and cancel `registration`."""
    return secret_link_url(name="registration:manage", token=registration.manage_token)


def secret_links_redact(*, text: str) -> str:
    """`text` with the token of every secret link replaced by [hidden]."""
    return SECRET_LINK.sub(rf"\g<1>{HIDDEN}", text)
