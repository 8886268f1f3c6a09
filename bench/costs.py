"""
What one request of each scenario costs inside Django: ``python -m bench.costs DATA.json``.

Runs in one process against the generated school (the runner's environment): for each
endpoint, the CPU time per request (no network, no gunicorn, no load tool), the number of
SQL queries and the size of the answer, with the floor view for scale. These explain the
ratios wrk measures: a page that needs 20 times the floor's CPU cannot reach a twentieth of
its throughput. Prints one JSON object.
"""

import gc
import json
import sys
import time
import uuid
from urllib.parse import urlencode

import django

REPEAT = 20


def measure(call, repeat=REPEAT):
    """Return (status, CPU ms per call, queries per call, bytes) of ``call`` after one warm-up call."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call()
    # A full collection that fell inside one scenario's few calls would be charged to it alone.
    gc.collect()
    with CaptureQueriesContext(connection) as queries:
        started = time.process_time()
        for _ in range(repeat):
            response = call()
        cpu = (time.process_time() - started) / repeat
    return {
        "status": response.status_code,
        "cpu_ms": round(cpu * 1000, 2),
        "queries": round(len(queries.captured_queries) / repeat, 1),
        "bytes": len(response.content),
    }


def costs(data):
    """Return the cost of one request per scenario, keyed like the wrk scenarios."""
    from django.test import Client

    def client(person):
        c = Client(HTTP_HOST="127.0.0.1")
        c.cookies["sessionid"], c.cookies["csrftoken"] = person["session"], person["csrf"]
        return c

    urls, lesson = data["urls"], data["lesson"]
    # The class the simulations do not use, so its work is as the data set made it.
    classroom, big = data["classes"][-2], data["big_class"]
    student, assignment = classroom["students"][0], classroom["assignment"]
    as_student, as_teacher, as_head = client(student), client(classroom["teacher"]), client(big["teacher"])
    # One client each: making a client loads the middleware, and WhiteNoise's scans every static file.
    anonymous = Client(HTTP_HOST="127.0.0.1")
    htmx = {"HX-Request": "true", "X-CSRFToken": student["csrf"]}
    # Posted as htmx (and wrk) posts them, not as the test client's default multipart.
    form = {"content_type": "application/x-www-form-urlencoded"}
    segment = lesson["segments"][len(lesson["segments"]) // 2]
    free_marks = iter(student["free_marks"][: len(student["free_marks"]) // 2])

    def save_voice():
        url = urls["voice_save"].format(assignment=assignment, segment=segment["pk"])
        return as_student.post(url, urlencode({f"{segment['pk']}-voice": "paraphrase"}), **form, headers=htmx)

    def save_mark():
        start, end, technique = next(free_marks)
        fields = {"start": start, "end": end, "technique": technique, "client_id": str(uuid.uuid4())}
        url = urls["mark_add"].format(assignment=assignment)
        return as_student.post(url, urlencode(fields), **form, headers=htmx)

    def get(who, name, pk):
        return lambda: who.get(urls[name].format(assignment=pk))

    plan = [
        (
            "floor (bare Django view)",
            None,
            lambda: anonymous.get("/bench/floor/"),
            REPEAT,
        ),
        # What every signed-in request pays before its view runs: the session and the user.
        ("floor, signed in", None, lambda: as_student.get("/bench/floor/"), REPEAT),
        ("lesson page (voices)", "voices", get(as_student, "voices", assignment), REPEAT),
        ("lesson page (devices)", "devices", get(as_student, "devices", assignment), REPEAT),
        ("voice save", "voice_save", save_voice, REPEAT),
        # Each mark is a new one: keep to the unused combinations set aside for this student.
        ("mark save", "mark_add", save_mark, 10),
        (
            "results page, class of 30",
            "assignment_results",
            get(as_teacher, "assignment_results", assignment),
            10,
        ),
        (
            "results page, class of 300",
            "assignment_results",
            get(as_head, "assignment_results", big["assignment"]),
            3,
        ),
        (
            "CSV export, class of 30",
            "assignment_results_csv",
            get(as_teacher, "assignment_results_csv", assignment),
            10,
        ),
    ]
    result = {}
    for name, endpoint, call, repeat in plan:
        if endpoint and not urls[endpoint]:
            result[name] = {"missing": "endpoint missing"}
            continue
        try:
            result[name] = measure(call, repeat)
        except Exception as error:  # noqa: BLE001  (a page under construction must not stop the bench)
            result[name] = {"missing": f"{type(error).__name__}: {error}"[:160]}
    return result


def main(argv):
    django.setup()
    with open(argv[1]) as f:
        data = json.load(f)
    # The data set's description is this process's, not an app server's: keep the collector off it.
    gc.collect()
    gc.freeze()
    print(json.dumps(costs(data)))


if __name__ == "__main__":
    main(sys.argv)
