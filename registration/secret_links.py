"""The secret links the site emails, and the one way to hide them wherever someone else reads the text."""

import re

# A manage link (/register/manage/<token>/…) lets whoever holds it act as the participant, and
# links added later (/register/email/<token>/confirm/) will be as powerful. Any path segment of
# 20 or more URL-safe characters after /register/ is taken for such a token, so a new kind of
# link is hidden without anyone remembering to add it here.
SECRET_LINK = re.compile(r"(/register/(?:[A-Za-z0-9_-]{1,19}/)*)[A-Za-z0-9_-]{20,}")
HIDDEN = "[hidden]"


def secret_links_redact(*, text: str) -> str:
    """`text` with the token of every secret link replaced by [hidden]."""
    return SECRET_LINK.sub(rf"\g<1>{HIDDEN}", text)
