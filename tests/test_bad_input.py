"""
Bad input to every form and save endpoint: a clear 4xx, a message, and nothing changed.

Wrong types, huge numbers, out-of-range offsets, unknown ids, text that is not UTF-8
and megabytes of it. Then hypothesis throws random forms at the save endpoints: the
answer is 2xx or 4xx, never 5xx, and a 4xx leaves every row as it was.
"""

import uuid
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from teaching.models import Attempt, Mark, VoiceAnswer
from tests.test_access_matrix import changed_tables, snapshot
from tests.world import BODY

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]

FORM = "application/x-www-form-urlencoded"
HUGE = 10**12
ENORMOUS = 10**30  # Past every integer column: must not reach the database as a number.
MEGABYTE = "x" * 1_000_000
NOT_UTF8 = b"\xff\xfe\xc3"  # Two bytes that never occur in UTF-8, and a sequence cut short.


def client_for(world, role):
    client = Client()
    user = {"student": world.student, "teacher": world.owner, "anonymous": None}[role]
    if user is not None:
        client.force_login(user)
    return client


def form_body(data: dict) -> bytes:
    """Return ``data`` urlencoded as a browser sends a form; bytes values go as raw bytes."""
    return urlencode(data, doseq=True).encode("ascii")


@dataclass(frozen=True)
class Bad:
    id: str
    role: str
    url: object  # A function of the world, returning the URL.
    data: object  # A function of the world, returning a dict (sent urlencoded) or raw bytes.
    status: int
    says: str = ""  # A piece of the message the response must carry.
    htmx: bool = True


def voice_save(w, segment=1):
    return reverse("voice_save", args=[w.assignment.pk, w.segments[segment].pk])


def voice(w, value, segment=1, **more):
    pk = w.segments[segment].pk
    return {f"{pk}-voice": value, **{f"{pk}-{key}": v for key, v in more.items()}}


def voices_form(w):
    return reverse("voices", args=[w.assignment.pk])


def mark_add(w):
    return reverse("mark_add", args=[w.assignment.pk])


def mark(w, **fields):
    return {"start": 0, "end": 9, "technique": w.technique.slug, "client_id": str(uuid.uuid4()), **fields}


def mark_change(w, client_id=None):
    return reverse("mark_change", args=[w.assignment.pk, client_id or w.mark.client_id])


def assign(w):
    return reverse("assignment_create", args=[w.classroom.pk])


def assignment(w, **fields):
    return {
        "lesson": w.lesson.pk,
        "opens_at": "2030-01-01T09:00",
        "due_at": "2030-01-08T17:00",
        "feedback": "on_submit",
        **fields,
    }


def join(w, **fields):
    return {
        "code": w.classroom.join_code,
        "display_name": "Amber Fox",
        "password1": "a-long-Passphrase-9",
        "password2": "a-long-Passphrase-9",
        **fields,
    }


REUSED = "Reload the page and try again"  # The refusal of text that is not UTF-8.
LABELS = "Choose one of the four labels"
OUT_OF_DATE = "This page is out of date"

