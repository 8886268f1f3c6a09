"""The voices activity's form: one small form per segment, prefixed with the segment's id."""

from django import forms
from django.utils.translation import gettext_lazy as _

from teaching.answers import QUOTE_SOURCE_CHOICES, VOICE_CHOICES, has_quotes


class VoiceAnswerForm(forms.Form):
    """One segment's answer; a segment without quotation marks has no quote-source question."""

    voice = forms.ChoiceField(
        label=_("Whose words?"),
        choices=VOICE_CHOICES,
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": _("Choose one of the four labels.")},
    )
    quote_source = forms.ChoiceField(
        label=_("Whose words are in the quotes?"),
        choices=[("", _("Not sure (optional)")), *QUOTE_SOURCE_CHOICES],
        required=False,
        error_messages={"invalid_choice": _("Choose one of the listed answers about the quotes.")},
    )
    # The answer's revision this page last saw (0: none yet), so a save cannot silently undo
    # a change made in another tab. Absent, as from an older page, the save just applies.
    revision = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=2**31 - 1,
        widget=forms.HiddenInput,
        error_messages={
            "invalid": _("This page is out of date. Reload it, then choose again."),
            "min_value": _("This page is out of date. Reload it, then choose again."),
            "max_value": _("This page is out of date. Reload it, then choose again."),
        },
    )

    def __init__(self, *args, segment, text, answer=None, require_voice=False, **kwargs):
        kwargs.setdefault("prefix", str(segment.pk))
        if answer is not None:
            kwargs.setdefault(
                "initial",
                {"voice": answer.voice, "quote_source": answer.quote_source, "revision": answer.revision},
            )
        else:
            kwargs.setdefault("initial", {"revision": 0})
        super().__init__(*args, **kwargs)
        self.segment = segment
        self.text = text
        self.fields["voice"].required = require_voice
        self.fields["voice"].error_messages["required"] = _("Choose one of the four labels first.")
        self.has_quotes = has_quotes(text)
        if not self.has_quotes:
            del self.fields["quote_source"]

    def clean(self):
        data = super().clean()
        if data.get("quote_source") and not data.get("voice"):
            self.add_error(
                "voice",
                _("Choose one of the four labels first; your answer about the quotes is saved with it."),
            )
        return data

    @property
    def answer(self) -> tuple[str, str] | None:
        """Return (voice, quote_source) from valid data, or None if the segment was left unanswered."""
        voice = self.cleaned_data.get("voice")
        return (voice, self.cleaned_data.get("quote_source", "")) if voice else None

    @property
    def seen_revision(self) -> int | None:
        """Return the revision the page last saw, from valid data (None if it sent none)."""
        return self.cleaned_data.get("revision")


def voice_answer_forms(*, segments, body, answers, data=None, disabled=False):
    """Return one form per segment, filled with the student's saved answers (or with ``data``)."""
    result = []
    for number, segment in enumerate(segments, start=1):
        form = VoiceAnswerForm(
            data,
            segment=segment,
            text=body[segment.start : segment.end].strip(),
            answer=answers.get(segment.pk),
        )
        form.number = number
        for field in form.fields.values():
            field.disabled = disabled
        result.append(form)
    return result
