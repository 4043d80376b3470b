"""A logging filter that keeps participants' manage-link tokens out of every log line."""

import logging
import re

# The manage link is the participant's only credential: anyone holding it can change or
# cancel the registration, so it must not reach log files or a log shipper.
MANAGE_TOKEN = re.compile(r"(/manage/)[A-Za-z0-9_-]{16,}")
REDACTED = r"\1[redacted]"


class RedactManageTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if MANAGE_TOKEN.search(message):
            record.msg = MANAGE_TOKEN.sub(REDACTED, message)
            record.args = ()
        request = getattr(record, "request", None)
        if request is not None:
            # django.request attaches the request; JSON logs would print its path.
            record.request = MANAGE_TOKEN.sub(REDACTED, f"{getattr(request, 'method', '')} {request!s}")
        return True
