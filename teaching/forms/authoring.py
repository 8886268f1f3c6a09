"""Forms for authoring a lesson: the pasted article, one sentence's key, one key device, the details."""

import datetime
from collections.abc import Sequence

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from teaching.authoring import MAX_BODY_LENGTH
from teaching.marks import words_in
from teaching.models import Lesson, Segment, Technique

LANGUAGE_CHOICES = [("en", _("English")), ("ru", _("Russian"))]


class ArticleForm(forms.Form):
    """An article pasted by a teacher: headline, outlet, date, language and text."""

    title = forms.CharField(
        label=_("Headline"),
        max_length=200,
        help_text=_("It becomes the lesson's title; you can change it."),
        error_messages={"required": _("Give the article's headline.")},
    )
    outlet = forms.CharField(
        label=_("Outlet"),
        max_length=100,
        help_text=_("For example “BBC News”."),
        error_messages={"required": _("Name the outlet that published the article.")},
    )
    published = forms.DateField(
        label=_("Published on"),
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Give the day the article was published."),
            "invalid": _("Enter the date as YYYY-MM-DD, for example 2025-11-13."),
        },
    )
    language = forms.ChoiceField(label=_("Language of the article"), choices=LANGUAGE_CHOICES, initial="en")
    # No max_length on the field: the browser would cut a long paste short without a word.
    body = forms.CharField(
        label=_("Article text"),
        widget=forms.Textarea(attrs={"rows": 16, "spellcheck": "false"}),
        help_text=_(
            "Paste only the article: no scraper lines such as “date 2025-11-13”, no comments. "
            "Keep headings on lines of their own. At most %(limit)s characters."
        )
        % {"limit": f"{MAX_BODY_LENGTH:,}"},
        error_messages={"required": _("Paste the article's text: it is empty.")},
    )

    def clean_published(self):
        published = self.cleaned_data["published"]
        if published > timezone.localdate() + datetime.timedelta(days=1):
            raise forms.ValidationError(_("That date is in the future. Enter the day the article appeared."))
        return published

    def clean_body(self):
        # Browsers send a textarea's line breaks as CRLF; offsets must count one character per break.
        body = self.cleaned_data["body"].replace("\r\n", "\n").replace("\r", "\n")
        if len(body) > MAX_BODY_LENGTH:
            raise forms.ValidationError(
                _(
                    "The text is %(length)s characters long; a lesson takes at most %(limit)s. "
                    "Paste a shorter article, or the part of it your class will read."
                )
                % {"length": f"{len(body):,}", "limit": f"{MAX_BODY_LENGTH:,}"}
            )
        return body


class LessonDetailsForm(forms.ModelForm):
    """The lesson's title and the summary other teachers read in the library."""

    class Meta:
        model = Lesson
        fields = ["title", "summary"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "summary": _("One or two sentences for the lesson library: what the article is and why.")
        }


class SegmentKeyForm(forms.ModelForm):
    """One sentence's voices key; ids carry the sentence number, as every sentence has a form on the page."""

    class Meta:
        model = Segment
        fields = ["kind", "voice", "speaker", "quote_source", "neutral", "explanation"]
        labels = {"quote_source": _("Whose quoted words?"), "neutral": _("Neutral: no device")}
        widgets = {"explanation": forms.Textarea(attrs={"rows": 2})}
        # The section's introduction explains each field once, not once per sentence.
        help_texts = {"neutral": "", "explanation": ""}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, auto_id=f"seg{kwargs['instance'].position}-%s", **kwargs)
        self.fields["voice"].required = True
        self.fields["voice"].error_messages["required"] = _("Choose whose words the sentence is.")
        quote_choices = self.fields["quote_source"].choices[1:]
        self.fields["quote_source"].choices = [("", _("— no quotes —")), *quote_choices]


