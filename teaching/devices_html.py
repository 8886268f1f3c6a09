"""
The devices activity's HTML: what is the same for every student rendered once, the rest built on it.

The page shows a lesson's article with one student's marks laid over it, the list of
those marks (each with its relabel and remove forms) and their count. Rendered with
template tags it cost some 40 ms of CPU a page on the benchmark's machine: a tag per run
of text, a template per mark, the palette's techniques again in every mark's select.
Now what is the same for every student of a lesson (the article cut into sentences and
escaped, the technique options, the palette, the page around the student's work) is
rendered once per process and kept under a content-addressed key
(teaching/lesson_cache.py); a student's marks are laid over it by the plain functions
below, which join pieces escaped in advance.

Everything from the database goes through ``escape`` here, as the templates' autoescape
would have it. The page around the work is rendered without the request (no user, no
CSRF token), so nothing of one visitor can be kept and shown to another.
"""

from array import array
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape

from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from teaching.lesson_cache import RenderedOnce
from teaching.models import Segment, Technique
from teaching.stencil import Stencil
from teaching.text_runs import runs

OOB = ' hx-swap-oob="true"'

# Escaped the way Django's autoescape does it (html.escape with quotes).
_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"}


# The taxonomy ------------------------------------------------------------------------


def palette(techniques: Iterable[Technique]) -> list[tuple[str, str, list[Technique]]]:
    """Return (family, family name, techniques) in Technique.Family order, each family by position."""
    order = {value: index for index, value in enumerate(Technique.Family.values)}
    groups: dict[str, list[Technique]] = {}
    for technique in sorted(techniques, key=lambda t: (order.get(t.family, len(order)), t.position, t.name)):
        groups.setdefault(technique.family, []).append(technique)
    labels = dict(Technique.Family.choices)
    return [(family, labels.get(family, family), members) for family, members in groups.items()]


@dataclass(frozen=True)
class Look:
    """How one technique is drawn, escaped in advance."""

    slug: str
    name: str
    code: str
    highlight: str  # The classes of a highlight it is the first mark of.
    second: str  # The classes it adds as the last of overlapping marks.
    badge: str  # Its code badge after the last run of a mark.
    options: SafeString  # The technique <option>s with this one selected, as the template renders them.


# The lesson --------------------------------------------------------------------------


def paragraphs(body: str, segments: Sequence[Segment]) -> list[tuple[bool, list[int]]]:
    """Return the article's paragraphs and headings: (is heading, indexes into ``segments``)."""
    blocks: list[tuple[bool, list[int]]] = []
    ends_paragraph = True
    for index, segment in enumerate(segments):
        heading = segment.kind == Segment.Kind.HEADING
        if ends_paragraph or heading or blocks[-1][0]:
            blocks.append((heading, []))
        blocks[-1][1].append(index)
        text = body[segment.start : segment.end]
        # Segments keep their trailing blank lines; a line break there ends the paragraph.
        ends_paragraph = "\n" in text[len(text.rstrip()) :]
    return blocks


