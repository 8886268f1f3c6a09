"""
Draft a voice label and a speaker for every segment, each with a short reason.

The rules go by the shape of the sentence on the page, as the authoring guide does:

* a heading or a wire dateline is the outlet's narration;
* quotation marks round every word, or round everything but an attribution
  tag ("he said"), make a direct quote; some quoted words make a partial quote;
* with no quotation marks, an attribution (a reporting verb such as "said",
  "noted", "according to"; Russian "заявил", "по словам") makes a paraphrase;
* so does an unattributed sentence under a heading of a compilation of one
  person's statements (an outlet's "key statements" piece);
* anything else is the outlet's own narration, as is a sentence that names the outlet.
"""

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from teaching.drafting.quotes import QuoteScan, find_quotes
from teaching.drafting.segmenter import HEADING, dateline_length, segment_kind

_WORD = re.compile(r"\w[\w’'-]*")

REPORTING_VERBS = {
    "en": (
        r"said|says|told|tells|noted|notes|stressed|stresses|added|adds|stated|explained|explains"
        r"|emphasi[sz]ed|emphasi[sz]es|pointed out|points out|remarked|declared|declares|announced"
        r"|claimed|argued|argues|insisted|insists|warned|warns|recalled|recalls|asserted|asserts"
        r"|underlined|underscored|reiterated|mentioned|admitted|acknowledged|denied|replied|answered"
        r"|urged|wrote|writes|believes|observed|suggested|complained|conceded|concluded|confirmed"
        r"|predicted|promised|revealed|vowed|asked|questioned|wondered|according to|in the words of"
    ),
    "ru": (
        r"заявил[аи]?|сказал[аи]?|отметил[аи]?|подчеркнул[аи]?|добавил[аи]?|сообщил[аи]?|указал[аи]?"
        r"|пояснил[аи]?|напомнил[аи]?|признал[аи]?|рассказал[аи]?|написал[аи]?|считает|полагает"
        r"|заявляет|отмечает|подч[её]ркивает|говорит|уверен[аы]?|по словам|по мнению|по данным"
    ),
}
PRONOUNS = {"en": {"he", "she", "they", "it", "we", "i"}, "ru": {"он", "она", "они", "мы", "я"}}
# Words that stand before a name and are not part of it ("Foreign Minister Sergey Lavrov").
TITLES = frozenset(
    "president minister foreign prime secretary chancellor spokesman spokeswoman spokesperson "
    "ambassador senator governor mayor director chairman chairwoman chief general deputy head "
    "leader envoy commissioner representative king queen pope mr mr. mrs mrs. ms ms. dr dr. prof "
    "prof. sir lord lady professor judge justice president-elect ceo us u.s. uk eu un".split()
)
# An outlet presenting a compilation says so: "TASS has compiled the key statements".
COMPILATION_CUES = re.compile(
    r"\b(?:compiled|key (?:statements|quotes|points|takeaways|remarks)|main (?:statements|points)"
    r"|highlights|in (?:his|her|their) own words"
    r"|собрал[аи]?|подборк\w*|(?:главн|основн|ключев)\w* (?:заявлени|тезис|высказывани)\w*)\b",
    re.IGNORECASE,
)
# Quoted words the speaker holds up to reject are someone else's: a cue just before the
# marks ("so-called «…»") or after the last of them ("… is false").
REJECTION_BEFORE = re.compile(
    r"(?:so-called|so called|what (?:they|he|she) calls?|as (?:they|he|she) calls? it|так называем\w*"
    r"|якобы)\W*$",
    re.IGNORECASE,
)
REJECTION_AFTER = re.compile(
    r"\b(?:is|are|was|were) (?:false|untrue|a lie|lies|nonsense|fake)\b|\b(?:ложь|ложн\w*|неправд\w*)",
    re.IGNORECASE,
)
# Small words allowed between an inverted reporting verb and the name.
_TAG_FILLERS = frozenset(
    "the a an his her their of глава министр президент премьер-министр пресс-секретарь официальный "
    "представитель председатель посол спикер заместитель руководитель директор помощник советник "
    "генеральный секретарь канцлер иностранных дел".split()
)
# Words that open a reported clause: after them the quotation is part of the outlet's sentence.
_COMPLEMENTISERS = frozenset("that whether if why how what что ли чтобы".split())
# "have been observed" is a passive, not someone speaking.
_PASSIVE = frozenset("be been being was were is are".split())


