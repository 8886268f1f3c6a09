"""
Nothing is lost: thirty students saving at once, and two tabs of one student.

The class test runs Lens as production does, under gunicorn (2 workers, 8 threads
each), on a database of its own of the kind this run uses: a SQLite file with the
production options (WAL, IMMEDIATE transactions) when the tests run on SQLite, a
fresh PostgreSQL database when they run on PostgreSQL. pytest-django's own SQLite
test database lives in memory, shared by every thread, so it could not show a
"database is locked". Thirty threads, each a student with a session of their own,
save answers and marks at the same moment; every acknowledged save must be stored,
exactly once.

The two-tab tests need no server: the page's revision numbers decide them.
"""

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
import requests
from django.conf import settings
from django.urls import reverse

from teaching.answers import AnswerChanged, save_voice_answer
from teaching.marks import MarkChanged, relabel_mark, remove_mark, words_in
from teaching.models import Attempt, Mark, Technique, VoiceAnswer
from tests.world import build_world

ROOT = Path(__file__).resolve().parent.parent
STUDENTS = 30
PASSWORD = "correct-horse-battery"
VOICES = ["narration", "direct", "partial", "paraphrase"]
HTMX = {"HX-Request": "true"}
CHANGED = "Changed in another tab — reload to see the latest answer."

# The app server's settings: the product's, with quick password hashing (thirty logins at
# once should measure saving, not PBKDF2) and server errors written to its log.
SERVER_SETTINGS = """
from teaching.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1"]
LOGGING["loggers"]["django.request"] = {"handlers": ["console"], "level": "ERROR"}  # noqa: F405
"""


# The app server ------------------------------------------------------------------------


