"""Filling a form in the browser by its labels, as a person does: one helper for every browser test."""

import re
from dataclasses import dataclass

# The labels that share words with others ("Email" and "Email again", "Organisation" and its type).
EMAIL = re.compile(r"^\s*Email")
ORGANISATION = re.compile(r"^\s*Organisation")


@dataclass(frozen=True)
class Choose:
    """Choose the option with this text in a list."""

    option: str


def exact(text: str) -> re.Pattern:
    """A label that is exactly `text`, not one that merely contains it ("Man", not "Woman")."""
    return re.compile(rf"^\s*{re.escape(text)}\s*$")


def required(text: str) -> re.Pattern:
    """A required field's label: `text` followed by crispy's asterisk."""
    return re.compile(rf"^\s*{re.escape(text)}\s*\*?\s*$")


def form_fill(page, answers: dict) -> None:
    """Answer each field found by its label (a text the label contains, or a pattern), in order.

    A string is typed, `Choose("…")` picks an option in a list, True ticks a box or picks a radio button.
    """
    for label, answer in answers.items():
        field = page.get_by_label(label)
        if isinstance(answer, Choose):
            field.select_option(label=answer.option)
        elif answer is True:
            field.check()
        else:
            field.fill(answer)