CASES = [
    # One sentence's answer, saved as chosen (htmx)
    Bad("voice: unknown label", "student", voice_save, lambda w: voice(w, "gossip"), 400, LABELS),
    Bad("voice: a number", "student", voice_save, lambda w: voice(w, HUGE), 400, LABELS),
    Bad("voice: a megabyte", "student", voice_save, lambda w: voice(w, MEGABYTE), 400, LABELS),
    Bad("voice: nothing", "student", voice_save, lambda w: {}, 400, LABELS),
    Bad("voice: not UTF-8", "student", voice_save, lambda w: voice(w, NOT_UTF8), 400, REUSED),
    Bad("voice: raw bytes", "student", voice_save, lambda w: b"x=" + NOT_UTF8, 400, REUSED),
    Bad(
        "voice: revision a word",
        "student",
        voice_save,
        lambda w: voice(w, "direct", revision="one"),
        400,
        OUT_OF_DATE,
    ),
    Bad(
        "voice: revision negative",
        "student",
        voice_save,
        lambda w: voice(w, "direct", revision=-1),
        400,
        OUT_OF_DATE,
    ),
    Bad(
        "voice: revision huge",
        "student",
        voice_save,
        lambda w: voice(w, "direct", revision=HUGE),
        400,
        OUT_OF_DATE,
    ),
    Bad(
        "voice: unknown quote source",
        "student",
        lambda w: voice_save(w, 0),
        lambda w: voice(w, "partial", 0, quote_source="the-outlet"),
        400,
        "answers about the quotes",
    ),
    Bad(
        "voice: unknown sentence",
        "student",
        lambda w: reverse("voice_save", args=[w.assignment.pk, HUGE]),
        lambda w: {"x": "direct"},
        404,
    ),
    Bad(
        "voice: sentence id past every integer",
        "student",
        lambda w: reverse("voice_save", args=[w.assignment.pk, ENORMOUS]),
        lambda w: {"x": "direct"},
        404,
    ),
    Bad(
        "voice: unknown assignment",
        "student",
        lambda w: reverse("voice_save", args=[ENORMOUS, w.segments[0].pk]),
        lambda w: voice(w, "direct"),
        404,
    ),
    # The whole activity's form, without JavaScript
    Bad(
        "voices form: unknown label", "student", voices_form, lambda w: voice(w, "gossip"), 400, LABELS, False
    ),
    Bad("voices form: a megabyte", "student", voices_form, lambda w: voice(w, MEGABYTE), 400, LABELS, False),
    Bad("voices form: not UTF-8", "student", voices_form, lambda w: voice(w, NOT_UTF8), 400, REUSED, False),
    Bad(
        "voices form: revision huge",
        "student",
        voices_form,
        lambda w: voice(w, "direct", revision=ENORMOUS),
        400,
        OUT_OF_DATE,
        False,
    ),
    # Marks
    Bad(
        "mark: offsets far past the body",
        "student",
        mark_add,
        lambda w: mark(w, start=HUGE, end=HUGE + 5),
        400,
        "is not inside the article",
    ),
    Bad(
        "mark: negative start",
        "student",
        mark_add,
        lambda w: mark(w, start=-5),
        400,
        "is not inside the article",
    ),
    Bad(
        "mark: end before start",
        "student",
        mark_add,
        lambda w: mark(w, start=9, end=2),
        400,
        "is not inside the article",
    ),
    Bad(
        "mark: end past the body",
        "student",
        mark_add,
        lambda w: mark(w, end=len(BODY) + 1),
        400,
        "is not inside",
    ),
    Bad("mark: start a word", "student", mark_add, lambda w: mark(w, start="nine"), 400, "whole number"),
    Bad("mark: start a fraction", "student", mark_add, lambda w: mark(w, start="1.5"), 400, "whole number"),
    Bad(
        "mark: start enormous", "student", mark_add, lambda w: mark(w, start=ENORMOUS, end=ENORMOUS + 1), 400
    ),
    Bad(
        "mark: unknown technique",
        "student",
        mark_add,
        lambda w: mark(w, technique="nope"),
        400,
        "not in the palette",
    ),
    Bad(
        "mark: technique a megabyte",
        "student",
        mark_add,
        lambda w: mark(w, technique=MEGABYTE),
        400,
        "palette",
    ),
    Bad("mark: broken id", "student", mark_add, lambda w: mark(w, client_id="not-a-uuid"), 400, "broken id"),
    Bad("mark: no id", "student", mark_add, lambda w: mark(w, client_id=""), 400, "had no id"),
    Bad(
        "mark: unknown sentence",
        "student",
        mark_add,
        lambda w: mark(w, start="", end="", segment=HUGE, first_word=0, last_word=0),
        400,
        "Choose a sentence",
    ),
    Bad(
        "mark: word past the sentence",
        "student",
        mark_add,
        lambda w: mark(w, start="", end="", segment=0, first_word=0, last_word=HUGE),
        400,
        "Choose words from the sentence",
    ),
    Bad("mark: not UTF-8", "student", mark_add, lambda w: mark(w, technique=NOT_UTF8), 400, REUSED),
    # Changing a mark
    Bad(
        "change: unknown action",
        "student",
        mark_change,
        lambda w: {"action": "explode"},
        400,
        "Select a valid choice",
    ),
    Bad(
        "change: relabel to nothing",
        "student",
        mark_change,
        lambda w: {"action": "relabel"},
        400,
        "Choose the technique",
    ),
    Bad(
        "change: relabel to unknown",
        "student",
        mark_change,
        lambda w: {"action": "relabel", "technique": "nope"},
        400,
        "not in the palette",
    ),
    Bad(
        "change: seen technique a megabyte",
        "student",
        mark_change,
        lambda w: {"action": "remove", "was": MEGABYTE},
        400,
        "at most 50 characters",
    ),
    Bad("change: not UTF-8", "student", mark_change, lambda w: {"action": NOT_UTF8}, 400, REUSED),
    Bad(
        "change: relabel a mark that is not there",
        "student",
        lambda w: mark_change(w, uuid.uuid4()),
        lambda w: {"action": "relabel", "technique": w.technique.slug},
        409,
        "removed in another tab",
    ),
    Bad(
        "change: another student's mark",
        "student",
        lambda w: mark_change(w, w.other_attempt.marks.get().client_id),
        lambda w: {"action": "remove"},
        404,
    ),
    # Classes
    Bad(
        "class: no name",
        "teacher",
        lambda w: reverse("classroom_create"),
        lambda w: {"name": " "},
        400,
        "Give the class a name",
        False,
    ),
    Bad(
        "class: name a megabyte",
        "teacher",
        lambda w: reverse("classroom_create"),
        lambda w: {"name": MEGABYTE},
        400,
        "at most 100",
        False,
    ),
    Bad(
        "class: name with NUL",
        "teacher",
        lambda w: reverse("classroom_create"),
        lambda w: {"name": "9B\x00"},
        400,
        "Null characters",
        False,
    ),
    Bad(
        "class: name not UTF-8",
        "teacher",
        lambda w: reverse("classroom_create"),
        lambda w: {"name": NOT_UTF8},
        400,
        REUSED,
        False,
    ),
    Bad(
        "rename: name a megabyte",
        "teacher",
        lambda w: reverse("classroom_rename", args=[w.classroom.pk]),
        lambda w: {"name": MEGABYTE},
        400,
        "at most 100",
        False,
    ),
    Bad(
        "students: a megabyte-long name",
        "teacher",
        lambda w: reverse("students_add", args=[w.classroom.pk]),
        lambda w: {"names": MEGABYTE},
        400,
        "Names can be at most 40 characters",
    ),
    Bad(
        "students: too many",
        "teacher",
        lambda w: reverse("students_add", args=[w.classroom.pk]),
        lambda w: {"names": "\n".join(f"Pupil {n}" for n in range(61))},
        400,
        "at most 60 students",
    ),
    Bad(
        "students: not UTF-8",
        "teacher",
        lambda w: reverse("students_add", args=[w.classroom.pk]),
        lambda w: {"names": NOT_UTF8},
        400,
        REUSED,
    ),
    Bad(
        "students: reset an unknown student",
        "teacher",
        lambda w: reverse("student_reset_password", args=[w.classroom.pk, ENORMOUS]),
        lambda w: {},
        404,
    ),
    Bad(
        "assign: lesson a word",
        "teacher",
        assign,
        lambda w: assignment(w, lesson="tiny"),
        400,
        "Choose one of the lessons",
        False,
    ),
    Bad(
        "assign: unknown lesson",
        "teacher",
        assign,
        lambda w: assignment(w, lesson=HUGE),
        400,
        "Choose one of the lessons",
        False,
    ),
    Bad(
        "assign: lesson enormous",
        "teacher",
        assign,
        lambda w: assignment(w, lesson=ENORMOUS),
        400,
        "Choose one of the lessons",
        False,
    ),
    Bad(
        "assign: a draft",
        "teacher",
        assign,
        lambda w: assignment(w, lesson=w.draft.pk),
        400,
        "Choose one of the lessons",
        False,
    ),
    Bad(
        "assign: not a date",
        "teacher",
        assign,
        lambda w: assignment(w, opens_at="soon"),
        400,
        "Enter a date and a time",
        False,
    ),
    Bad(
        "assign: year 99999",
        "teacher",
        assign,
        lambda w: assignment(w, due_at="99999-01-01T09:00"),
        400,
        "Enter a date",
        False,
    ),
    Bad(
        "assign: unknown feedback",
        "teacher",
        assign,
        lambda w: assignment(w, feedback="never"),
        400,
        "Select a valid choice",
        False,
    ),
    # Joining a class
    Bad(
        "join: code a megabyte",
        "anonymous",
        lambda w: reverse("student_join"),
        lambda w: join(w, code=MEGABYTE),
        400,
        "at most 24",
        False,
    ),
    Bad(
        "join: unknown code",
        "anonymous",
        lambda w: reverse("student_join"),
        lambda w: join(w, code="0000000000"),
        400,
        "No class has that code",
        False,
    ),
    Bad(
        "join: name a megabyte",
        "anonymous",
        lambda w: reverse("student_join"),
        lambda w: join(w, display_name=MEGABYTE),
        400,
        "at most 40",
        False,
    ),
    Bad(
        "join: name not UTF-8",
        "anonymous",
        lambda w: reverse("student_join"),
        lambda w: join(w, display_name=NOT_UTF8),
        400,
        REUSED,
        False,
    ),
    Bad(
        "join: a body of 3 MB",
        "anonymous",
        lambda w: reverse("student_join"),
        lambda w: join(w, display_name="x" * 3_000_000),
        400,
        "",
        False,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_input_is_refused_with_a_message_and_changes_nothing(world, case):
    client = client_for(world, case.role)
    data = case.data(world)
    body = data if isinstance(data, bytes) else form_body(data)
    headers = {"HX-Request": "true"} if case.htmx else {}
    before = snapshot()

    response = client.post(case.url(world), body, content_type=FORM, headers=headers)

    assert response.status_code == case.status, response.content.decode()[:2000]
    assert case.says in response.content.decode()
    assert changed_tables(before, snapshot()) == []


def test_a_multipart_form_that_is_not_utf8_is_refused(world):
    # devices.js sends FormData, which the browser encodes as multipart.
    boundary = "lens-boundary"
    parts = [
        ("start", b"0"),
        ("end", b"9"),
        ("technique", NOT_UTF8),
        ("client_id", str(uuid.uuid4()).encode()),
    ]
    body = (
        b"".join(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + value
            + b"\r\n"
            for name, value in parts
        )
        + f"--{boundary}--\r\n".encode()
    )
    client = client_for(world, "student")
    before = snapshot()

    response = client.post(
        mark_add(world),
        body,
        content_type=f"multipart/form-data; boundary={boundary}",
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 400
    assert REUSED in response.content.decode()
    assert changed_tables(before, snapshot()) == []


def test_text_that_merely_contains_the_replacement_character_is_accepted(world):
    # U+FFFD typed (or pasted) on purpose is text like any other: only undecodable bytes are refused.
    client = client_for(world, "teacher")

    response = client.post(reverse("classroom_create"), {"name": "Caf\ufffd 9B"})

    assert response.status_code == 302
    assert world.owner.classrooms_taught.filter(name="Caf\ufffd 9B").exists()


def test_a_post_without_the_csrf_token_is_still_a_403_however_bad_its_text(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.owner)

    response = client.post(reverse("classroom_create"), b"name=%FF", content_type=FORM)

    assert response.status_code == 403


def test_a_refused_first_save_starts_no_attempt(world):
    # A student who has not started yet: a refused save must not leave an empty attempt behind.
    from teaching.models import Enrollment, User

    newcomer = User.objects.create_user("newcomer", role=User.Role.STUDENT)
    Enrollment.objects.create(classroom=world.classroom, student=newcomer)
    client = Client()
    client.force_login(newcomer)
    before = snapshot()

    refused = [
        client.post(voice_save(world), voice(world, "gossip"), headers={"HX-Request": "true"}),
        client.post(voices_form(world), voice(world, "gossip")),
        client.post(mark_add(world), mark(world, start=HUGE, end=HUGE + 1), headers={"HX-Request": "true"}),
    ]

    assert [response.status_code for response in refused] == [400, 400, 400]
    assert changed_tables(before, snapshot()) == []
    assert not Attempt.objects.filter(student=newcomer).exists()


def test_removing_a_mark_that_is_already_gone_is_a_harmless_success(world):
    client = client_for(world, "student")
    before = snapshot()

    response = client.post(
        mark_change(world, uuid.uuid4()), {"action": "remove"}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    assert "That mark was already removed." in response.content.decode()
    assert changed_tables(before, snapshot()) == []


# Property-based: random forms at the save endpoints -------------------------------------

SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
TEXT = st.text(max_size=60)
VALUES = st.one_of(
    TEXT,
    st.integers(min_value=-ENORMOUS, max_value=ENORMOUS),
    st.binary(max_size=12),  # Sent as raw bytes: usually not UTF-8.
    st.sampled_from(["direct", "partial", "paraphrase", "narration", "speaker", "quoted-other", "mixed", ""]),
    st.sampled_from(["relabel", "remove", "loaded-language", "0", "1", "2", "-1"]),
    st.just(MEGABYTE[:100_000]),
)


def random_form(field_names):
    """Return a strategy for forms: mostly the endpoint's own field names, sometimes others."""
    names = st.one_of(st.sampled_from(field_names), TEXT)
    return st.dictionaries(names, VALUES, max_size=len(field_names) + 2)


def work_rows():
    """Return the student work a save could change, to compare before and after a refusal."""
    return (
        sorted(VoiceAnswer.objects.values_list("pk", "segment_id", "voice", "quote_source", "revision")),
        sorted(Mark.objects.values_list("pk", "start", "end", "technique_id", "client_id")),
        sorted(Attempt.objects.values_list("pk", "seconds_spent", "last_active_at", "submitted_at")),
    )


def post_random(client, url, data, *, htmx=True):
    """POST ``data`` as a browser would, and check the answer: 2xx or 4xx, and a 4xx changed nothing."""
    before = work_rows()
    response = client.post(
        url, form_body(data), content_type=FORM, headers={"HX-Request": "true"} if htmx else {}
    )
    assert response.status_code < 500
    if response.status_code >= 400:
        assert work_rows() == before, f"{response.status_code} but the work changed, for {data!r}"
    else:
        assert response.status_code in (200, 201, 302)
    return response


@pytest.fixture
def student_client(world):
    return client_for(world, "student")


@SETTINGS
@given(data=st.data())
def test_random_voice_saves_are_stored_or_refused_cleanly(world, student_client, data):
    segment = data.draw(st.sampled_from(world.segments))
    fields = [f"{segment.pk}-voice", f"{segment.pk}-quote_source", f"{segment.pk}-revision"]
    post_random(
        student_client,
        reverse("voice_save", args=[world.assignment.pk, segment.pk]),
        data.draw(random_form(fields)),
    )


@SETTINGS
@given(data=st.data())
def test_random_no_javascript_voices_forms_are_stored_or_refused_cleanly(world, student_client, data):
    fields = [f"{s.pk}-{name}" for s in world.segments for name in ("voice", "quote_source", "revision")]
    post_random(student_client, voices_form(world), data.draw(random_form([*fields, "then"])), htmx=False)


@SETTINGS
@given(data=st.data())
def test_random_new_marks_are_stored_or_refused_cleanly(world, student_client, data):
    fields = ["start", "end", "technique", "client_id", "segment", "first_word", "last_word"]
    form = data.draw(random_form(fields))
    if data.draw(st.booleans()):
        # Often a well-formed id and a real technique, so the offsets are what gets tested.
        form.setdefault("client_id", str(uuid.uuid4()))
        form.setdefault("technique", world.technique.slug)
    post_random(student_client, mark_add(world), form)


@SETTINGS
@given(data=st.data())
def test_random_mark_changes_are_applied_or_refused_cleanly(world, student_client, data):
    client_id = data.draw(st.sampled_from([world.mark.client_id, uuid.uuid4()]))
    form = data.draw(random_form(["action", "technique", "was"]))
    post_random(student_client, mark_change(world, client_id), form)


@pytest.mark.parametrize("time_zone", ["UTC", "America/New_York", "Pacific/Kiritimati"])
@pytest.mark.parametrize("when", ["9999-12-31T23:59", "0001-01-01T00:00"])
def test_dates_at_the_ends_of_the_calendar_are_refused_not_crashed(world, settings, time_zone, when):
    # Found by these tests: the year 9999 in New York is the year 10000 in UTC, which
    # overflowed on the way to the database (a 500).
    settings.TIME_ZONE = time_zone
    client = client_for(world, "teacher")
    before = snapshot()

    due = client.post(assign(world), assignment(world, due_at=when))
    opens = client.post(assign(world), assignment(world, opens_at=when))

    assert (due.status_code, opens.status_code) == (400, 400)
    assert "Choose a date between" in due.content.decode()
    assert changed_tables(before, snapshot()) == []
