"""The concept note's own text as organisers edit and translate it: sections, paragraphs, footnotes, links."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

from agenda.note_text import text_references

MARKUP_HELP = _(
    "Write [words](link-key) to link words to one of the meeting's note links, [^1] to cite footnote 1, "
    "and **words** for bold."
)


class NoteLink(models.Model):
    meeting = models.ForeignKey("agenda.Meeting", on_delete=models.CASCADE, related_name="note_links")
    key = models.SlugField(_("key"), max_length=60, help_text=_("The name texts use for it: [words](key)."))
    url = models.URLField(
        _("address"),
        blank=True,
        help_text=_("Left empty, the words show as plain text. Enter only an address you have checked."),
    )

    class Meta:
        ordering = ["key"]
        verbose_name = _("note link")
        verbose_name_plural = _("note links")
        constraints = [models.UniqueConstraint(fields=["meeting", "key"], name="unique_note_link_key")]

    def __str__(self):
        return self.key


class NoteFootnote(models.Model):
    meeting = models.ForeignKey("agenda.Meeting", on_delete=models.CASCADE, related_name="note_footnotes")
    number = models.PositiveSmallIntegerField(_("number"), validators=[MinValueValidator(1)])
    text = models.TextField(_("text"), help_text=MARKUP_HELP)

    class Meta:
        ordering = ["number"]
        verbose_name = _("footnote")
        verbose_name_plural = _("footnotes")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="unique_note_footnote_number"),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="note_footnote_number_positive"),
        ]

    def __str__(self):
        return f"{self.number}. {self.text[:70]}"

    def clean(self):
        if self.meeting_id:
            note_text_validate(self, "text", meeting_id=self.meeting_id)


class NoteSection(models.Model):
    meeting = models.ForeignKey("agenda.Meeting", on_delete=models.CASCADE, related_name="note_sections")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    heading = models.CharField(_("heading"), max_length=300)

    class Meta:
        ordering = ["position"]
        verbose_name = _("concept note section")
        verbose_name_plural = _("concept note sections")
        constraints = [models.UniqueConstraint(fields=["meeting", "position"], name="unique_note_section_position")]

    def __str__(self):
        return self.heading


class NoteParagraph(models.Model):
    class Kind(models.TextChoices):
        PARAGRAPH = "paragraph", _("Paragraph")
        ITEM = "item", _("List item (items next to each other form one list)")

    section = models.ForeignKey(NoteSection, on_delete=models.CASCADE, related_name="paragraphs")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PARAGRAPH)
    text = models.TextField(_("text"), help_text=MARKUP_HELP)

    class Meta:
        ordering = ["position"]
        verbose_name = _("paragraph")
        verbose_name_plural = _("paragraphs")

    def __str__(self):
        return self.text[:80]

    def clean(self):
        if self.section_id:
            note_text_validate(self, "text", meeting_id=self.section.meeting_id)


def note_text_validate(obj, name: str, *, meeting_id: int) -> None:
    """Every language of a note text may only name the meeting's links and footnotes, with bold closed."""
    keys = set(NoteLink.objects.filter(meeting_id=meeting_id).values_list("key", flat=True))
    numbers = set(NoteFootnote.objects.filter(meeting_id=meeting_id).values_list("number", flat=True))
    errors = {}
    for code, _name in settings.LANGUAGES:
        field = build_localized_fieldname(name, code)
        references = text_references(getattr(obj, field, None) or "")
        problems = []
        unknown_keys = sorted(set(references.links) - keys)
        if unknown_keys:
            problems.append(
                _("No note link is named %(keys)s: add it under the meeting's note links first.")
                % {"keys": ", ".join(unknown_keys)}
            )
        unknown_numbers = sorted(set(references.footnotes) - numbers)
        if unknown_numbers:
            problems.append(_("There is no footnote %(numbers)s.") % {"numbers": ", ".join(map(str, unknown_numbers))})
        if not references.bold_balanced:
            problems.append(_("A ** mark is not closed: bold words need ** before and after them."))
        if problems:
            errors[field] = problems
    if errors:
        raise ValidationError(errors)