@pytest.fixture
def database_url(tmp_path):
    """Return the URL of an empty database like the one this test run uses; drop it afterwards."""
    config = settings.DATABASES["default"]
    if config["ENGINE"] == "django.db.backends.sqlite3":
        yield f"sqlite:///{tmp_path / 'lens.sqlite3'}"
        return
    import psycopg

    name = f"lens_concurrency_{os.getpid()}"
    server = {
        "host": config["HOST"] or "127.0.0.1",
        "port": config["PORT"] or 5432,
        "user": config["USER"],
        "password": config["PASSWORD"] or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    credentials = quote(server["user"]) + (f":{quote(server['password'])}" if server["password"] else "")
    try:
        yield f"postgres://{credentials}@{server['host']}:{server['port']}/{name}"
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def site(tmp_path, database_url):
    """Set up a class of thirty on the database, serve it with gunicorn; yield its facts and URL."""
    (tmp_path / "lens_concurrency_settings.py").write_text(SERVER_SETTINGS)
    env = {
        **{key: value for key, value in os.environ.items() if key not in ("REDIS_URL", "DEBUG")},
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "lens_concurrency_settings",
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)]),
    }
    setup = subprocess.run(
        [sys.executable, "-m", "tests.concurrency_site", "setup", str(STUDENTS)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert setup.returncode == 0, setup.stderr
    facts = json.loads(setup.stdout.splitlines()[-1])
    port = free_port()
    log = tmp_path / "gunicorn.log"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "teaching.wsgi:application",
            f"--bind=127.0.0.1:{port}",
            "--workers=2",
            "--worker-class=gthread",
            "--threads=8",
            f"--error-logfile={log}",
            "--no-control-socket",  # Its default path is shared by every gunicorn on the machine.
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # A process group of its own: stopping it stops exactly its workers.
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_serving(server, base, log)
        yield {**facts, "base": base, "env": env, "log": log}
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()


def _wait_until_serving(server, base, log):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert server.poll() is None, f"gunicorn exited at start:\n{log.read_text()}"
        with contextlib.suppress(requests.ConnectionError):
            if requests.get(f"{base}/login/", timeout=5).status_code == 200:
                return
        time.sleep(0.2)
    raise AssertionError(f"gunicorn did not answer within 30 s:\n{log.read_text()}")


def stored(site):
    """Return what the server's database holds for the assignment."""
    dump = subprocess.run(
        [sys.executable, "-m", "tests.concurrency_site", "dump", str(site["assignment"])],
        cwd=ROOT,
        env=site["env"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(dump.stdout.splitlines()[-1])


# One student's work --------------------------------------------------------------------


class Student:
    """A browser session of one student: logs in, then saves as the pages do (htmx and devices.js)."""

    def __init__(self, site, username):
        self.site, self.username = site, username
        self.session = requests.Session()
        self.statuses = []
        self.answers = {}  # segment pk -> (voice, revision), as acknowledged
        self.marks = {}  # client id -> (start, end), as acknowledged

    def url(self, name, *args):
        return self.site["base"] + reverse(name, args=[self.site["assignment"], *args])

    def log_in(self):
        login = self.site["base"] + reverse("login")
        self.session.get(login, timeout=30)
        data = {"username": self.username, "password": PASSWORD}
        data["csrfmiddlewaretoken"] = self.session.cookies["csrftoken"]
        response = self.session.post(login, data=data, allow_redirects=False, timeout=30)
        assert response.status_code == 302, f"{self.username} could not log in: {response.status_code}"

    def another_tab(self):
        """Return a second tab: the same browser session, its own connection."""
        tab = Student(self.site, self.username)
        tab.session.cookies.update(self.session.cookies)
        return tab

    def post(self, url, data):
        headers = {**HTMX, "X-CSRFToken": self.session.cookies["csrftoken"]}
        response = self.session.post(url, data=data, headers=headers, timeout=60)
        self.statuses.append(response.status_code)
        return response

    def save_voice(self, segment, voice, revision):
        """Save one answer; return the response and the revision the page would send next."""
        data = {f"{segment}-voice": voice, f"{segment}-revision": revision}
        response = self.post(self.url("voice_save", segment), data)
        found = re.search(rf'name="{segment}-revision"[^>]*value="(\d+)"', response.text)
        if response.status_code == 200:
            self.answers[segment] = (voice, int(found.group(1)))
        return response, found and int(found.group(1))

    def add_mark(self, start, end, client_id):
        data = {"start": start, "end": end, "technique": "loaded-language", "client_id": client_id}
        response = self.post(self.url("mark_add"), data)
        if response.status_code in (200, 201):
            self.marks[client_id] = (start, end)
        return response


def work(student, *, number, spans, start_together):
    """Save six answers, change one, add three marks and replay one: about ten saves."""
    segments = student.site["segments"]
    student.log_in()
    start_together.wait(timeout=60)
    for index, segment in enumerate(segments[:6]):
        response, revision = student.save_voice(segment, VOICES[(number + index) % 4], 0)
        assert (response.status_code, revision) == (200, 1), response.text[:500]
    # Changing an answer, as the page does: with the revision the last save returned.
    response, revision = student.save_voice(segments[0], VOICES[(number + 1) % 4], 1)
    assert (response.status_code, revision) == (200, 2), response.text[:500]
    client_ids = [str(uuid.uuid4()) for _ in spans]
    for (start, end), client_id in zip(spans, client_ids, strict=True):
        assert student.add_mark(start, end, client_id).status_code == 201
    # A retry after a lost response finds the mark it made.
    assert student.add_mark(*spans[0], client_ids[0]).status_code == 200


def race_two_tabs(student):
    """Answer one sentence differently in two tabs at the same moment: one wins, one is told."""
    segment = student.site["segments"][6]
    tabs = [student, student.another_tab()]
    together = threading.Barrier(2)
    outcomes = {}

    def answer(tab, voice):
        together.wait(timeout=30)
        outcomes[voice] = tab.save_voice(segment, voice, 0)[0]

    threads = [threading.Thread(target=answer, args=pair) for pair in zip(tabs, ("direct", "narration"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    statuses = sorted(response.status_code for response in outcomes.values())
    assert statuses == [200, 409], statuses
    refused = next(response for response in outcomes.values() if response.status_code == 409)
    assert CHANGED in refused.text
    winner = next(voice for voice, response in outcomes.items() if response.status_code == 200)
    student.answers[segment] = (winner, 1)
    student.statuses += tabs[1].statuses


def test_thirty_students_saving_at_once_lose_nothing(site):
    body = site["body"]
    words = words_in(body, 0, len(body))
    spans = [words[10], words[20], words[30]]
    students = [Student(site, f"load-{number:02d}") for number in range(STUDENTS)]
    start_together = threading.Barrier(STUDENTS)
    failures = []

    def run(number, student):
        try:
            work(student, number=number, spans=spans, start_together=start_together)
            race_two_tabs(student)
        except BaseException as error:  # Reported below, with the student's name.
            start_together.abort()
            failures.append(f"{student.username}: {error!r}")

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(students)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    log = site["log"].read_text()
    assert not failures, "\n".join(failures) + f"\n\nServer log:\n{log[-5000:]}"
    statuses = [status for student in students for status in student.statuses]
    assert len(statuses) >= STUDENTS * 12
    assert not [status for status in statuses if status >= 500]
    assert "database is locked" not in log
    assert "Traceback" not in log, log[-5000:]

    data = stored(site)
    by_student = {student.username: student for student in students}
    answers = {}
    for username, segment, voice, revision in data["answers"]:
        assert (username, segment) not in answers, f"{username} has two answers for {segment}"
        answers[(username, segment)] = (voice, revision)
    expected = {
        (student.username, segment): answer
        for student in students
        for segment, answer in student.answers.items()
    }
    assert answers == expected
    marks = [(username, client_id, start, end) for username, client_id, start, end, _ in data["marks"]]
    assert len(marks) == len(set(marks)), "a mark was stored twice"
    assert sorted(marks) == sorted(
        (username, client_id, *span)
        for username, student in by_student.items()
        for client_id, span in student.marks.items()
    )


# Two tabs of one student: voices ---------------------------------------------------------


@pytest.fixture
def world(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return build_world()


@pytest.fixture
def tab(client, world):
    """Return a logged-in student's client; a second tab shares the session, so the same client serves."""
    client.force_login(world.student)
    return client


def save(tab, world, segment, voice, revision=None):
    data = {f"{segment.pk}-voice": voice}
    if revision is not None:
        data[f"{segment.pk}-revision"] = revision
    return tab.post(reverse("voice_save", args=[world.assignment.pk, segment.pk]), data, headers=HTMX)


def stored_answer(world, segment):
    answer = VoiceAnswer.objects.get(attempt=world.attempt, segment=segment)
    return answer.voice, answer.revision


def page_revision(tab, world, segment):
    """Return the revision the activity page, loaded now, sends with this sentence."""
    page = tab.get(reverse("voices", args=[world.assignment.pk])).content.decode()
    return int(re.search(rf'name="{segment.pk}-revision" value="(\d+)"', page).group(1))


def test_a_save_from_a_tab_that_missed_a_change_is_refused_and_keeps_the_newer_answer(tab, world):
    segment = world.segments[1]
    seen = page_revision(tab, world, segment)  # Both tabs load the page: no answer yet.
    assert seen == 0

    first = save(tab, world, segment, "narration", seen)  # Tab A
    second = save(tab, world, segment, "paraphrase", seen)  # Tab B, which never saw A's answer

    assert first.status_code == 200
    assert 'value="1" hx-swap-oob="true"' in first.content.decode()
    assert second.status_code == 409
    assert CHANGED in second.content.decode()
    assert stored_answer(world, segment) == ("narration", 1)


def test_the_same_answer_sent_again_from_an_old_page_is_accepted(tab, world):
    segment = world.segments[1]
    save(tab, world, segment, "narration", 0)

    replay = save(tab, world, segment, "narration", 0)  # A retry after a lost response.

    assert replay.status_code == 200
    assert 'value="1" hx-swap-oob="true"' in replay.content.decode()
    assert stored_answer(world, segment) == ("narration", 1)


def test_after_reloading_the_other_tab_changes_the_answer(tab, world):
    segment = world.segments[1]
    save(tab, world, segment, "narration", 0)
    save(tab, world, segment, "paraphrase", 0)  # Refused: stale.

    reloaded = page_revision(tab, world, segment)
    again = save(tab, world, segment, "paraphrase", reloaded)

    assert (reloaded, again.status_code) == (1, 200)
    assert stored_answer(world, segment) == ("paraphrase", 2)


def test_one_tab_changing_its_mind_is_never_refused(tab, world):
    segment = world.segments[1]
    revision = 0
    for voice in ("narration", "direct", "partial", "narration"):
        response = save(tab, world, segment, voice, revision)
        assert response.status_code == 200
        revision = int(re.search(r'value="(\d+)" hx-swap-oob', response.content.decode()).group(1))

    assert stored_answer(world, segment) == ("narration", 4)


def test_an_existing_answer_changed_elsewhere_refuses_the_stale_tab(tab, world):
    # The world's student answered the first sentence "direct" (revision 1) before either tab loaded.
    segment = world.segments[0]
    seen = page_revision(tab, world, segment)
    save(tab, world, segment, "partial", seen)  # Tab A

    stale = save(tab, world, segment, "narration", seen)  # Tab B

    assert stale.status_code == 409
    assert stored_answer(world, segment) == ("partial", 2)


def test_a_save_without_a_revision_applies_as_before(tab, world):
    # An older page (or a script) that sends no revision: last save wins, as it always did.
    segment = world.segments[0]

    assert save(tab, world, segment, "narration").status_code == 200
    assert stored_answer(world, segment) == ("narration", 2)


def test_the_no_javascript_form_from_a_stale_tab_saves_nothing_and_names_the_sentence(tab, world):
    first, second = world.segments
    url = reverse("voices", args=[world.assignment.pk])
    form = {  # What tab B's form holds: it loaded when sentence 1 was "direct" (revision 1).
        f"{first.pk}-voice": "direct",
        f"{first.pk}-revision": 1,
        f"{second.pk}-voice": "narration",
        f"{second.pk}-revision": 0,
    }
    save(tab, world, first, "paraphrase", 1)  # Meanwhile tab A changed sentence 1.

    response = tab.post(url, form)

    assert response.status_code == 409
    content = response.content.decode()
    assert CHANGED in content
    assert f'href="#segment-{first.pk}">Sentence 1</a>' in content
    assert f'href="#segment-{second.pk}"' not in content.split('id="voices-errors"')[1].split("</div>")[0]
    assert stored_answer(world, first) == ("paraphrase", 2)
    assert not VoiceAnswer.objects.filter(segment=second).exists()  # All or none.


def test_the_no_javascript_form_resending_unchanged_answers_is_accepted(tab, world):
    first, second = world.segments
    url = reverse("voices", args=[world.assignment.pk])
    form = {
        f"{first.pk}-voice": "direct",  # As stored: not a conflict, whatever the revision.
        f"{first.pk}-revision": 0,
        f"{second.pk}-voice": "narration",
        f"{second.pk}-revision": 0,
    }

    response = tab.post(url, form)

    assert response.status_code == 302
    assert stored_answer(world, first) == ("direct", 1)
    assert stored_answer(world, second) == ("narration", 1)


def test_two_first_answers_racing_in_the_database_leave_one_and_refuse_the_other(world):
    attempt, segment = world.attempt, world.segments[1]
    save_voice_answer(attempt=attempt, segment=segment, voice="paraphrase", revision=0)

    with pytest.raises(AnswerChanged) as refused:
        save_voice_answer(attempt=attempt, segment=segment, voice="direct", revision=0)

    assert refused.value.segments == [segment]
    assert stored_answer(world, segment) == ("paraphrase", 1)


# Two tabs of one student: marks ----------------------------------------------------------


def change(tab, world, client_id, **data):
    url = reverse("mark_change", args=[world.assignment.pk, client_id])
    return tab.post(url, data, headers=HTMX)


@pytest.fixture
def other_technique(world):
    return Technique.objects.create(
        slug="name-calling",
        name="Name calling",
        family="attack",
        definition="d",
        example="e",
        colour="#ff00aa",
        code="NC",
    )


def test_adding_the_same_mark_from_two_tabs_stores_it_once(tab, world):
    client_id = str(uuid.uuid4())
    data = {"start": 0, "end": 9, "technique": world.technique.slug, "client_id": client_id}
    url = reverse("mark_add", args=[world.assignment.pk])

    first = tab.post(url, data, headers=HTMX)
    replay = tab.post(url, data, headers=HTMX)

    assert (first.status_code, replay.status_code) == (201, 200)
    assert Mark.objects.filter(client_id=client_id).count() == 1


def test_removing_a_mark_already_removed_in_another_tab_is_a_harmless_success(tab, world):
    client_id, slug = world.mark.client_id, world.technique.slug
    assert change(tab, world, client_id, action="remove", was=slug).status_code == 200  # Tab A

    again = change(tab, world, client_id, action="remove", was=slug)  # Tab B

    assert again.status_code == 200
    assert "That mark was already removed." in again.content.decode()
    assert not Mark.objects.filter(client_id=client_id).exists()


def test_relabelling_a_mark_removed_in_another_tab_is_refused_clearly(tab, world, other_technique):
    client_id = world.mark.client_id
    change(tab, world, client_id, action="remove", was=world.technique.slug)

    relabel = change(
        tab, world, client_id, action="relabel", technique=other_technique.slug, was=world.technique.slug
    )

    assert relabel.status_code == 409
    assert "That mark was removed in another tab — reload to see your marks." in relabel.content.decode()
    assert not Mark.objects.filter(client_id=client_id).exists()


def test_relabelling_a_mark_relabelled_in_another_tab_is_refused_and_keeps_the_newer_label(
    tab, world, other_technique
):
    client_id, seen = world.mark.client_id, world.technique.slug
    third = Technique.objects.create(
        slug="doubt",
        name="Doubt",
        family="justification",
        definition="d",
        example="e",
        colour="#00ffaa",
        code="DO",
    )
    assert (
        change(tab, world, client_id, action="relabel", technique=other_technique.slug, was=seen).status_code
        == 200
    )

    stale = change(tab, world, client_id, action="relabel", technique=third.slug, was=seen)

    assert stale.status_code == 409
    assert "relabelled Name calling in another tab" in stale.content.decode()
    assert Mark.objects.get(client_id=client_id).technique == other_technique


def test_removing_a_mark_relabelled_in_another_tab_is_refused_and_keeps_it(tab, world, other_technique):
    client_id, seen = world.mark.client_id, world.technique.slug
    change(tab, world, client_id, action="relabel", technique=other_technique.slug, was=seen)

    stale = change(tab, world, client_id, action="remove", was=seen)

    assert stale.status_code == 409
    assert Mark.objects.get(client_id=client_id).technique == other_technique


def test_both_tabs_relabelling_to_the_same_technique_both_succeed(tab, world, other_technique):
    client_id, seen = world.mark.client_id, world.technique.slug

    first = change(tab, world, client_id, action="relabel", technique=other_technique.slug, was=seen)
    second = change(tab, world, client_id, action="relabel", technique=other_technique.slug, was=seen)

    assert (first.status_code, second.status_code) == (200, 200)
    assert Mark.objects.get(client_id=client_id).technique == other_technique


def test_the_domain_functions_refuse_stale_changes_too(world, other_technique):
    mark, seen = world.mark, world.technique.slug
    relabel_mark(mark=mark, technique=other_technique, seen_technique=seen)

    with pytest.raises(MarkChanged):
        relabel_mark(mark=mark, technique=world.technique, seen_technique=seen)
    with pytest.raises(MarkChanged):
        remove_mark(mark=mark, seen_technique=seen)
    assert remove_mark(mark=mark, seen_technique=other_technique.slug) is True
    assert remove_mark(mark=mark) is False
    assert Attempt.objects.get(pk=world.attempt.pk).marks.count() == 0