@dataclass(frozen=True)
class Attribution:
    speaker: str  # A name, or "" when the tag has a pronoun or a description instead.
    cue: str  # The reporting verb or phrase as written.


@dataclass(frozen=True)
class VoiceDraft:
    voice: str
    speaker: str
    reason: str
    quote_source: str | None


def _language(language: str) -> str:
    code = language.lower().split("-")[0]
    return code if code in REPORTING_VERBS else "en"


def _capitalised(word: str) -> bool:
    return word[:1].isupper()


def _strip_titles(words: list[str]) -> list[str]:
    """Return the name at the end of a run like "Russian Foreign Minister Sergey Lavrov"."""
    for index in range(len(words) - 1, -1, -1):
        if words[index].lower().strip(",") in TITLES:
            return words[index + 1 :]
    # No title: keep first name and surname ("России Сергей Лавров" is Sergey Lavrov).
    return words[-2:]


def _name_before(text: str) -> str:
    """Return the name just before a reporting verb ("Sergey Lavrov said", "Лавров заявил")."""
    words = text.split()
    run: list[str] = []
    appositive = bool(words) and words[-1].endswith(",")
    for position in range(len(words) - 1, -1, -1):
        clean = words[position].strip('“”"«»„()')
        if clean.endswith(",") and run:
            break
        clean = clean.rstrip(",")
        if not (clean and _capitalised(clean)):
            break
        run.insert(0, clean)
    if appositive:
        # "Its spokesperson, Tom Reyes, warned" names him; "…in Budapest, said" names nobody.
        opening = len(words) - len(run) - 1
        if opening < 0 or not words[opening].endswith(","):
            return ""
    return " ".join(_strip_titles(run))


def _name_after(text: str, pronouns: set[str]) -> str:
    """Return the name after an inverted tag ("said Sergey Lavrov", "заявил глава МИД Сергей Лавров")."""
    run: list[str] = []
    for raw in text.split()[:8]:
        word = raw.strip(',.;:“”"«»„()')
        if not word:
            continue
        if _capitalised(word) and any(c.islower() for c in word):
            run.append(word)
        elif run or not (word.lower() in TITLES or word.lower() in _TAG_FILLERS or word.isupper()):
            # "noted that Donald Trump …": past a plain word, a name is the clause's subject.
            break
        if raw.endswith((",", ".", ";", ":")):
            break
    return " ".join(_strip_titles(run))


def find_attribution(text: str, language: str = "en") -> Attribution | None:
    """Return the attribution in ``text`` (quoted words already blanked out), if any."""
    code = _language(language)
    pattern = re.compile(rf"(?<!\w)(?:{REPORTING_VERBS[code]})(?!\w)", re.IGNORECASE)
    for match in pattern.finditer(text):
        before = text[: match.start()]
        after = text[match.end() :]
        last_words = before.split()[-1:]
        if last_words and last_words[0].lower() in _PASSIVE:
            continue
        if last_words and last_words[0].lower().strip(",") in PRONOUNS[code]:
            return Attribution("", match.group())
        cue = match.group().lower()
        phrase_first = cue.startswith(("according", "in the words", "по "))
        speaker = "" if phrase_first else _name_before(before)
        if not speaker:
            speaker = _name_after(after, PRONOUNS[code])
        return Attribution(speaker, match.group())
    return None


