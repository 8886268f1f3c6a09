"""
The voices activity: saving a student's labels, and the feedback that compares them with the key.

Also finds the quoted stretches of a sentence, which the activity uses to ask
"whose words are in the quotes?" and the feedback uses to highlight them.
"""

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from teaching.models import Attempt, Segment, Voice, VoiceAnswer
from teaching.models.content import QuoteSource
from teaching.scoring import VoiceScore, score_voices, voice_credit
from teaching.text_runs import Run, runs

# The names students see for the labels, and the one-line meaning shown with them.
VOICE_CHOICES = [
    (Voice.DIRECT, _("Exact quote")),
    (Voice.PARTIAL, _("Partial quote")),
    (Voice.PARAPHRASE, _("Paraphrase")),
    (Voice.NARRATION, _("Narration")),
]
VOICE_MEANINGS = {
    Voice.DIRECT: _("The whole sentence is the speaker's own words, inside quotation marks."),
    Voice.PARTIAL: _("The outlet retells it, but a few of the speaker's exact words are in quotation marks."),
    Voice.PARAPHRASE: _("The speaker's view in the outlet's words, with no quotation marks."),
    Voice.NARRATION: _("The outlet speaking for itself: place and date, headings, background."),
}
VOICE_NAMES = dict(VOICE_CHOICES)
QUOTE_SOURCE_CHOICES = [
    (QuoteSource.SPEAKER, _("The speaker's own words")),
    (QuoteSource.QUOTED_OTHER, _("Words the speaker borrows from others")),
    (QuoteSource.MIXED, _("Some of each")),
]
QUOTE_SOURCE_NAMES = dict(QUOTE_SOURCE_CHOICES)


class InvalidAnswer(ValueError):
    """An answer the activity cannot store: an unknown label, or a segment of another lesson."""


class AnswerChanged(ValueError):
    """Answers changed (in another tab) since the tab that sends new ones last saw them."""

    def __init__(self, segments: list[Segment]):
        super().__init__(_("Changed in another tab — reload to see the latest answer."))
        self.segments = segments


# Quotation marks ------------------------------------------------------------

_DOUBLE_OPEN = "“„«"
_DOUBLE_CLOSE = "”»"
_SINGLE_OPEN = "‘"
_SINGLE_CLOSE = "’"
# A straight quote opens a quotation after these (or at the start), and closes one otherwise.
_BEFORE_OPENING = " \t\n([{—–-“‘"


@dataclass(frozen=True)
class Quote:
    """A quoted stretch [start, end), quotation marks included; ``inner`` if inside another quote."""

    start: int
    end: int
    inner: bool = False


def _opens(text: str, index: int) -> bool:
    """Return whether the straight quote at ``index`` reads as an opening mark."""
    before = text[index - 1] if index else " "
    after = text[index + 1] if index + 1 < len(text) else " "
    return before in _BEFORE_OPENING and not after.isspace()


def _is_apostrophe(text: str, index: int) -> bool:
    """Return whether the mark at ``index`` sits between two letters, as in "Russia’s"."""
    return 0 < index < len(text) - 1 and text[index - 1].isalnum() and text[index + 1].isalnum()


def quoted_stretches(text: str, offset: int = 0) -> list[Quote]:
    """
    Return the stretches of ``text`` inside quotation marks, in order, shifted by ``offset``.

    Double quotes (straight or curly) may open in an earlier sentence or close in
    a later one, so an unmatched one runs to the end or from the start of the
    text. Single quotes (curly, or straight ones used as scare quotes) count only
    when both marks are found: alone, one is far more often an apostrophe.
    """
    quotes: list[Quote] = []
    double_open: int | None = None
    single_open: int | None = None
    for index, char in enumerate(text):
        if char in _DOUBLE_OPEN or (char == '"' and double_open is None and _opens(text, index)):
            double_open = index
        elif char in _DOUBLE_CLOSE or char == '"':
            start = 0 if double_open is None else double_open
            quotes.append(Quote(start, index + 1))
            double_open = single_open = None
        elif char in _SINGLE_OPEN or (char == "'" and single_open is None and _opens(text, index)):
            single_open = index
        elif char in _SINGLE_CLOSE + "'" and single_open is not None and not _is_apostrophe(text, index):
            quotes.append(Quote(single_open, index + 1, inner=double_open is not None))
            single_open = None
    if double_open is not None:
        quotes.append(Quote(double_open, len(text.rstrip())))
    quotes = [q for q in quotes if q.end > q.start]
    return sorted(
        (Quote(q.start + offset, q.end + offset, q.inner) for q in quotes), key=lambda q: (q.start, q.inner)
    )


def has_quotes(text: str) -> bool:
    """Return whether ``text`` contains a quotation."""
    return bool(quoted_stretches(text))


# Saving answers -------------------------------------------------------------