@dataclass(frozen=True, eq=False)
class LessonParts:
    """What the activity shows of one lesson, in one language, the same for every student."""

    key: tuple  # (lesson pk, content version, interface language): what it was built for.
    body: str
    language: str  # The article's, for its lang attribute.
    segments: tuple[Segment, ...]  # In position (text) order.
    # The article with no mark over it, in pieces: the paragraphs' and headings' tags, and
    # each sentence, at article_pieces[sentence_at[index]], to swap for one with marks.
    article_pieces: tuple[str, ...]
    sentence_at: tuple[int, ...]
    techniques: dict[str, Technique]  # By slug.
    techniques_by_pk: dict[int, Technique]
    palette: list
    looks: dict[int, Look]  # By technique pk.
    no_technique_options: SafeString  # The technique <option>s with none selected.
    sentence_labels: tuple[str, ...]  # Each sentence, shortened and escaped, for the sentence select.
    no_sentence_options: str  # The sentence <option>s with none selected.
    words: dict[str, str]  # The interface's words the builders below use, translated.
    _escaped: str
    _offsets: array  # _escaped[_offsets[i]:_offsets[j]] is body[i:j], escaped.
    _by_start: tuple[int, ...]  # Segment indexes in order of start, and their starts:
    _starts: tuple[int, ...]  # for finding the sentences a mark touches by bisection.

    def look(self, technique: Technique) -> Look:
        """Return how ``technique`` is drawn; one added since these parts were built is drawn now."""
        look = self.looks.get(technique.pk)
        return look if look is not None else _look(technique, self.palette)

    def escaped(self, start: int, end: int) -> str:
        """Return ``body[start:end]`` escaped, by slicing the body escaped once."""
        last = len(self.body)  # Sliced as body[start:end] would be, past its end too.
        return self._escaped[self._offsets[min(start, last)] : self._offsets[min(end, last)]]

    def sentences_touched(self, start: int, end: int) -> list[int]:
        """Return the indexes (in position order) of the segments [start, end) overlaps."""
        found = []
        at = max(bisect_right(self._starts, start) - 1, 0)
        while at < len(self._starts) and self._starts[at] < end:
            index = self._by_start[at]
            if self.segments[index].end > start:
                found.append(index)
            at += 1
        return sorted(found)

    def technique_options(self, selected: str | None) -> SafeString:
        """Return the technique <option>s, ``selected`` (a slug) chosen if it is one."""
        technique = self.techniques.get(selected or "")
        return self.look(technique).options if technique else self.no_technique_options

    def sentence_options(self, selected: int | None) -> str:
        """Return the sentence select's <option>s, the one at position ``selected`` chosen."""
        if selected is None:
            return self.no_sentence_options
        return _sentence_options(self.segments, self.sentence_labels, selected)


_LESSONS = RenderedOnce(max_entries=32)


def lesson_parts(lesson) -> LessonParts:
    """Return the lesson's parts for the current language, built on first use per content version."""
    key = (lesson.pk, lesson.content_version, get_language())
    return _LESSONS.get(key, lambda: _build_parts(lesson, key))


def _escape_index(body: str) -> tuple[str, array]:
    pieces, offsets, at = [], array("L"), 0
    for character in body:
        offsets.append(at)
        piece = _ESCAPES.get(character, character)
        pieces.append(piece)
        at += len(piece)
    offsets.append(at)
    return "".join(pieces), offsets


def _sentence_options(segments: Sequence[Segment], labels: Sequence[str], selected: int | None) -> str:
    return "".join(
        f'<option value="{segment.position}"{" selected" if segment.position == selected else ""}>'
        f"{number}. {label}</option>"
        for number, (segment, label) in enumerate(zip(segments, labels, strict=True), start=1)
    )


def _look(technique: Technique, groups) -> Look:
    slug, code, name = escape(technique.slug), escape(technique.code), escape(technique.name)
    options = render_to_string(
        "teaching/_devices_technique_options.html", {"palette": groups, "selected": technique.slug}
    )
    return Look(
        slug=slug,
        name=name,
        code=code,
        highlight=f"dv-hl tech-{slug} dv-fam-{escape(technique.family)}",
        second=f" dv-overlap tech2-{slug}",
        badge=(
            f'<sup class="dv-code tech-{slug}"><span aria-hidden="true">{code}</span>'
            f'<span class="visually-hidden"> ({name})</span></sup>'
        ),
        options=options,
    )


def _build_parts(lesson, key: tuple) -> LessonParts:
    body = lesson.article.body
    segments = tuple(lesson.segments.order_by("position"))
    techniques = list(Technique.objects.order_by("position", "name"))
    groups = palette(techniques)
    escaped, offsets = _escape_index(body)
    by_start = tuple(sorted(range(len(segments)), key=lambda index: segments[index].start))
    labels = tuple(escape(Truncator(body[s.start : s.end].strip()).chars(72)) for s in segments)
    pieces, sentence_at = [], [0] * len(segments)
    for heading, indexes in paragraphs(body, segments):
        pieces.append('<h3 class="dv-heading">' if heading else "<p>")
        for index in indexes:
            segment = segments[index]
            sentence_at[index] = len(pieces)
            pieces.append(
                f'<span id="dv-sentence-{segment.position}"><span data-start="{segment.start}">'
                f"{escaped[offsets[segment.start] : offsets[segment.end]]}</span></span>"
            )
        pieces.append("</h3>\n" if heading else "</p>\n")
    return LessonParts(
        key=key,
        body=body,
        language=escape(lesson.article.language),
        segments=segments,
        article_pieces=tuple(pieces),
        sentence_at=tuple(sentence_at),
        techniques={technique.slug: technique for technique in techniques},
        techniques_by_pk={technique.pk: technique for technique in techniques},
        palette=groups,
        looks={technique.pk: _look(technique, groups) for technique in techniques},
        no_technique_options=render_to_string(
            "teaching/_devices_technique_options.html", {"palette": groups, "selected": None}
        ),
        sentence_labels=labels,
        no_sentence_options=_sentence_options(segments, labels, None),
        words={
            "technique_for": _("Technique for “%(text)s”"),
            "relabel": escape(_("Relabel")),
            "remove": escape(_("Remove")),
            "none_yet": escape(
                _("No marks yet. Select a few words in the article and name the trick they use.")
            ),
            "none_made": escape(_("You made no marks.")),
        },
        _escaped=escaped,
        _offsets=offsets,
        _by_start=by_start,
        _starts=tuple(segments[index].start for index in by_start),
    )