class _Article:
    """What the voice rules need to know about the whole body."""

    def __init__(self, body: str, segments, outlet: str, language: str, scan: QuoteScan):
        self.body = body
        self.outlet = outlet
        self.language = _language(language)
        self.quoted = bytearray(len(body))
        for quote in scan.quotes:
            if quote.depth == 0:
                self.quoted[quote.start : quote.end] = b"\x01" * (quote.end - quote.start)
        self.quotes = [q for q in scan.quotes if q.depth == 0]
        self.nested = [q for q in scan.quotes if q.depth > 0]
        self.segments = [(s, e, kind or segment_kind(body, s, e)) for s, e, kind in segments]
        self.attributions = [find_attribution(self.outside(s, e), language) for s, e, _ in self.segments]
        self.names = self._resolve_names()
        counts = Counter(self.resolve(a.speaker) for a in self.attributions if a and a.speaker)
        self.main_speaker = counts.most_common(1)[0][0] if counts else ""
        self.compilation = self._is_compilation()

    def outside(self, start: int, end: int) -> str:
        """Return the segment's text with quoted words (and their marks) blanked out."""
        return "".join(" " if self.quoted[i] else self.body[i] for i in range(start, end))

    def words(self, start: int, end: int) -> tuple[int, int]:
        """Return how many word characters of the segment are inside and outside quotation marks."""
        inside = sum(1 for i in range(start, end) if self.quoted[i] and self.body[i].isalnum())
        outside = sum(1 for i in range(start, end) if not self.quoted[i] and self.body[i].isalnum())
        return inside, outside

    def _resolve_names(self) -> list[str]:
        """Return the full names of speakers, looking up a bare surname's first full mention."""
        full = []
        for attribution in self.attributions:
            name = attribution.speaker if attribution else ""
            if len(name.split()) == 1 and not self.is_outlet(name):
                first = re.search(rf"\b([A-ZА-ЯЁ][\w-]+) {re.escape(name)}\b", self.body)
                if first and first.group(1).lower() not in TITLES:
                    name = f"{first.group(1)} {name}"
            if len(name.split()) > 1:
                full.append(name)
        return list(dict.fromkeys(full))

    def resolve(self, name: str) -> str:
        """Return the full name a surname (or an inflected Russian surname) refers to."""
        if not name or self.is_outlet(name):
            return name
        for full in self.names:
            surname = full.split()[-1]
            if name == full or name == surname:
                return full
            # Russian declines names: "по словам Лаврова" is Lavrov's.
            if name.startswith(surname) and len(name) - len(surname) <= 2 and len(surname) > 3:
                return full
        return name

    def mentioned(self, start: int, end: int) -> str:
        """Return the first known speaker named outside the quotation marks of a segment."""
        outside = self.outside(start, end)
        return next((name for name in self.names if name in outside), "")

    def is_outlet(self, text: str) -> bool:
        return (
            bool(self.outlet) and re.search(rf"(?<!\w){re.escape(self.outlet)}(?!\w)", text, re.I) is not None
        )

    def _is_compilation(self) -> bool:
        """Return whether the article is sections of one person's statements under headings."""
        kinds = [kind for *_, kind in self.segments]
        if HEADING not in kinds or not self.main_speaker:
            return False
        if any(COMPILATION_CUES.search(self.outside(s, e)) for s, e, kind in self.segments):
            return True
        # Without the outlet saying so: one named speaker, and quotations under the headings
        # that mostly carry no tag, because the heading's section as a whole is attributed.
        speakers = {self.resolve(a.speaker) for a in self.attributions if a and a.speaker}
        first = kinds.index(HEADING)
        quoted = [
            i
            for i in range(first, len(kinds))
            if kinds[i] != HEADING and self.words(*self.segments[i][:2])[0]
        ]
        untagged = sum(1 for i in quoted if not self.attributions[i])
        return len(speakers) == 1 and len(quoted) >= 3 and untagged * 3 >= len(quoted) * 2

    def under_heading(self, index: int) -> bool:
        return any(kind == HEADING for *_, kind in self.segments[:index])

    def quote_speaker(self, index: int) -> str:
        """Return whose words a segment's quotation is, from the tag where the quotation ends."""
        start, end, _ = self.segments[index]
        for quote in self.quotes:
            if quote.start < end and quote.end > end:
                for later, (s, e, _) in enumerate(self.segments[index + 1 :], index + 1):
                    if s < quote.end <= e:
                        attribution = self.attributions[later]
                        return self.resolve(attribution.speaker) if attribution else ""
        return ""

    def tag_set_off(self, start: int, end: int) -> bool:
        """Return whether punctuation sets the quotation apart from the words around it.

        A direct quotation stands as a sentence of its own: ‘"…," he said’, ‘He said: "…"’,
        ‘«…», — сказал он’. Quoted words that the sentence runs into, with no comma, colon or
        dash between (‘Europe is "in a frenzy".’), belong to the outlet's sentence.
        """
        own = [q for q in self.quotes if q.start < end and q.end > start]
        pieces = [(start, own[0].start, None, own[0])]
        pieces += [(a.end, b.start, a, b) for a, b in zip(own, own[1:], strict=False)]
        pieces.append((own[-1].end, end, own[-1], None))
        for piece_start, piece_end, before, after in pieces:
            text = self.body[max(start, piece_start) : min(end, piece_end)]
            if not _WORD.search(text):
                continue
            if after is not None and not text.rstrip().endswith((":", ",", "—", "–")):
                return False
            if before is not None:
                closing = self.body[max(before.start, before.inner_end - 1) : before.inner_end]
                if closing not in ",.!?…" and text.lstrip()[:1] not in (",", "—", "–"):
                    return False
        return True

    def quote_source(self, start: int, end: int) -> str | None:
        own = [q for q in self.quotes if q.start < end and q.end > start]
        if not own:
            return None
        if any(start <= q.start < end for q in self.nested):
            return "mixed"
        before_any = any(REJECTION_BEFORE.search(self.body[max(start, q.start - 30) : q.start]) for q in own)
        after_last = REJECTION_AFTER.search(self.outside(max(start, own[-1].end), end))
        if before_any or after_last:
            return "quoted-other"
        return "speaker"