def technique_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Return the techniques as select options grouped by family, in palette order."""
    labels = dict(Technique.Family.choices)
    groups: dict[str, list[tuple[str, str]]] = {family: [] for family in Technique.Family.values}
    for technique in Technique.objects.order_by("position", "name"):
        groups.setdefault(technique.family, []).append(
            (technique.slug, f"{technique.name} ({technique.code})")
        )
    return [(labels.get(family, family), members) for family, members in groups.items() if members]


def scope_words(body: str, segments: Sequence[Segment], start: int, end: int) -> list[tuple[int, int]]:
    """Return the words of the sentences that ``[start, end)`` touches, to move its ends within them."""
    touched = [s for s in segments if s.start < end and s.end > start] or list(segments[:1])
    if not touched:
        return []
    return words_in(body, touched[0].start, touched[-1].end)


class ExplanationForm(forms.Form):
    """A key device's explanation alone: the form each device shows until its words are edited."""

    explanation = forms.CharField(
        label=_("Explanation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Students read this in their feedback: what the words do, in plain words."),
    )

    def __init__(self, *args, device=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    @property
    def device_fields(self) -> dict:
        """Return the device's own words and technique with the new explanation."""
        kept = {"start": self.device.start, "end": self.device.end, "technique": self.device.technique}
        return {**kept, "explanation": self.cleaned_data["explanation"]}


class KeyDeviceForm(forms.Form):
    """A key device's technique, its stretch as a first and a last word, and its explanation."""

    technique = forms.ModelChoiceField(
        label=_("Technique"),
        queryset=Technique.objects.all(),
        to_field_name="slug",
        error_messages={
            "required": _("Choose a technique."),
            "invalid_choice": _("That technique is not in the list. Choose one from it."),
        },
    )
    first_word = forms.TypedChoiceField(label=_("First word"), coerce=int)
    last_word = forms.TypedChoiceField(label=_("Last word"), coerce=int)
    explanation = forms.CharField(
        label=_("Explanation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Students read this in their feedback: what the words do, in plain words."),
    )

    def __init__(
        self,
        *args,
        body: str,
        words: Sequence[tuple[int, int]],
        span=None,
        choices=None,
        autofocus=False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        if autofocus:
            self.fields["first_word"].widget.attrs["autofocus"] = True
        self.body, self.words, self.span = body, list(words), span
        word_choices = [(index, f"{index + 1}. {body[s:e]}") for index, (s, e) in enumerate(self.words)]
        bad_word = _("Choose words from the sentence’s list.")
        for name in ("first_word", "last_word"):
            self.fields[name].choices = word_choices
            self.fields[name].error_messages.update(required=bad_word, invalid_choice=bad_word)
        self.fields["technique"].choices = choices if choices is not None else technique_choices()
        if span is not None:
            self.initial.setdefault("first_word", self._word_at(span[0]))
            self.initial.setdefault("last_word", self._word_at(span[1] - 1))

    def _word_at(self, position: int) -> int:
        """Return the index of the word that holds ``position`` (or the nearest one after it)."""
        for index, (_start, end) in enumerate(self.words):
            if end > position:
                return index
        return max(len(self.words) - 1, 0)

    def clean(self):
        data = super().clean()
        first, last = data.get("first_word"), data.get("last_word")
        if first is None or last is None:
            return data
        # A last word picked before the first is an easy slip; the stretch is the same.
        first, last = sorted((first, last))
        data["start"], data["end"] = self.words[first][0], self.words[last][1]
        if self.span is not None:
            # Ends left where they were keep the exact offsets, even where they differ from whole words.
            if first == self.initial.get("first_word"):
                data["start"] = self.span[0]
            if last == self.initial.get("last_word"):
                data["end"] = self.span[1]
        return data

    @property
    def device_fields(self) -> dict:
        """Return the keyword arguments the key-device functions take, from valid data."""
        return {key: self.cleaned_data[key] for key in ("start", "end", "technique", "explanation")}


class AddDeviceForm(KeyDeviceForm):
    """A new key device: a sentence first (the keyboard path), then its first and last word."""

    segment = forms.TypedChoiceField(label=_("Sentence"), coerce=int, widget=forms.HiddenInput)

    def __init__(self, *args, body: str, segments: Sequence[Segment], sentence=None, **kwargs):
        data = args[0] if args else kwargs.get("data")
        if data is not None:
            sentence = data.get("segment")
        by_position = {str(s.position): s for s in segments}
        self.segment_obj = by_position.get(str(sentence))
        words = words_in(body, self.segment_obj.start, self.segment_obj.end) if self.segment_obj else []
        super().__init__(*args, body=body, words=words, **kwargs)
        self.fields["segment"].choices = [(position, position) for position in by_position]
        self.fields["segment"].error_messages.update(
            required=_("Choose a sentence from the list."),
            invalid_choice=_("Choose a sentence from the list."),
        )
        if self.segment_obj is not None:
            self.initial.setdefault("segment", self.segment_obj.position)
        # A new device names no technique until the teacher chooses one.
        self.fields["technique"].choices = [("", _("Choose a technique…")), *self.fields["technique"].choices]

    @property
    def segment_obj_text(self) -> str:
        """Return the chosen sentence's text, as the picker shows it."""
        return self.body[self.segment_obj.start : self.segment_obj.end].strip() if self.segment_obj else ""