def _check_answer(*, attempt: Attempt, segment: Segment, voice: str, quote_source: str) -> None:
    if segment.lesson_id != attempt.assignment.lesson_id:
        raise InvalidAnswer("This sentence belongs to another lesson.")
    if voice not in Voice.values:
        raise InvalidAnswer(f"Unknown voice {voice!r}.")
    if quote_source and quote_source not in QuoteSource.values:
        raise InvalidAnswer(f"Unknown quote source {quote_source!r}.")


@dataclass(frozen=True)
class _Statements:
    """The raw SQL of the activity's two busiest requests (see where each is used for why)."""

    upsert: str  # Store an answer whatever revision is there; returns its revision.
    upsert_over_revision: str  # The same, refused (no row) if another tab changed it: one more param.
    answers: str  # One attempt's answers as (segment id, voice, quote source, revision).
    answered: str  # How many answers one attempt has.


@functools.cache
def _statements(vendor: str) -> _Statements:
    """
    Return the statements, built once per database vendor, whose quoting of names they use.

    The upsert inserts a new answer at revision 1 and updates an existing one in place: a
    different answer takes the next revision; the same answer again (a replay, or two tabs
    choosing alike) keeps its revision and its time. With the revision condition a different
    answer is stored only over the revision the sending tab saw; otherwise nothing is
    stored and no row comes back. PostgreSQL and SQLite (3.35+; Django needs 3.37) both run
    these as written.
    """
    # Only names go into the text, each quoted by the backend; every value is a parameter.
    quote = connection.ops.quote_name
    meta = VoiceAnswer._meta
    table = quote(meta.db_table)
    attempt, segment, voice, quote_source, revision, updated_at = (
        quote(meta.get_field(name).column)
        for name in ("attempt", "segment", "voice", "quote_source", "revision", "updated_at")
    )
    changed = f"({table}.{voice} <> excluded.{voice} OR {table}.{quote_source} <> excluded.{quote_source})"
    upsert = (
        f"INSERT INTO {table} ({attempt}, {segment}, {voice}, {quote_source}, {revision}, {updated_at})"  # noqa: S608  # nosec B608
        " VALUES (%s, %s, %s, %s, 1, %s)"
        f" ON CONFLICT ({attempt}, {segment}) DO UPDATE SET"
        f" {voice} = excluded.{voice}, {quote_source} = excluded.{quote_source},"
        f" {revision} = CASE WHEN {changed} THEN {table}.{revision} + 1 ELSE {table}.{revision} END,"
        f" {updated_at} = CASE WHEN {changed} THEN excluded.{updated_at} ELSE {table}.{updated_at} END"
    )
    returning = f" RETURNING {revision}"
    return _Statements(
        upsert=upsert + returning,
        upsert_over_revision=f"{upsert} WHERE NOT {changed} OR {table}.{revision} = %s{returning}",
        answers=f"SELECT {segment}, {voice}, {quote_source}, {revision} FROM {table} WHERE {attempt} = %s",  # noqa: S608  # nosec B608
        answered=f"SELECT COUNT(*) FROM {table} WHERE {attempt} = %s",  # noqa: S608  # nosec B608
    )


def save_voice_answer(
    *, attempt: Attempt, segment: Segment, voice: str, quote_source: str = "", revision: int | None = None
) -> int:
    """
    Store the student's label for ``segment`` and return the answer's revision.

    Sending the same answer again changes nothing. ``revision`` is the answer's revision
    the sending tab last saw (0: it saw no answer). A different answer based on an older
    revision raises AnswerChanged and stores nothing: another tab changed it meanwhile,
    and silently undoing that would lose it. Without ``revision`` the answer is stored
    whatever was there.
    """
    _check_answer(attempt=attempt, segment=segment, voice=voice, quote_source=quote_source)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    statements = _statements(connection.vendor)
    # One statement, not a locked read then a write: two tabs' saves of one sentence queue
    # on the answer's unique (attempt, segment) all the same, and this, the app's busiest
    # write, costs one round trip (the ORM's upsert has neither the condition nor RETURNING).
    with connection.cursor() as cursor:
        if revision is None:
            cursor.execute(statements.upsert, [attempt.pk, segment.pk, voice, quote_source, now])
        else:
            cursor.execute(
                statements.upsert_over_revision, [attempt.pk, segment.pk, voice, quote_source, now, revision]
            )
        row = cursor.fetchone()
    if row is None:
        raise AnswerChanged([segment])
    return row[0]


