"""Tests for teaching.scoring: pure functions, no Django needed."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from teaching import scoring
from teaching.scoring import PRF, ItemResult, Span

# Most span cases use a body of plain letters so that trimming never applies
# and the arithmetic in the comments is all there is to it.
LETTERS = "a" * 40


def named(key, marks, body=LETTERS, **kwargs):
    return scoring.score_devices(body, key, marks, **kwargs).named


def values(prf):
    # pytest.approx cannot look inside a dataclass.
    return (prf.precision, prf.recall, prf.f1)


def span_of(body, text, technique="loaded"):
    start = body.index(text)
    return Span(start, start + len(text), technique)


# Span arithmetic -------------------------------------------------------------


def test_partial_overlap_gives_partial_credit():
    # Key [0,10), mark [6,16): 4 shared characters.
    # P = 4/10, R = 4/10, F1 = 0.4.
    result = named([Span(0, 10, "loaded")], [Span(6, 16, "loaded")])
    assert values(result) == pytest.approx((0.4, 0.4, 0.4))


def test_mark_nested_inside_key_item_is_precise_but_incomplete():
    # Key [0,20), mark [5,10): P = 5/5 = 1, R = 5/20 = 0.25,
    # F1 = 2 * 1 * 0.25 / 1.25 = 0.4.
    result = named([Span(0, 20, "loaded")], [Span(5, 10, "loaded")])
    assert values(result) == pytest.approx((1.0, 0.25, 0.4))


def test_mark_around_key_item_is_complete_but_imprecise():
    # Key [5,10), mark [0,20): P = 5/20 = 0.25, R = 5/5 = 1, F1 = 0.4.
    result = named([Span(5, 10, "loaded")], [Span(0, 20, "loaded")])
    assert values(result) == pytest.approx((0.25, 1.0, 0.4))


def test_nested_marks_of_one_technique_count_once():
    # [5,10) lies inside [0,20): merged to [0,20) against key [0,20), so
    # P = R = 1. Unmerged, recall would be (20 + 5) / 20 > 1.
    marks = [Span(0, 20, "loaded"), Span(5, 10, "loaded")]
    assert named([Span(0, 20, "loaded")], marks) == PRF(1.0, 1.0, 1.0)


def test_overlapping_marks_of_one_technique_are_merged():
    # [0,8) and [2,10) merge to [0,10), exactly the key: P = R = 1.
    # Unmerged, recall would be (8 + 8) / 10 = 1.6.
    marks = [Span(0, 8, "loaded"), Span(2, 10, "loaded")]
    assert named([Span(0, 10, "loaded")], marks) == PRF(1.0, 1.0, 1.0)


def test_duplicate_marks_are_merged():
    # Two copies of [0,5) are one mark: P = 5/5 = 1, R = 5/10 = 0.5,
    # F1 = 2 * 0.5 / 1.5 = 2/3. Unmerged, recall would be 10/10 = 1.
    marks = [Span(0, 5, "loaded"), Span(0, 5, "loaded")]
    result = named([Span(0, 10, "loaded")], marks)
    assert values(result) == pytest.approx((1.0, 0.5, 2 / 3))


def test_overlapping_key_items_of_one_technique_are_merged():
    # Key [0,6) and [4,10) merge to [0,10); mark [0,10): P = R = 1.
    key = [Span(0, 6, "loaded"), Span(4, 10, "loaded")]
    assert named(key, [Span(0, 10, "loaded")]) == PRF(1.0, 1.0, 1.0)


def test_wrong_technique_scores_zero_named_but_full_spotted():
    result = scoring.score_devices(LETTERS, [Span(0, 10, "loaded")], [Span(0, 10, "fear")])
    assert result.named == PRF(0.0, 0.0, 0.0)
    assert result.spotted == PRF(1.0, 1.0, 1.0)


def test_spotted_score_merges_techniques_before_scoring():
    # Spotted: key [0,10) and marks [0,4) "loaded" + [4,10) "fear" collapse
    # and merge (they touch) to [0,10): P = R = 1. Named: P = (0+0)/2 = 0.
    marks = [Span(0, 4, "loaded"), Span(4, 10, "fear")]
    result = scoring.score_devices(LETTERS, [Span(0, 10, "fear")], marks)
    assert result.spotted == PRF(1.0, 1.0, 1.0)
    # Named: "loaded" [0,4) covers nothing of its technique, "fear" [4,10)
    # lies wholly in the key: P = (0 + 1)/2, R = 6/10, F1 = 0.6/1.1.
    assert values(result.named) == pytest.approx((0.5, 0.6, 0.6 / 1.1))


def test_spotted_recall_can_fall_below_named_recall():
    # Collapsing techniques merges touching key items, which changes how
    # items are weighted, so spotted >= named does NOT hold in general.
    # Named: key [0,10) "loaded" and [10,11) "fear"; mark [10,11) "fear":
    # R = (0 + 1) / 2 = 0.5. Spotted: key [0,11), R = 1/11.
    key = [Span(0, 10, "loaded"), Span(10, 11, "fear")]
    result = scoring.score_devices(LETTERS, key, [Span(10, 11, "fear")])
    assert result.named.recall == 0.5
    assert result.spotted.recall == pytest.approx(1 / 11)


def test_no_marks_scores_zero():
    result = scoring.score_devices(LETTERS, [Span(0, 10, "loaded")], [])
    assert result.named == PRF(0.0, 0.0, 0.0)
    assert result.spotted == PRF(0.0, 0.0, 0.0)
    assert result.items == (ItemResult("missed", None),)


def test_marks_without_key_have_full_recall_but_no_precision():
    result = scoring.score_devices(LETTERS, [], [Span(0, 10, "loaded")])
    assert result.named == PRF(0.0, 1.0, 0.0)
    assert result.spotted == PRF(0.0, 1.0, 0.0)
    assert result.false_alarms == (0,)


def test_no_key_and_no_marks_is_perfect():
    result = scoring.score_devices("Plain news.", [], [])
    assert result.named == PRF(1.0, 1.0, 1.0)
    assert result.spotted == PRF(1.0, 1.0, 1.0)
    assert (result.items, result.false_alarms, result.hits) == ((), (), 0)


# Trimming --------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        (" “a total disaster.” ", "a total disaster"),
        ("«Verrat!»", "Verrat"),
        ("„Lügenpresse“", "Lügenpresse"),
        ("‘evil’,\n", "evil"),
        ('"traitors"', "traitors"),
        ("\u00a0(so-called)\t", "so-called"),
        (" $5 ", "$5"),
        ("…!?", None),
        ("", None),
    ],
)
def test_trim_span_strips_space_and_punctuation(text, expected):
    body = f"xx{text}xx"
    result = scoring.trim_span(body, 2, 2 + len(text))
    assert (body[slice(*result)] if result else None) == expected


def test_marks_are_trimmed_before_scoring():
    body = "He called it “a total disaster.” Then he left."
    key = [span_of(body, "a total disaster")]
    marks = [span_of(body, " “a total disaster.” ")]
    assert named(key, marks, body=body) == PRF(1.0, 1.0, 1.0)


def test_punctuation_only_mark_is_dropped():
    # The mark on "” " trims to nothing: it neither lowers precision nor
    # counts as a false alarm.
    body = "He called it “a total disaster.” Then he left."
    key = [span_of(body, "a total disaster")]
    marks = [span_of(body, "a total disaster"), span_of(body, "” ")]
    result = scoring.score_devices(body, key, marks)
    assert result.named == PRF(1.0, 1.0, 1.0)
    assert result.false_alarms == ()


@pytest.mark.parametrize(
    "start, end",
    [(3, 2), (-1, 2), (0, len(LETTERS) + 1)],
)
def test_trim_span_rejects_bad_ranges(start, end):
    with pytest.raises(ValueError):
        scoring.trim_span(LETTERS, start, end)


# Merging ---------------------------------------------------------------------


def test_merge_spans_joins_touching_spans_of_one_technique():
    spans = [Span(5, 10, "loaded"), Span(0, 5, "loaded")]
    assert scoring.merge_spans(spans) == [Span(0, 10, "loaded")]


def test_merge_spans_keeps_techniques_apart_and_sorts_by_position():
    spans = [Span(4, 9, "loaded"), Span(0, 6, "fear"), Span(12, 12, "fear")]
    # The empty span is dropped; the other two overlap but differ in technique.
    assert scoring.merge_spans(spans) == [Span(0, 6, "fear"), Span(4, 9, "loaded")]


def test_span_rejects_start_after_end():
    with pytest.raises(ValueError, match="start <= end"):
        Span(5, 3, "loaded")


@pytest.mark.parametrize(
    "key, marks",
    [
        ([Span(0, 41, "loaded")], []),
        ([], [Span(30, 41, "loaded")]),
    ],
)
def test_score_devices_rejects_span_outside_body(key, marks):
    with pytest.raises(ValueError, match="outside the body"):
        scoring.score_devices(LETTERS, key, marks)


def test_score_devices_rejects_neutral_range_outside_body():
    with pytest.raises(ValueError, match="outside the body"):
        scoring.score_devices(LETTERS, [], [], neutral=[(35, 45)])


# Item statuses ---------------------------------------------------------------


def test_each_item_status():
    key = [
        Span(0, 10, "loaded"),  # [0,5) loaded: 5/10 of its technique.
        Span(10, 20, "loaded"),  # [10,14) loaded + [14,16) fear: 4/10, 6/10.
        Span(20, 30, "loaded"),  # [20,24) fear: 4/10 by any technique.
        Span(30, 40, "loaded"),  # Not marked at all.
    ]
    marks = [
        Span(0, 5, "loaded"),
        Span(10, 14, "loaded"),
        Span(14, 16, "fear"),
        Span(20, 24, "fear"),
    ]
    result = scoring.score_devices(LETTERS, key, marks)
    assert result.items == (
        ItemResult("found", None),
        ItemResult("misnamed", "fear"),
        ItemResult("partly", None),
        ItemResult("missed", None),
    )
    assert result.hits == 1


@pytest.mark.parametrize(
    "key_end, mark_end, status",
    [
        (10, 5, "found"),  # 5/10 is exactly half.
        (10, 4, "partly"),  # 4/10.
        (9, 5, "found"),  # 5/9 is over half.
        (9, 4, "partly"),  # 4/9 is under half.
    ],
)
def test_half_the_item_is_the_boundary_for_found(key_end, mark_end, status):
    key = [Span(0, key_end, "loaded")]
    marks = [Span(0, mark_end, "loaded")]
    assert scoring.score_devices(LETTERS, key, marks).items[0].status == status


@pytest.mark.parametrize(
    "mark_end, status",
    [(5, "misnamed"), (4, "partly")],
)
def test_half_the_item_is_the_boundary_for_misnamed(mark_end, status):
    key = [Span(0, 10, "loaded")]
    marks = [Span(0, mark_end, "fear")]
    assert scoring.score_devices(LETTERS, key, marks).items[0].status == status


def test_misnamed_reports_the_technique_covering_most():
    # "fear" covers 3, "flag" 5 of 10 characters.
    marks = [Span(0, 3, "fear"), Span(3, 8, "flag")]
    result = scoring.score_devices(LETTERS, [Span(0, 10, "loaded")], marks)
    assert result.items == (ItemResult("misnamed", "flag"),)


def test_misnamed_reports_a_wrong_technique_not_the_right_one():
    # "loaded" covers 4 (under half), "fear" 3: together 7 of 10. The
    # feedback "you called it ..." must name "fear", not the key's own.
    marks = [Span(0, 4, "loaded"), Span(4, 7, "fear")]
    result = scoring.score_devices(LETTERS, [Span(0, 10, "loaded")], marks)
    assert result.items == (ItemResult("misnamed", "fear"),)


def test_items_follow_key_order_without_merging():
    # Two overlapping key items of one technique stay two results.
    key = [Span(10, 20, "loaded"), Span(0, 12, "loaded")]
    result = scoring.score_devices(LETTERS, key, [Span(10, 20, "loaded")])
    assert [item.status for item in result.items] == ["found", "partly"]


def test_key_item_of_punctuation_only_is_missed():
    body = "Really?! Yes."
    key = [span_of(body, "?!")]
    result = scoring.score_devices(body, key, [span_of(body, "Really?!")])
    assert result.items == (ItemResult("missed", None),)


# False alarms and neutral ranges ---------------------------------------------


def test_false_alarms_are_marks_overlapping_no_key_item():
    body = LETTERS + " ..."
    key = [Span(10, 20, "loaded")]
    marks = [
        Span(0, 5, "loaded"),  # 0: overlaps nothing.
        Span(15, 25, "fear"),  # Overlaps the key item; wrong name is no alarm.
        Span(20, 22, "loaded"),  # 2: touches the key item but shares nothing.
        Span(40, 44, "loaded"),  # " ..." trims to nothing: ignored.
    ]
    assert scoring.score_devices(body, key, marks).false_alarms == (0, 2)


def test_neutral_ranges_are_counted_as_marked_or_clean():
    neutral = [(0, 10), (10, 20), (30, 40)]
    marks = [
        Span(5, 8, "loaded"),  # Inside the first neutral range.
        Span(18, 22, "loaded"),  # Reaches into the second.
        Span(28, 30, "loaded"),  # Only touches the third.
    ]
    result = scoring.score_devices(LETTERS, [Span(20, 30, "loaded")], marks, neutral=neutral)
    assert (result.neutral_marked, result.neutral_clean) == (2, 1)


def test_neutral_range_marked_by_punctuation_only_stays_clean():
    body = "Rain fell. Roads closed."
    neutral = [(0, 10)]
    result = scoring.score_devices(body, [], [span_of(body, ". ")], neutral=neutral)
    assert (result.neutral_marked, result.neutral_clean) == (0, 1)


# Snapping selections -----------------------------------------------------------

SENTENCE = "They're well-known liars, he said. Dogs' bowls."


@pytest.mark.parametrize(
    "selected, expected",
    [
        ("ey'r", "They're"),
        ("ll-kn", "well-known"),
        ("liars, ", "liars"),
        ("own liar", "well-known liars"),
        ("Dogs' ", "Dogs"),
        ("s, he", "liars, he"),
    ],
)
def test_snap_to_words_widens_to_whole_words_and_trims(selected, expected):
    start = SENTENCE.index(selected)
    result = scoring.snap_to_words(SENTENCE, start, start + len(selected))
    assert SENTENCE[slice(*result)] == expected


@pytest.mark.parametrize(
    "selected, expected",
    [("said '", "said"), ("' to", "to"), ("dogs'", "dogs"), ("' bowls", "bowls")],
)
def test_snap_to_words_treats_apostrophes_at_word_edges_as_quotes(selected, expected):
    # An apostrophe joins a word only with a letter on both sides.
    body = "He said 'yes' to dogs' bowls."
    start = body.index(selected)
    result = scoring.snap_to_words(body, start, start + len(selected))
    assert body[slice(*result)] == expected


def test_snap_to_words_clamps_to_the_body():
    assert scoring.snap_to_words(SENTENCE, -5, 3) == (0, 7)
    assert scoring.snap_to_words(SENTENCE, 42, 999) == (41, 46)  # "bowls"


@pytest.mark.parametrize("start, end", [(4, 4), (24, 26), (900, 999), (-9, -1)])
def test_snap_to_words_returns_none_when_nothing_is_left(start, end):
    # (24, 26) is ", "; the others select no character of the body.
    assert scoring.snap_to_words(SENTENCE, start, end) is None


def test_snap_to_words_rejects_start_after_end():
    with pytest.raises(ValueError, match="after its end"):
        scoring.snap_to_words(SENTENCE, 5, 4)


def test_snap_to_words_rejects_non_integers():
    with pytest.raises(TypeError):
        scoring.snap_to_words(SENTENCE, "1", 4)


# Properties of span scoring ----------------------------------------------------

TECHNIQUES = ("loaded", "fear", "flag")


@st.composite
def articles(draw):
    """Draw a body with a key and marks inside it."""
    body = draw(st.text(alphabet="ab .,“”'-", max_size=30))
    bound = st.integers(0, len(body))
    span = st.builds(
        lambda a, b, technique: Span(min(a, b), max(a, b), technique),
        bound,
        bound,
        st.sampled_from(TECHNIQUES),
    )
    key = draw(st.lists(span, max_size=5))
    marks = draw(st.lists(span, max_size=5))
    neutral = draw(st.lists(st.tuples(bound, bound).map(sorted), max_size=3))
    return body, key, marks, [tuple(r) for r in neutral]


def all_scores(result):
    for prf in (result.named, result.spotted):
        yield from (prf.precision, prf.recall, prf.f1)


@given(articles())
def test_every_score_is_between_zero_and_one(article):
    body, key, marks, neutral = article
    result = scoring.score_devices(body, key, marks, neutral=neutral)
    assert all(0.0 <= score <= 1.0 for score in all_scores(result))


@given(articles())
def test_results_are_consistent(article):
    body, key, marks, neutral = article
    result = scoring.score_devices(body, key, marks, neutral=neutral)
    assert len(result.items) == len(key)
    assert result.hits == sum(item.status == "found" for item in result.items)
    assert result.neutral_marked + result.neutral_clean == len(neutral)
    assert all(0 <= index < len(marks) for index in result.false_alarms)
    for item, given_item in zip(result.items, key):
        assert item.status in scoring.ITEM_STATUSES
        if item.status == "misnamed":
            assert item.named_as not in (None, given_item.technique)
        else:
            assert item.named_as is None


@given(articles())
def test_marking_exactly_the_key_is_perfect(article):
    body, key, _, _ = article
    result = scoring.score_devices(body, key, key)
    assert result.named == result.spotted == PRF(1.0, 1.0, 1.0)
    assert result.false_alarms == ()
    findable = [scoring.trim_span(body, s.start, s.end) is not None for s in key]
    assert result.hits == sum(findable)


@given(articles())
def test_spotted_score_ignores_technique_names(article):
    body, key, marks, _ = article
    relabelled = [Span(m.start, m.end, "other") for m in marks]
    before = scoring.score_devices(body, key, marks)
    after = scoring.score_devices(body, key, relabelled)
    assert before.spotted == after.spotted


@given(articles())
def test_with_one_technique_named_and_spotted_agree(article):
    body, key, marks, _ = article
    key = [Span(s.start, s.end, "loaded") for s in key]
    marks = [Span(s.start, s.end, "loaded") for s in marks]
    result = scoring.score_devices(body, key, marks)
    assert values(result.named) == pytest.approx(values(result.spotted))


@given(articles(), st.sampled_from(TECHNIQUES))
def test_a_separate_false_alarm_never_raises_precision(article, technique):
    # The alarm sits after a space at the end, apart from every other mark.
    # (An alarm that bridges two marks merges them and CAN raise precision:
    # see test_a_bridging_false_alarm_can_raise_precision.)
    body, key, marks, _ = article
    body += " zzz"
    alarm = Span(len(body) - 3, len(body), technique)
    before = scoring.score_devices(body, key, marks)
    after = scoring.score_devices(body, key, [*marks, alarm])
    assert after.named.precision <= before.named.precision
    assert after.spotted.precision <= before.spotted.precision
    assert after.false_alarms[-1] == len(marks)


def test_a_bridging_false_alarm_can_raise_precision():
    # Marks [0,10) (on the key) and [12,14) (a false alarm):
    # P = (1 + 0) / 2 = 0.5. Adding [10,12), which overlaps no key item,
    # merges all three into [0,14): P = 10/14.
    key = [Span(0, 10, "loaded")]
    marks = [Span(0, 10, "loaded"), Span(12, 14, "loaded")]
    assert named(key, marks).precision == 0.5
    bridged = named(key, [*marks, Span(10, 12, "loaded")])
    assert bridged.precision == pytest.approx(10 / 14)


@given(st.text(alphabet="ab .'-“", max_size=20), st.integers(-3, 23), st.integers(-3, 23))
def test_snap_to_words_keeps_every_selected_letter_and_is_stable(body, a, b):
    start, end = min(a, b), max(a, b)
    snapped = scoring.snap_to_words(body, start, end)
    selected = range(max(start, 0), min(end, len(body)))
    letters = [i for i in selected if body[i].isalnum()]
    if snapped is None:
        assert letters == []
    else:
        assert all(snapped[0] <= i < snapped[1] for i in letters)
        assert scoring.snap_to_words(body, *snapped) == snapped


# Voices ------------------------------------------------------------------------

# Rows: key; columns: answer in VOICES order, then unanswered.
CREDIT_TABLE = {
    "direct": (1.0, 0.5, 0.0, 0.0, 0.0),
    "partial": (0.5, 1.0, 0.5, 0.0, 0.0),
    "paraphrase": (0.0, 0.5, 1.0, 0.0, 0.0),
    "narration": (0.0, 0.0, 0.0, 1.0, 0.0),
}


@pytest.mark.parametrize(
    "key, answer, credit",
    [
        (key, answer, credit)
        for key, row in CREDIT_TABLE.items()
        for answer, credit in zip((*scoring.VOICES, None), row)
    ],
)
def test_voice_credit_table(key, answer, credit):
    assert scoring.voice_credit(answer, key) == credit


def test_voices_are_in_the_documented_order():
    assert scoring.VOICES == ("direct", "partial", "paraphrase", "narration")


@pytest.mark.parametrize("answer, key", [("quote", "direct"), ("direct", None)])
def test_voice_credit_rejects_unknown_labels(answer, key):
    with pytest.raises(ValueError, match="Unknown voice"):
        scoring.voice_credit(answer, key)


def test_kappa_hand_worked():
    # Agreement po = 2/4. Key counts: direct 2, paraphrase 1, narration 1;
    # answer counts: direct 1, paraphrase 2, unanswered 1.
    # pe = (2*1 + 1*2 + 1*0) / 16 = 0.25; kappa = (0.5 - 0.25) / 0.75 = 1/3.
    key = ["direct", "direct", "paraphrase", "narration"]
    answers = ["direct", "paraphrase", "paraphrase", None]
    assert scoring.cohen_kappa(key, answers) == pytest.approx(1 / 3)


def test_one_label_for_every_answer_earns_kappa_zero():
    # po = 2/4; pe = (2 * 4) / 16 = 0.5; kappa = 0 despite half agreement.
    key = ["direct", "narration", "narration", "paraphrase"]
    answers = ["narration"] * 4
    assert scoring.cohen_kappa(key, answers) == 0.0


def test_perfect_agreement_is_exactly_one():
    key = ["direct", "partial", "paraphrase", "narration", "partial"]
    result = scoring.score_voices(key, list(key))
    assert (result.score, result.kappa) == (1.0, 1.0)


def test_key_with_one_label_everywhere():
    # pe = po whenever the key has a single label, so kappa is 1 for a
    # perfect sheet (pe = 1, where the formula is 0/0) and 0 otherwise.
    key = ["narration"] * 4
    assert scoring.cohen_kappa(key, ["narration"] * 4) == 1.0
    answers = ["narration", "direct", "narration", "narration"]
    assert scoring.cohen_kappa(key, answers) == 0.0


def test_no_segments_is_perfect():
    result = scoring.score_voices([], [])
    assert (result.score, result.kappa, result.answered, result.total) == (
        1.0,
        1.0,
        0,
        0,
    )


def test_score_voices_hand_worked():
    key = ["direct", "partial", "paraphrase", "narration"]
    answers = ["partial", "partial", None, "direct"]
    result = scoring.score_voices(key, answers)
    # Credits 0.5 + 1 + 0 + 0 over 4 segments.
    assert result.score == 0.375
    assert (result.answered, result.total) == (3, 4)
    assert result.confusion["direct"] == {
        "direct": 0,
        "partial": 1,
        "paraphrase": 0,
        "narration": 0,
        None: 0,
    }
    assert result.confusion["paraphrase"][None] == 1
    assert result.confusion["narration"]["direct"] == 1


@pytest.mark.parametrize("function", [scoring.score_voices, scoring.cohen_kappa])
def test_voices_reject_differing_lengths(function):
    with pytest.raises(ValueError, match="2 answers for 3 key segments"):
        function(["direct"] * 3, ["direct"] * 2)


@st.composite
def voice_sheets(draw):
    key = draw(st.lists(st.sampled_from(scoring.VOICES), max_size=12))
    answer = st.sampled_from((*scoring.VOICES, None))
    answers = draw(st.lists(answer, min_size=len(key), max_size=len(key)))
    return key, answers


@given(voice_sheets())
def test_voice_scores_are_bounded(sheet):
    result = scoring.score_voices(*sheet)
    assert 0.0 <= result.score <= 1.0
    assert -1.0 <= result.kappa <= 1.0
    assert sum(sum(row.values()) for row in result.confusion.values()) == result.total


@given(voice_sheets())
def test_kappa_is_one_exactly_when_all_answers_match(sheet):
    key, answers = sheet
    assert (scoring.cohen_kappa(key, answers) == 1.0) == (key == answers)


@given(st.lists(st.sampled_from(scoring.VOICES), max_size=12))
def test_copying_the_key_scores_exactly_one(key):
    result = scoring.score_voices(key, list(key))
    assert (result.score, result.kappa) == (1.0, 1.0)
