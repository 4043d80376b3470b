"""A logging filter that keeps participants' manage-link tokens out of every log line."""

import logging

from registration.secret_links import SECRET_LINK, secret_links_redact


# The manage link is the participant's only credential: anyone holding it can change or
# cancel the registration, so it must not reach log files or a log shipper.
class RedactManageTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if SECRET_LINK.search(message):
            record.msg = secret_links_redact(text=message)
            record.args = ()
        request = getattr(record, "request", None)
        if request is not None:
            # django.request attaches the request; JSON logs would print its path.
            record.request = secret_links_redact(text=f"{getattr(request, 'method', '')} {request!s}")
        return True