@transaction.atomic
def save_voice_answers(*, attempt: Attempt, answers: Iterable[tuple[Segment, str, str, int | None]]) -> int:
    """
    Store several (segment, voice, quote_source, revision) answers at once, all or none; return how many.

    If any answer changed in another tab meanwhile, raise AnswerChanged naming all such segments.
    """
    answers = list(answers)
    for segment, voice, quote_source, _revision in answers:
        _check_answer(attempt=attempt, segment=segment, voice=voice, quote_source=quote_source)
    changed = []
    for segment, voice, quote_source, revision in answers:
        try:
            save_voice_answer(
                attempt=attempt, segment=segment, voice=voice, quote_source=quote_source, revision=revision
            )
        except AnswerChanged:
            changed.append(segment)
    if changed:
        raise AnswerChanged(changed)  # Leaving the transaction this way undoes the rest too.
    return len(answers)


def answers_by_segment(attempt: Attempt | None) -> dict[int, VoiceAnswer]:
    """Return the attempt's answers keyed by segment id (none for an attempt not started)."""
    if attempt is None:
        return {}
    return {answer.segment_id: answer for answer in attempt.voice_answers.all()}


@dataclass(frozen=True)
class Progress:
    answered: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 100

    @property
    def is_complete(self) -> bool:
        return self.answered >= self.total


class AnswerState(NamedTuple):
    """What the activity page shows of one saved answer."""

    voice: str
    quote_source: str
    revision: int


def answer_states(attempt: Attempt | None) -> dict[int, AnswerState]:
    """
    Return the attempt's answers keyed by segment id.

    What the activity page fills in for one student: plain rows from one raw query, as
    the page is opened by every student at once and an ORM query costs several times
    what the whole rest of the lookup does.
    """
    if attempt is None:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(_statements(connection.vendor).answers, [attempt.pk])
        return {segment_id: AnswerState(*state) for segment_id, *state in cursor}


def answered_count(attempt: Attempt | None) -> int:
    """Return how many sentences the attempt has labelled (one cheap query: every save shows it)."""
    if attempt is None:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(_statements(connection.vendor).answered, [attempt.pk])
        return cursor.fetchone()[0]


# Feedback -------------------------------------------------------------------


@dataclass(frozen=True)
class VoiceFeedbackRow:
    """One segment as the feedback shows it: the student's answer beside the key."""

    segment: Segment
    answer: VoiceAnswer | None
    credit: float | None  # None where the key gives no label, so nothing is scored.
    runs: list[Run]  # The segment's text, cut where quotations start and end.

    @property
    def credit_name(self) -> str:
        """Return "full", "half", "none" or "unscored", for a class name and an icon."""
        return {1.0: "full", 0.5: "half", 0.0: "none"}.get(self.credit, "unscored")

    @property
    def answer_name(self) -> str:
        return VOICE_NAMES.get(self.answer.voice, "") if self.answer else ""

    @property
    def key_name(self) -> str:
        return VOICE_NAMES.get(self.segment.voice, "")

    @property
    def answer_quote_source_name(self) -> str:
        return QUOTE_SOURCE_NAMES.get(self.answer.quote_source, "") if self.answer else ""

    @property
    def key_quote_source_name(self) -> str:
        return QUOTE_SOURCE_NAMES.get(self.segment.quote_source, "")


# The confusion matrix's columns: the four labels, then "no answer".
CONFUSION_COLUMNS = (*Voice.values, None)


@dataclass(frozen=True)
class VoiceFeedback:
    rows: list[VoiceFeedbackRow]
    score: VoiceScore

    @property
    def points(self) -> float:
        return sum(row.credit or 0.0 for row in self.rows)

    @property
    def scored_count(self) -> int:
        return sum(1 for row in self.rows if row.credit is not None)

    @property
    def percent(self) -> int:
        return round(100 * self.score.score)

    @property
    def confusion_rows(self) -> list[tuple[str, list[tuple[int, bool]]]]:
        """Return the confusion matrix as (key label's name, [(count, on the diagonal)]) rows."""
        return [
            (
                name,
                [(self.score.confusion[key].get(answer, 0), key == answer) for answer in CONFUSION_COLUMNS],
            )
            for key, name in VOICE_CHOICES
        ]


def voice_feedback(
    *, body: str, segments: Iterable[Segment], answers: Mapping[int, VoiceAnswer]
) -> VoiceFeedback:
    """Return every segment with the student's answer, its credit and its quotations, and the score."""
    rows = []
    for segment in segments:
        answer = answers.get(segment.pk)
        credit = voice_credit(answer and answer.voice, segment.voice) if segment.voice else None
        quotes = quoted_stretches(body[segment.start : segment.end], offset=segment.start)
        rows.append(VoiceFeedbackRow(segment, answer, credit, runs(body, segment.start, segment.end, quotes)))
    # Segments the key leaves unlabelled are shown but not scored.
    scored = [row for row in rows if row.credit is not None]
    score = score_voices(
        [row.segment.voice for row in scored], [row.answer and row.answer.voice for row in scored]
    )
    return VoiceFeedback(rows=rows, score=score)