# A student's marks over the article -----------------------------------------------------


def sentence_html(parts: LessonParts, index: int, marks: Sequence, *, oob: bool = False) -> str:
    """
    Return one sentence of the article with ``marks`` (those touching it, in text order) laid over it.

    Marks may overlap and elements may not, so the sentence is cut into runs that
    share the same marks: plain runs are spans, marked ones <mark>s naming every mark
    over them, the first one's colour and family, stripes of the last one's if several;
    a mark's code badge follows its last run. Every run carries its offset in the body
    (data-start), which devices.js turns a selection into offsets with.
    """
    if not marks and not oob:
        return parts.article_pieces[parts.sentence_at[index]]
    segment = parts.segments[index]
    pieces = [f'<span id="dv-sentence-{segment.position}"{OOB if oob else ""}>']
    for run in runs(parts.body, segment.start, segment.end, marks):
        text = parts.escaped(run.start, run.end)
        if not run.spans:
            pieces.append(f'<span data-start="{run.start}">{text}</span>')
            continue
        first, last = run.spans[0], run.spans[-1]
        classes = parts.look(first.technique).highlight
        if len(run.spans) > 1:
            classes += parts.look(last.technique).second
        ids = " ".join(str(mark.client_id) for mark in run.spans)
        pieces.append(f'<mark class="{classes}" data-start="{run.start}" data-marks="{ids}">{text}</mark>')
        pieces.extend(parts.look(mark.technique).badge for mark in run.spans if mark.end == run.end)
    pieces.append("</span>")
    return "".join(pieces)


def _marks_by_sentence(parts: LessonParts, marks: Iterable) -> dict[int, list]:
    by_sentence: dict[int, list] = {}
    for mark in marks:
        for index in parts.sentences_touched(mark.start, mark.end):
            by_sentence.setdefault(index, []).append(mark)
    return by_sentence


def article_html(parts: LessonParts, marks: Sequence, *, oob: bool = False) -> str:
    """Return the whole article, in paragraphs and headings, with ``marks`` (in text order) over it."""
    pieces = list(parts.article_pieces)
    for index, over in _marks_by_sentence(parts, marks).items():
        pieces[parts.sentence_at[index]] = sentence_html(parts, index, over)
    return (
        f'<div id="devices-article" class="dv-article" data-length="{len(parts.body)}" '
        f'lang="{parts.language}"{OOB if oob else ""}>\n{"".join(pieces)}</div>'
    )


def sentences_html(parts: LessonParts, marks: Sequence, spans: Iterable[tuple[int, int]]) -> str:
    """Return, to swap in out of band, each sentence any of ``spans`` touches, with ``marks`` over it."""
    touched = sorted({index for start, end in spans for index in parts.sentences_touched(start, end)})
    pieces = []
    for index in touched:
        segment = parts.segments[index]
        over = [mark for mark in marks if mark.start < segment.end and mark.end > segment.start]
        pieces.append(sentence_html(parts, index, over, oob=True))
    return "".join(pieces)


def count_html(marks: Sequence, *, oob: bool = False) -> str:
    """
    Return how many marks there are; data-marks lists their client ids.

    devices.js swaps this in after every save and checks its list against the ids: a mark
    added or removed in another tab makes it fetch the whole list again.
    """
    ids = " ".join(str(mark.client_id) for mark in marks)
    count = ngettext(
        "<strong>%(counter)s</strong> mark", "<strong>%(counter)s</strong> marks", len(marks)
    ) % {"counter": len(marks)}
    return f'<p id="dv-count" class="dv-count" data-marks="{ids}"{OOB if oob else ""}>{count}</p>'


