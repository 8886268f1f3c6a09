"""
Find quoted fragments in an article body, with their offsets.

Handles straight "…" and curly “…” marks, « » and ‹ ›, the German and Russian
low-high „…“ and ‚…‘, and quotes nested inside quotes (‘…’, inner « » or „ “).
A quote may run over several sentences, but not over a paragraph break: a mark
left open there is reported as unbalanced (unless the next paragraph opens with
the same mark, the convention for a quotation that goes on), so that one
missing mark cannot swallow the rest of the article.
"""

import re
from dataclasses import dataclass

# A line break starts a new paragraph: scraped articles put one paragraph per line.
PARAGRAPH_BREAK = re.compile(r"[ \t\r\f\v]*\n\s*")

# Opening mark -> the marks that may close it.
_CLOSERS = {
    '"': '"',
    "“": "”",
    "„": "“”",
    "«": "»",
    "‹": "›",
    "‘": "’",
    "‚": "‘’",
    "'": "'",
}
QUOTE_MARKS = frozenset("\"“”„«»‹›‘’‚'")


@dataclass(frozen=True)
class Quote:
    """A quoted fragment: ``[start, end)`` includes its marks; ``depth`` 0 is outermost."""

    start: int
    end: int
    opening: str
    closing: str  # "" when the quote is never closed.
    depth: int

    @property
    def closed(self) -> bool:
        return bool(self.closing)

    @property
    def inner_start(self) -> int:
        return self.start + 1

    @property
    def inner_end(self) -> int:
        return self.end - 1 if self.closed else self.end


@dataclass(frozen=True)
class StrayMark:
    """A quotation mark that could not be paired, and why."""

    position: int
    mark: str
    problem: str


@dataclass(frozen=True)
class QuoteScan:
    quotes: tuple[Quote, ...]  # In order of their opening mark.
    unbalanced: tuple[StrayMark, ...]

    @property
    def mark_positions(self) -> frozenset[int]:
        """Return the offsets of every quotation mark found, paired or not."""
        marks = {q.start for q in self.quotes}
        marks.update(q.end - 1 for q in self.quotes if q.closed)
        marks.update(s.position for s in self.unbalanced)
        return frozenset(marks)

    def inside(self, position: int) -> bool:
        """Return whether ``position`` lies between the marks of some quote."""
        return any(q.inner_start <= position < q.inner_end for q in self.quotes)


def _is_word(text: str, index: int) -> bool:
    return 0 <= index < len(text) and text[index].isalnum()


class _Scanner:
    def __init__(self, text: str):
        self.text = text
        self.stack: list[tuple[str, int]] = []
        self.quotes: list[Quote] = []
        self.stray: list[StrayMark] = []

    def open(self, mark: str, index: int) -> None:
        self.stack.append((mark, index))

    def close(self, level: int, index: int, mark: str) -> None:
        # Marks opened inside this one and still open cannot be closed any more.
        for inner_mark, inner_start in self.stack[level + 1 :]:
            self.stray.append(StrayMark(inner_start, inner_mark, "opening mark closed by an outer quote"))
            self.quotes.append(Quote(inner_start, index, inner_mark, "", len(self.stack) - 1))
        opening, start = self.stack[level]
        self.quotes.append(Quote(start, index + 1, opening, mark, level))
        del self.stack[level:]

    def find_open(self, openings: str) -> int | None:
        """Return the stack level of the innermost open quote among ``openings``."""
        for level in range(len(self.stack) - 1, -1, -1):
            if self.stack[level][0] in openings:
                return level
        return None

    def end_paragraph(self, end: int, next_start: int) -> None:
        """Close what is still open at a paragraph break ending at ``end``."""
        following = self.text[next_start : next_start + 1]
        for level in range(len(self.stack) - 1, -1, -1):
            mark, start = self.stack[level]
            if not (level == 0 and following == mark):
                self.stray.append(StrayMark(start, mark, "opening mark never closed in its paragraph"))
            # Either way the quote runs to the paragraph's end, where the reader loses it.
            self.quotes.append(Quote(start, end, mark, "", level))
        self.stack.clear()

    def feed(self, char: str, index: int) -> None:
        text = self.text
        before_word, after_word = _is_word(text, index - 1), _is_word(text, index + 1)
        if char == '"':
            level = self.find_open('"')
            if level is not None:
                self.close(level, index, char)
            elif before_word and not after_word:
                self.stray.append(StrayMark(index, char, "closing mark with no opening mark"))
            else:
                self.open(char, index)
        elif char == "“":
            # The closing mark of German and Russian „…“ is the English opening mark.
            level = self.find_open("„")
            if level is not None and level == len(self.stack) - 1:
                self.close(level, index, char)
            else:
                self.open(char, index)
        elif char in "”»›":
            level = self.find_open({"”": "“„", "»": "«", "›": "‹"}[char])
            if level is None:
                self.stray.append(StrayMark(index, char, "closing mark with no opening mark"))
            else:
                self.close(level, index, char)
        elif char in "„«‹‚":
            self.open(char, index)
        elif char == "‘":
            level = self.find_open("‚")
            if level is not None and level == len(self.stack) - 1:
                self.close(level, index, char)
            elif not (before_word and after_word):
                self.open(char, index)
        elif char in "’'":
            # Between letters it is an apostrophe (Russia’s, don't); otherwise it
            # closes an open single quote, or is a plural's apostrophe (voters’).
            if before_word and after_word:
                return
            level = self.find_open("‘‚" if char == "’" else "'")
            if level is not None and not after_word:
                self.close(level, index, char)
            elif char == "'" and self.stack and after_word and not before_word:
                # A straight single mark opens a quote only inside another one:
                # elsewhere it is far more often an apostrophe ('90s, rock 'n' roll).
                self.open(char, index)


def find_quotes(text: str) -> QuoteScan:
    """Return every quoted fragment of ``text`` and every mark that could not be paired."""
    scanner = _Scanner(text)
    breaks = [(m.start(), m.end()) for m in PARAGRAPH_BREAK.finditer(text)]
    breaks.append((len(text), len(text)))
    position = 0
    for break_start, break_end in breaks:
        for index in range(position, break_start):
            char = text[index]
            if char in QUOTE_MARKS:
                scanner.feed(char, index)
        end = break_start
        scanner.end_paragraph(end, break_end)
        position = break_end
    quotes = tuple(sorted(scanner.quotes, key=lambda q: (q.start, -q.end)))
    return QuoteScan(quotes, tuple(sorted(scanner.stray, key=lambda s: s.position)))
