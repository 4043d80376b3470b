"""What a registrant typed that an email to an address not yet shown to be theirs may repeat: enough, and no link."""

import re
import unicodedata

# What a mail client could turn into a link, or a reader follow: a scheme, "www.", an address, a domain
# name ("evil.example", "bit.ly"). A name such as "Dr.Smith" is caught too; it then costs only the name
# in the greeting ("Hello,"), which is the safe side.
LINK_LIKE = re.compile(r"http|://|www\.|@|\w\.[^\W\d_]{2,}", re.IGNORECASE)


def link_like(text: str) -> bool:
    """Whether `text` holds anything that reads as a link or an address, also in look-alike characters."""
    # NFKC folds full-width and other compatibility forms ("ｈｔｔｐ", "．") into the ones checked.
    return bool(LINK_LIKE.search(unicodedata.normalize("NFKC", text)))


def recognisable_details(*, name: str, organisation: str) -> dict[str, str]:
    """The typed text a confirmation shows so that its reader recognises the registration, each part only without links.

    Everything else in such an email is our own text: the form can be posted with anyone's address,
    so a name like "URGENT: claim your grant at https://…" must not reach that inbox from our domain.
    """
    return {
        "name": "" if link_like(name) else name,
        "organisation": "" if link_like(organisation) else organisation,
    }


def names_for_email(*, honorific: str, first_name: str, last_name: str) -> dict[str, str]:
    """The names an email may put wherever it names its reader (placeholders, the calendar's attendee): all of
    them, or, when any part holds something link-like, none, as the greeting does."""
    if any(link_like(part) for part in (honorific, first_name, last_name)):
        return {"first_name": "", "last_name": "", "full_name": ""}
    full_name = " ".join(part for part in (honorific, first_name, last_name) if part)
    return {"first_name": first_name, "last_name": last_name, "full_name": full_name}