# The list of marks -------------------------------------------------------------------


@dataclass(frozen=True)
class MarkForms:
    """What a mark's relabel and remove forms need from the request: where they post, the CSRF token."""

    change_url: tuple[str, str]  # The mark_change URL before and after the client id.
    csrf_input: str

    @classmethod
    def build(cls, *, change_url: str, placeholder: str, csrf_token: str) -> "MarkForms":
        before, _, after = escape(change_url).partition(placeholder)
        token = escape(csrf_token)
        return cls((before, after), f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">')


def mark_item_html(parts: LessonParts, mark, forms: MarkForms | None) -> str:
    """Return one entry of "Your marks": the words and technique, and (unless locked) its forms."""
    look = parts.look(mark.technique)
    client_id = str(mark.client_id)
    text = parts.escaped(mark.start, mark.end)
    item = (
        f'<li id="mark-{client_id}" class="dv-mark tech-{look.slug}" tabindex="-1" '
        f'data-client-id="{client_id}" data-start="{mark.start}" data-end="{mark.end}" '
        f'data-technique="{look.slug}" data-technique-name="{look.name}">'
        f'<p class="dv-mark-what">'
        f'<span class="dv-code tech-{look.slug}" aria-hidden="true">{look.code}</span> '
        f'<q class="dv-mark-text">{text}</q> <span class="dv-mark-name">{look.name}</span></p>'
    )
    if forms is None:
        return item + "</li>"
    words = parts.words
    url = f"{forms.change_url[0]}{client_id}{forms.change_url[1]}"
    label = words["technique_for"] % {"text": text}
    return (
        f'{item} <div class="dv-mark-actions">'
        f'<form method="post" action="{url}" class="dv-relabel" data-devices-form="change">'
        f'{forms.csrf_input}<input type="hidden" name="action" value="relabel">'
        f'<input type="hidden" name="was" value="{look.slug}">'
        f'<label for="relabel-{client_id}" class="visually-hidden">{label}</label> '
        f'<select id="relabel-{client_id}" name="technique">{look.options}</select> '
        f'<button type="submit" class="secondary" id="relabel-button-{client_id}">{words["relabel"]}</button>'
        f"</form> "
        f'<form method="post" action="{url}" data-devices-form="change">'
        f'{forms.csrf_input}<input type="hidden" name="action" value="remove">'
        f'<input type="hidden" name="was" value="{look.slug}">'
        f'<button type="submit" class="secondary dv-remove" id="remove-{client_id}">{words["remove"]}'
        f'<span class="visually-hidden"> “{text}”</span></button>'
        f"</form></div></li>"
    )


def mark_list_html(parts: LessonParts, marks: Sequence, forms: MarkForms | None, *, oob: bool = False) -> str:
    """
    Return the list of marks and, shown only while it is empty, what to say instead.

    Both are always there, so devices.js can add the first mark or remove the last
    without asking the server for the section.
    """
    items = "".join(mark_item_html(parts, mark, forms) for mark in marks)
    hidden, hidden_list = (" hidden", "") if marks else ("", " hidden")
    oob_attribute = OOB if oob else ""
    if forms is None:  # Locked: nothing more will be marked.
        empty = f'<p id="dv-no-marks" class="muted"{hidden}{oob_attribute}>{parts.words["none_made"]}</p>'
    else:
        empty = f'<p id="dv-no-marks" class="dv-empty"{hidden}{oob_attribute}>{parts.words["none_yet"]}</p>'
    return f'<ol id="dv-mark-list" class="dv-mark-list"{hidden_list}{oob_attribute}>{items}</ol>{empty}'


# The page around the student's work ------------------------------------------------------

_PAGES = RenderedOnce(max_entries=128)


def activity_stencil(parts: LessonParts, context: dict, *, key: tuple) -> Stencil:
    """
    Return the activity page around the student's work, rendered once per lesson version and ``key``.

    ``key`` must name everything in ``context`` that is not the lesson's: the assignment, whether
    and why the work is locked.
    """
    return _PAGES.get(
        (*parts.key, *key),
        lambda: Stencil(
            render_to_string(
                "teaching/_devices_activity_body.html", {**context, "parts": parts, "slots": Stencil.slots}
            )
        ),
    )
