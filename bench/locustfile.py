"""
The classroom and school simulations, run headless by ``bench.run``.

Each simulated student is a different real student of the generated school (their
session cookie comes from the data set): they open the lesson, then every 3–5 s
label a sentence or mark a device. Teachers (school simulation only) reload their
class's results page every 5 s. Every save the server acknowledged (HTTP 2xx) is
written to ``BENCH_ACKS`` when the run ends, with every save sent, so ``bench.verify``
can check afterwards that each acknowledged save is in the database.

Environment: ``BENCH_DATA`` (the data set's JSON), ``BENCH_CLASSES`` (how many classes
of 30 take part, from ``BENCH_FIRST_CLASS`` on), ``BENCH_HOSTS`` (comma-separated app
servers; the people are spread across them), ``BENCH_ACKS`` (where to write the save log).
"""

import itertools
import json
import os
import random
import uuid

from locust import FastHttpUser, between, constant_pacing, events, task

DATA = json.load(open(os.environ["BENCH_DATA"]))  # noqa: SIM115
FIRST = int(os.environ.get("BENCH_FIRST_CLASS", "0"))
CLASSES = DATA["classes"][FIRST : FIRST + int(os.environ.get("BENCH_CLASSES", "1"))]
HOSTS = os.environ.get("BENCH_HOSTS", "").split(",")
URLS = DATA["urls"]
SEGMENTS = DATA["lesson"]["segments"]
SPANS = DATA["lesson"]["spans"]
TECHNIQUES = DATA["lesson"]["techniques"]
VOICES = ["direct", "partial", "paraphrase", "narration"]
QUOTE_SOURCES = ["", "speaker", "quoted-other", "mixed"]

_students = itertools.count()
_teachers = itertools.count()
_sequence = itertools.count()
SAVES = []  # One dict per save sent; "ack" set when the server answered 2xx.


def _url(name, **holes):
    return URLS[name].format(**holes)


class Person(FastHttpUser):
    abstract = True
    host = HOSTS[0]

    def start_as(self, person, number):
        """Use ``person``'s session on one of the app servers (spread round-robin)."""
        self.base = HOSTS[number % len(HOSTS)]
        # Cookies are set by hand: keep the client's own jar out of it.
        self.client.cookiejar.set_policy(_NoCookies())
        self.headers = {"Cookie": f"sessionid={person['session']}; csrftoken={person['csrf']}"}
        self.post_headers = {
            **self.headers,
            "X-CSRFToken": person["csrf"],
            "HX-Request": "true",
            "Content-Type": "application/x-www-form-urlencoded",
        }

    def get(self, path, name):
        with self.client.get(self.base + path, headers=self.headers, name=name, catch_response=True) as r:
            if not 200 <= r.status_code < 300:
                r.failure(f"HTTP {r.status_code}")

    def save(self, path, name, fields, record):
        """POST ``fields``; log the save as sent, and as acknowledged on a 2xx answer."""
        record = {**record, "n": next(_sequence), "ack": False}
        SAVES.append(record)
        body = "&".join(f"{key}={value}" for key, value in fields.items())
        with self.client.post(
            self.base + path, data=body, headers=self.post_headers, name=name, catch_response=True
        ) as r:
            if 200 <= r.status_code < 300:
                record["ack"] = True
            else:
                r.failure(f"HTTP {r.status_code}")


class StudentUser(Person):
    wait_time = between(3, 5)

    def on_start(self):
        number = next(_students)
        classroom = CLASSES[number % len(CLASSES)]
        self.student = classroom["students"][number // len(CLASSES)]
        self.assignment = classroom["assignment"]
        # The first half of the student's unused mark combinations; the throughput run uses the rest.
        self.free_marks = list(self.student["free_marks"][: len(self.student["free_marks"]) // 2])
        self.start_as(self.student, number)
        for page in ("voices", "devices"):
            if URLS[page]:
                self.get(_url(page, assignment=self.assignment), f"lesson page ({page})")

    @task
    def label_or_mark(self):
        if URLS["mark_add"] and random.random() < 1 / 3:
            self.mark()
        else:
            self.label()

    def label(self):
        segment = random.choice(SEGMENTS)
        # The activity's forms are prefixed with the segment's id, as on the page.
        prefix = segment["pk"]
        fields = {f"{prefix}-voice": random.choice(VOICES)}
        if segment["quotes"]:
            fields[f"{prefix}-quote_source"] = random.choice(QUOTE_SOURCES)
        record = {
            "kind": "voice",
            "student": self.student["id"],
            "assignment": self.assignment,
            "segment": segment["pk"],
            "voice": fields[f"{prefix}-voice"],
            "quote_source": fields.get(f"{prefix}-quote_source", ""),
        }
        path = _url("voice_save", assignment=self.assignment, segment=segment["pk"])
        self.save(path, "voice save", fields, record)

    def mark(self):
        if not self.free_marks:
            return self.label()
        # Words and a technique this student has not marked yet: a repeat is refused, as it should be.
        start, end, technique = self.free_marks.pop()
        client_id = str(uuid.uuid4())
        fields = {"start": start, "end": end, "technique": technique, "client_id": client_id}
        record = {"kind": "mark", "student": self.student["id"], "assignment": self.assignment}
        record["client_id"] = client_id
        self.save(_url("mark_add", assignment=self.assignment), "mark save", fields, record)


class TeacherUser(Person):
    """A teacher with the class's results page open, reloading it every 5 s."""

    wait_time = constant_pacing(5)
    fixed_count = len(CLASSES)

    def on_start(self):
        number = next(_teachers)
        classroom = CLASSES[number % len(CLASSES)]
        self.start_as(classroom["teacher"], number)
        self.path = _url("assignment_results", assignment=classroom["assignment"])

    @task
    def refresh(self):
        self.get(self.path, "results page")


class _NoCookies:
    """A cookie policy that neither stores nor sends anything."""

    netscape, rfc2965, hide_cookie2 = True, False, False

    def set_ok(self, cookie, request):
        return False

    def return_ok(self, cookie, request):
        return False

    def domain_return_ok(self, domain, request):
        return False

    def path_return_ok(self, path, request):
        return False


@events.quitting.add_listener
def write_saves(environment, **kwargs):
    with open(os.environ["BENCH_ACKS"], "w") as out:
        json.dump(SAVES, out)
