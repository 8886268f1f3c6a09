"""
The devices activity's parts kept per lesson version, the builders that lay marks over them,
and the plain SQL that reads and stores marks.
"""

import datetime
import re
import uuid
from html import escape, unescape

import pytest
from django.http import QueryDict
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from teaching.devices_html import (
    LessonParts,
    Stencil,
    _escape_index,
    article_html,
    lesson_parts,
    sentence_html,
)
from teaching.forms.devices import AddMarkForm, selection_fields
from teaching.lesson_cache import RenderedOnce, clear_all
from teaching.mark_store import PlacedMark, insert_mark, student_marks
from teaching.models import Mark, Technique
from tests.world import BODY, build_world

# Escaping ----------------------------------------------------------------------------


@given(st.text(alphabet="ab <>&\"'é🙂\n", max_size=40), st.data())
def test_a_slice_of_the_body_escaped_once_is_the_slice_escaped(body, data):
    escaped, offsets = _escape_index(body)
    start = data.draw(st.integers(0, len(body)))
    end = data.draw(st.integers(start, len(body)))
    assert escaped[offsets[start] : offsets[end]] == escape(body[start:end])


# Laying marks over the article ---------------------------------------------------------


@pytest.fixture
def world(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return build_world()


@pytest.fixture
def parts(world) -> LessonParts:
    return lesson_parts(world.lesson)


def placed(technique, start, end, pk=1):
    return PlacedMark(pk, str(uuid.uuid4()), start, end, technique)


def test_overlapping_marks_cut_a_sentence_into_runs_that_rebuild_it(world, parts):
    first = world.segments[0]
    disaster = BODY.index("disaster")
    wide = placed(world.technique, BODY.index("a total"), disaster + 8, pk=1)
    narrow = placed(world.technique, disaster, disaster + 8, pk=2)
    html = sentence_html(parts, 0, [wide, narrow])
    runs = [unescape(run) for run in re.findall(r'data-start="\d+"[^>]*>([^<]*)<', html)]
    assert "".join(runs) == BODY[first.start : first.end]
    # The overlap names both marks, striped with the second's colour; each mark's badge ends it.
    assert f'data-marks="{wide.client_id} {narrow.client_id}">disaster</mark>' in html
    assert "dv-overlap" in html
    assert html.count('<sup class="dv-code') == 2


def test_an_article_with_no_marks_is_the_one_kept(parts):
    assert article_html(parts, []) == article_html(parts, [])
    assert "<mark" not in article_html(parts, [])
    assert article_html(parts, []).count("<span data-start=") == len(parts.segments)


def test_the_sentences_a_mark_touches_are_found_by_its_span(world, parts):
    first, second = world.segments
    assert parts.sentences_touched(first.start, first.start + 1) == [0]
    assert parts.sentences_touched(first.end - 1, second.start + 1) == [0, 1]
    assert parts.sentences_touched(second.start, second.end) == [1]


def test_text_from_the_database_is_escaped(world, parts):
    html = article_html(parts, [placed(world.technique, 0, 9)])
    assert "&quot;a total disaster&quot;" in html and '"a total' not in html


# The parts are kept per lesson version and language --------------------------------------


def test_the_parts_are_kept_until_the_lesson_changes(world):
    kept = lesson_parts(world.lesson)
    assert lesson_parts(world.lesson) is kept
    world.technique.name = "Renamed"
    world.technique.save()  # Any change to the taxonomy moves every lesson's version.
    world.lesson.refresh_from_db()
    renamed = lesson_parts(world.lesson)
    assert renamed is not kept
    assert renamed.look(world.technique).name == "Renamed"


def test_the_least_recently_used_entry_goes_first_and_clear_all_empties_every_cache():
    cache = RenderedOnce(max_entries=2)
    cache.get("a", lambda: 1)
    cache.get("b", lambda: 2)
    cache.get("a", lambda: 0)  # Used again: "b" is now the oldest.
    cache.get("c", lambda: 3)
    assert cache.get("a", lambda: "rebuilt") == 1
    assert cache.get("b", lambda: "rebuilt") == "rebuilt"
    clear_all()
    assert len(cache) == 0


def test_a_stencil_fills_its_holes_and_keeps_the_rest():
    html = f"<p>{Stencil.slots['count']}</p><div>{Stencil.slots['article']}</div>"
    assert Stencil(html).fill(count="3", article="<b>x</b>") == "<p>3</p><div><b>x</b></div>"


# The plain SQL ------------------------------------------------------------------------------


def test_marks_are_read_in_text_order_with_their_ids_as_the_page_writes_them(world):
    attempt = world.attempt
    techniques = {world.technique.pk: world.technique}
    later = Mark.objects.create(
        attempt=attempt, technique=world.technique, start=40, end=47, client_id=uuid.uuid4()
    )
    marks = student_marks(attempt.pk, techniques)
    assert [(m.start, m.end) for m in marks] == sorted((m.start, m.end) for m in attempt.marks.all())
    assert marks[-1] == PlacedMark(later.pk, str(later.client_id), 40, 47, world.technique)
    assert student_marks(world.other_attempt.pk, techniques)[0].pk == world.other_attempt.marks.get().pk


def test_a_mark_is_stored_once_per_client_id_and_attempt(world):
    client_id, now = uuid.uuid4(), timezone.now()
    fields = {
        "technique_pk": world.technique.pk,
        "start": 0,
        "end": 9,
        "client_id": client_id,
        "created_at": now,
    }
    pk = insert_mark(attempt_pk=world.attempt.pk, **fields)
    assert insert_mark(attempt_pk=world.attempt.pk, **fields) is None
    # Another student's browser may pick the same id: that is another mark.
    assert insert_mark(attempt_pk=world.other_attempt.pk, **fields) not in (None, pk)
    stored = Mark.objects.get(pk=pk)
    assert (stored.attempt, stored.client_id, stored.start, stored.end) == (world.attempt, client_id, 0, 9)
    assert abs(stored.created_at - now) < datetime.timedelta(seconds=1)


def test_a_technique_added_after_the_parts_were_read_is_still_found(world):
    new = Technique.objects.create(
        slug="new-one",
        name="New one",
        family="attack",
        definition="d",
        example="e",
        colour="#123456",
        code="NW",
    )
    Mark.objects.create(attempt=world.attempt, technique=new, start=40, end=47, client_id=uuid.uuid4())
    marks = student_marks(world.attempt.pk, {world.technique.pk: world.technique})
    assert marks[-1].technique == new


# Reading a selection save without the form ----------------------------------------------------

FIELD_VALUES = st.one_of(
    st.text(max_size=8),
    st.integers(-5, 200).map(str),
    st.sampled_from(["1.0", " 7", "٣", "1_0", "", str(uuid.uuid4()), str(uuid.uuid4()).upper(), "doubt"]),
)


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["start", "end", "technique", "client_id", "segment", "first_word"]), FIELD_VALUES
    )
)
def test_a_selection_read_directly_is_what_the_form_would_make_of_it(data):
    techniques = {"doubt": Technique(pk=1, slug="doubt", name="Doubt")}
    query = QueryDict(mutable=True)
    query.update(data)
    quick = selection_fields(query, techniques)
    form = AddMarkForm(query, body="x" * 300, segments=[], techniques=techniques)
    if quick is not None:
        assert form.is_valid(), form.errors
        assert quick == form.mark_fields


def test_a_well_formed_selection_is_read_directly():
    client_id = uuid.uuid4()
    query = QueryDict(mutable=True)
    query.update({"start": "3", "end": "9", "technique": "doubt", "client_id": str(client_id)})
    technique = Technique(pk=1, slug="doubt")
    fields = selection_fields(query, {"doubt": technique})
    assert fields == {"start": 3, "end": 9, "technique": technique, "client_id": client_id}
