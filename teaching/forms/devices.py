"""The devices activity's forms: add a mark (from a selection, or by sentence and words), change one."""

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from teaching.marks import words_in
from teaching.models import Segment, Technique


class TechniqueField(forms.Field):
    """
    A technique named by its slug, as the palette and the selects send it.

    Looked up in ``techniques`` (slug to Technique), which the form is given: the
    views pass the taxonomy they keep per lesson version (teaching/devices_html.py),
    which spares every save a query.
    """

    default_error_messages = {
        "required": _("Choose a technique."),
        "invalid_choice": _("That technique is not in the palette. Choose one from the list."),
    }

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.techniques: Mapping[str, Technique] = {}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        technique = self.techniques.get(str(value))
        if technique is None:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return technique


def _techniques(techniques: Mapping[str, Technique] | None) -> Mapping[str, Technique]:
    return techniques if techniques is not None else Technique.objects.in_bulk(field_name="slug")


class AddMarkForm(forms.Form):
    """
    A new mark, given either as offsets into the body (a selection) or as a sentence and words.

    The sentence-and-words shape is the keyboard and screen-reader path; it works
    with no JavaScript at all. Either way ``cleaned_data`` ends up with start and end.
    """

    start = forms.IntegerField(required=False)
    end = forms.IntegerField(required=False)
    segment = forms.IntegerField(label=_("Sentence"), required=False)
    first_word = forms.IntegerField(label=_("First word"), required=False)
    last_word = forms.IntegerField(label=_("Last word"), required=False)
    technique = TechniqueField(label=_("Technique"))
    client_id = forms.UUIDField(
        error_messages={
            "required": _("The save had no id. Reload the page and try again."),
            "invalid": _("The save had a broken id. Reload the page and try again."),
        }
    )

    def __init__(
        self,
        *args,
        body: str,
        segments: Sequence[Segment],
        techniques: Mapping[str, Technique] | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.body = body
        self.segments = segments
        self.fields["technique"].techniques = _techniques(techniques)

    def clean(self):
        data = super().clean()
        if data.get("segment") is not None:
            data["start"], data["end"] = self._span_of_words(data)
        elif data.get("start") is None or data.get("end") is None:
            raise forms.ValidationError(_("Select some words in the article first."), code="no_selection")
        return data

    def _span_of_words(self, data):
        segment = next((s for s in self.segments if s.position == data["segment"]), None)
        if segment is None:
            raise forms.ValidationError(_("Choose a sentence from the list."), code="segment")
        words = words_in(self.body, segment.start, segment.end)
        first, last = data.get("first_word"), data.get("last_word")
        if first is None or last is None:
            raise forms.ValidationError(_("Choose the first and the last word."), code="words")
        if not (0 <= first < len(words) and 0 <= last < len(words)):
            raise forms.ValidationError(_("Choose words from the sentence you picked."), code="words")
        # Picking the last word before the first is an easy slip; the stretch is the same.
        first, last = sorted((first, last))
        return words[first][0], words[last][1]

    @property
    def mark_fields(self) -> dict:
        """Return the keyword arguments ``add_mark`` takes, from valid data."""
        return {key: self.cleaned_data[key] for key in ("start", "end", "technique", "client_id")}


def selection_fields(data: Mapping[str, Any], techniques: Mapping[str, Technique]) -> dict | None:
    """
    Return ``add_mark``'s keyword arguments from a well-formed selection save, or None.

    Every mark made by selecting words sends just this: two offsets, a technique's slug
    and a UUID. Read directly it costs a tenth of an AddMarkForm (whose fields are deep
    copied for each instance). Whatever this does not take as it is (the keyboard path,
    a missing or malformed field) gets None, and the form then reads it or says what is
    wrong: this accepts only what AddMarkForm accepts, with the same values.
    """
    if data.get("segment"):
        return None
    try:
        start, end = int(data["start"]), int(data["end"])
        client_id = uuid.UUID(data["client_id"])
    except (KeyError, TypeError, ValueError):
        return None
    technique = techniques.get(data.get("technique") or "")
    if technique is None:
        return None
    return {"start": start, "end": end, "technique": technique, "client_id": client_id}


class MarkChangeForm(forms.Form):
    """Relabel a mark with another technique, or remove it."""

    action = forms.ChoiceField(
        choices=[("relabel", _("Relabel")), ("remove", _("Remove"))],
        error_messages={"required": _("Say whether to relabel or remove the mark.")},
    )
    technique = TechniqueField(label=_("New technique"), required=False)
    # The technique the page showed the mark with: a change based on an older view of
    # the mark (it was relabelled in another tab since) is refused, not applied over it.
    was = forms.CharField(required=False, max_length=50)

    def __init__(self, *args, techniques: Mapping[str, Technique] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["technique"].techniques = _techniques(techniques)

    def clean(self):
        data = super().clean()
        if data.get("action") == "relabel" and not data.get("technique") and "technique" not in self.errors:
            self.add_error("technique", _("Choose the technique to relabel it with."))
        return data