def _is_tag(outside: str, attribution: Attribution | None) -> bool:
    """Return whether the words outside the quotation marks are only an attribution tag."""
    words = [w.lower() for w in _WORD.findall(outside)]
    # "Reyes questioned whether the study had «…»": the quotation finishes the outlet's clause.
    return attribution is not None and len(words) <= 8 and not _COMPLEMENTISERS.intersection(words)


def draft_voices(
    body: str,
    segments: Sequence[tuple[int, int] | tuple[int, int, str]],
    *,
    outlet: str,
    language: str = "en",
    scan: QuoteScan | None = None,
) -> list[VoiceDraft]:
    """Return a drafted voice, speaker and reason for each ``(start, end[, kind])`` segment."""
    triples = [(s[0], s[1], s[2] if len(s) > 2 else None) for s in segments]
    article = _Article(body, triples, outlet, language, scan or find_quotes(body))
    drafts = []
    last_speaker = ""
    for index, (start, end, kind) in enumerate(article.segments):
        draft = _draft_one(article, index, start, end, kind, last_speaker)
        if draft.voice != "narration" and draft.speaker:
            last_speaker = draft.speaker
        drafts.append(draft)
    return drafts


def _draft_one(article: _Article, index: int, start: int, end: int, kind: str, last: str) -> VoiceDraft:
    body, outlet = article.body, article.outlet
    text = body[start:end]
    if kind == HEADING:
        return VoiceDraft("narration", outlet, "Heading: a short line of its own with no full stop.", None)
    if dateline_length(text) >= len(text.rstrip()):
        return VoiceDraft(
            "narration", outlet, "Dateline: the place, date and outlet opening the report.", None
        )
    attribution = article.attributions[index]
    named = article.resolve(attribution.speaker) if attribution else ""
    if attribution and not named:
        named = last or article.main_speaker
    fallback = (
        named
        or article.quote_speaker(index)
        or (article.main_speaker if article.compilation else article.mentioned(start, end) or last)
    )
    inside, outside_count = article.words(start, end)
    outside = article.outside(start, end)
    source = article.quote_source(start, end)
    if inside and not outside_count:
        return VoiceDraft("direct", fallback, "Every word is inside quotation marks.", source)
    if inside and _is_tag(outside, attribution) and article.tag_set_off(start, end):
        tag = " ".join(_WORD.findall(outside))
        reason = f"Quoted words with only the tag “{tag}” outside the marks."
        return VoiceDraft("direct", fallback, reason, source)
    if inside:
        share = inside / (inside + outside_count)
        reason = f"Some words ({share:.0%} of the letters) are in quotation marks; the rest is the outlet’s."
        return VoiceDraft("partial", fallback, reason, source)
    if attribution and not article.is_outlet(attribution.speaker):
        reason = f"No quotation marks; reported with “{attribution.cue}”, so it is the outlet’s retelling."
        return VoiceDraft("paraphrase", named, reason, None)
    if article.is_outlet(outside):
        return VoiceDraft("narration", outlet, f"The outlet ({outlet}) speaks about its own work.", None)
    if article.compilation and article.under_heading(index):
        reason = (
            f"No quotation marks or tag, but it stands in a compilation of {article.main_speaker}’s "
            "statements under a heading, so it retells that position."
        )
        return VoiceDraft("paraphrase", article.main_speaker, reason, None)
    return VoiceDraft(
        "narration", outlet, "No quotation marks and no attribution: the outlet’s own words.", None
    )
