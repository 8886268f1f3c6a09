"""
Lens under load: ``make bench`` (or ``python -m bench.run [--quick]``).

Serves the app as production does (gunicorn, DEBUG off, WhiteNoise with a manifest,
the cache in Redis as soon as there are several workers), first on SQLite, then on
PostgreSQL, then as two app servers sharing PostgreSQL and Redis. Redis is emptied
before each part, so every part starts with cold caches. For each it generates the
school, measures the floor (a bare Django view behind the same middleware) and the
product's pages with wrk, runs the classroom and school simulations with locust, checks
every acknowledged save against the database, and reads the workers' peak memory.
Prints one table and writes ``bench/results.md``.
"""

import argparse
import json
import os
import random
import secrets
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from bench import report
from bench.servers import (
    OUT,
    PY,
    REDIS_URL,
    ROOT,
    AppServer,
    OtherWork,
    drop_postgres_database,
    empty_redis,
    fresh_database,
    postgres_version,
    redis_version,
    request,
    session_travels,
    throttle_travels,
)

WRK_THREADS, WRK_CONNECTIONS = 2, 8
SPAWN_RATE = 10  # simulated people starting per second
FREE_MARKS_FOR_WRK = 20  # of the 40 unused mark combinations the data set keeps per student


@dataclass(frozen=True)
class Profile:
    warmup: int  # seconds of wrk before each measured run, not recorded
    measure: int  # seconds of each measured wrk run
    classroom: int  # seconds of the classroom simulation
    school: int  # seconds of the school simulation (single server and scale-out)
    quick: bool = False


FULL = Profile(warmup=1, measure=3, classroom=120, school=60)
QUICK = Profile(warmup=1, measure=2, classroom=10, school=10, quick=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="seconds, not minutes: for developing the bench")
    parser.add_argument(
        "--workers", type=int, default=int(os.environ.get("BENCH_WORKERS", 2 * os.cpu_count()))
    )
    parser.add_argument("--only", choices=["sqlite", "postgres", "scale-out"], help="run one part only")
    args = parser.parse_args()
    profile = QUICK if args.quick or os.environ.get("BENCH_QUICK") else FULL
    started = time.monotonic()
    OUT.mkdir(parents=True, exist_ok=True)
    run = report.Run(profile_name="quick" if profile.quick else "full", workers=args.workers)
    run.load_before = wait_for_quiet(profile)
    run.versions = report.versions(postgres=postgres_version(), redis=redis_version())
    run.redis = bool(run.versions["Redis"])
    if not run.redis:
        run.notes.append(
            "Redis did not answer on 127.0.0.1:6379: each single-server worker kept its own cache "
            "(LocMem), which docs/deploy.md does not allow with several workers."
        )
    secret = secrets.token_urlsafe(64)
    base_env = {
        **{
            k: v
            for k, v in os.environ.items()
            if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "REDIS_URL", "DEBUG"}
        },
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "SECRET_KEY": secret,
        "BENCH_STATIC_ROOT": str(OUT / "staticfiles"),
    }
    say("collectstatic (manifest storage)")
    subprocess.run(
        [PY, "manage.py", "collectstatic", "--noinput", "--clear", "-v0"], cwd=ROOT, env=base_env, check=True
    )
    parts = [args.only] if args.only else ["sqlite", "postgres", "scale-out"]
    schools = {}
    try:
        for kind in [part for part in parts if part != "scale-out"]:
            if kind == "postgres" and not run.versions["PostgreSQL"]:
                run.notes.append("PostgreSQL did not answer on 127.0.0.1:5432: its runs were skipped.")
                continue
            with OtherWork() as other:
                schools[kind] = single_server(run, kind, base_env, profile, args.workers)
            run.other_work[kind] = other.share
        if "scale-out" in parts:
            if run.versions["PostgreSQL"] and run.versions["Redis"]:
                with OtherWork() as other:
                    scale_out(run, base_env, profile, args.workers, schools.get("postgres"))
                run.other_work["scale-out"] = other.share
            else:
                run.notes.append("Scale-out skipped: it needs PostgreSQL and Redis on 127.0.0.1.")
    finally:
        drop_postgres_database()
        run.load_after = os.getloadavg()
        run.seconds = time.monotonic() - started
        text = report.render(run)
        print(text)
        (ROOT / "bench" / "results.md").write_text(text)
        say(f"wrote bench/results.md; logs and data in {OUT.relative_to(ROOT)}/")


def wait_for_quiet(profile, *, limit=1.0, patience=45):
    """Return the load average, after waiting up to ``patience`` s for it to fall below ``limit``."""
    deadline = time.monotonic() + (0 if profile.quick else patience)
    load = os.getloadavg()
    if load[0] >= limit:
        say(f"load average {load[0]:.2f}: waiting up to {patience} s for it to fall below {limit}")
    while load[0] >= limit and time.monotonic() < deadline:
        time.sleep(5)
        load = os.getloadavg()
    return load


def say(message):
    print(f"[bench] {message}", flush=True)


def prepare(kind, base_env):
    """Return the environment of a freshly generated school on ``kind``, and its description."""
    env = {**base_env, "DATABASE_URL": fresh_database(kind)}
    say(f"{kind}: generating the school")
    started = time.monotonic()
    data_path = OUT / f"data-{kind}.json"
    subprocess.run([PY, "-m", "bench.dataset", str(data_path)], cwd=ROOT, env=env, check=True)
    data = json.loads(data_path.read_text())
    data["seconds"] = round(time.monotonic() - started, 1)
    return env, data, data_path


def single_server(run, kind, base_env, profile, workers):
    """Measure one app server on a fresh school; return the school for the scale-out to reuse."""
    env, data, data_path = prepare(kind, base_env)
    run.datasets[kind] = {**data["counts"], "seconds": data["seconds"]}
    if kind == "sqlite":
        # Once is enough: what a request costs inside Django barely depends on the database.
        say(f"{kind}: cost of one request in one process")
        costs = subprocess.run(
            [PY, "-m", "bench.costs", str(data_path)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        run.costs[kind] = (
            json.loads(costs.stdout) if costs.returncode == 0 else {"error": costs.stderr[-300:]}
        )
    server_env = env
    if run.redis:
        # The workers share their cache, as docs/deploy.md requires; empty, like every part's.
        server_env = {**env, "REDIS_URL": REDIS_URL}
        empty_redis()
    # Sets the sessions' idle clocks before each scenario (bench/sessions.py).
    stamper = subprocess.Popen(
        [PY, "-m", "bench.sessions"],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        server = AppServer(env=server_env, workers=workers, label=kind)
    except Exception:
        stamper.kill()
        raise
    try:
        floor = None
        for scenario in scenarios(data):
            say(f"{kind}: {scenario.name}")
            if scenario.lines:
                # As in a lesson under way, not a minute after the last scenario.
                stamper.stdin.write("\n")
                stamper.stdin.flush()
                stamper.stdout.readline()
            result = throughput(server, scenario, data, profile)
            floor = floor or result
            run.rows.append(report.Row(kind, scenario, result, floor))
        # The classroom is the last class, so that the school (the first ten) meets no work of its own.
        for name, first, classes, seconds in [
            ("classroom", len(data["classes"]) - 1, 1, profile.classroom),
            ("school", 0, 10, profile.school),
        ]:
            say(f"{kind}: {name} simulation, {seconds} s")
            sim = simulate(
                name, [server], data, data_path, env, first=first, classes=classes, seconds=seconds
            )
            run.sims.append(report.Sim(name, kind, 1, seconds, *sim))
        run.memory[kind] = server.peak_worker_memory_kib()
    finally:
        stamper.stdin.close()
        stamper.wait(timeout=30)
        server.stop()
    return env, data, data_path


def scale_out(run, base_env, profile, workers, school=None):
    """Run the school simulation across two app servers sharing PostgreSQL and Redis."""
    if school is None:
        env, data, data_path = prepare("postgres", base_env)
    else:
        # The single-server run's school: the next ten classes have not been simulated yet.
        env, data, data_path = school
    env = {**env, "REDIS_URL": REDIS_URL}
    # The PostgreSQL part cached the same school's scores: start cold, as every part does.
    empty_redis()
    # The two servers share this machine's cores, so they share its workers too: each gets half.
    # (On machines of their own, each would run 2 × its own cores, as docs/deploy.md says.)
    half = max(workers // 2, 1)
    servers = [AppServer(env=env, workers=half, label=f"postgres-{name}") for name in "AB"]
    try:
        user = data["check_user"]
        run.session_check = session_travels(*servers, user["username"], user["password"])
        say(f"scale-out: session from A on B: {run.session_check[1]}")
        user = data["throttle_user"]
        run.throttle_check = throttle_travels(*servers, user["username"], user["password"])
        say(f"scale-out: login throttle across A and B: {run.throttle_check[1]}")
        say(f"scale-out: school simulation on two servers, {profile.school} s")
        sim = simulate(
            "school-2", servers, data, data_path, env, first=10, classes=10, seconds=profile.school
        )
        run.sims.append(report.Sim("school", "postgres + redis", 2, profile.school, *sim))
        run.memory["scale-out"] = [kib for server in servers for kib in server.peak_worker_memory_kib()]
    finally:
        for server in servers:
            server.stop()


# Throughput scenarios (wrk) --------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    key: str
    name: str
    endpoint: str | None  # None for the floor
    lines: tuple = ()  # (method, path, person, body) to rotate through


def scenarios(data):
    """Return the wrk scenarios, each with its requests spread over people (and sentences)."""
    rng = random.Random(11)
    urls, lesson = data["urls"], data["lesson"]
    classes = data["classes"]
    students = [(c["assignment"], s) for c in classes for s in c["students"]]

    def fill(name, **holes):
        return urls[name].format(**holes) if urls[name] else None

    def voice_body(segment):
        # The activity's forms are prefixed with the segment's id, as on the page.
        body = f"{segment['pk']}-voice={{voice}}"
        return body + f"&{segment['pk']}-quote_source={{quote}}" if segment["quotes"] else body

    voice_lines = [
        ("POST", fill("voice_save", assignment=a, segment=seg["pk"]), s, voice_body(seg))
        for a, s in students
        for seg in rng.sample(lesson["segments"], 4)
    ]
    rng.shuffle(voice_lines)
    # Marks the students have not made yet (the simulations use the first half of each list),
    # ordered so that neighbouring lines belong to different students.
    mark_lines = [
        (
            "POST",
            fill("mark_add", assignment=a),
            s,
            f"start={start}&end={end}&technique={technique}&client_id={{uuid}}",
        )
        for n in range(FREE_MARKS_FOR_WRK)
        for a, s in students
        for start, end, technique in [s["free_marks"][-1 - n]]
    ]
    big = data["big_class"]

    def pages(name, people):
        return tuple(("GET", fill(name, assignment=a), p, "") for a, p in people)

    teachers = [(c["assignment"], c["teacher"]) for c in classes]
    return [
        Scenario("floor", "floor (bare Django view)", None),
        Scenario("lesson", "lesson page (voices)", "voices", pages("voices", students)),
        Scenario("lesson", "lesson page (devices)", "devices", pages("devices", students)),
        Scenario("save", "voice save", "voice_save", tuple(voice_lines)),
        Scenario("save", "mark save", "mark_add", tuple(mark_lines)),
        Scenario(
            "results30",
            "results page, class of 30",
            "assignment_results",
            pages("assignment_results", teachers),
        ),
        Scenario(
            "results300",
            "results page, class of 300",
            "assignment_results",
            pages("assignment_results", [(big["assignment"], big["teacher"])]),
        ),
        Scenario(
            "csv",
            "CSV export, class of 30",
            "assignment_results_csv",
            pages("assignment_results_csv", teachers),
        ),
    ]


def throughput(server, scenario, data, profile):
    """Return wrk's figures for ``scenario`` (or why it could not run) after a short warm-up."""
    if scenario.endpoint and not data["urls"][scenario.endpoint]:
        return {"missing": "endpoint missing"}
    script_args = []
    if scenario.lines:
        # The last line is one the runs below reach last, if at all: a probed mark is not sent again.
        method, path, person, body = scenario.lines[-1]
        probe = probe_request(server, method, path, person, body)
        if not 200 <= probe < 300:
            return {"missing": f"probe answered HTTP {probe}"}
        tsv = OUT / f"requests-{scenario.endpoint}-{len(scenario.lines)}.tsv"
        tsv.write_text(
            "".join(f"{m}\t{p}\t{who['session']}\t{who['csrf']}\t{b}\n" for m, p, who, b in scenario.lines)
        )
        script_args = [str(tsv)]
    url = server.base + "/bench/floor/"
    result = None
    # The warm-up sends the second half of the lines, the measured run the first.
    for seconds, offset in ((profile.warmup, len(scenario.lines) // 2), (profile.measure, 0)):
        args = ["--", *script_args, str(offset), str(WRK_THREADS)] if script_args else []
        completed = subprocess.run(
            [
                "wrk",
                f"-t{WRK_THREADS}",
                f"-c{WRK_CONNECTIONS}",
                f"-d{seconds}s",
                "--timeout=10s",
                "-s",
                str(ROOT / "bench" / "wrk" / "requests.lua"),
                url,
                *args,
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        line = next((line for line in completed.stdout.splitlines() if line.startswith("BENCH ")), None)
        if line is None:
            return {"missing": f"wrk failed: {(completed.stderr or completed.stdout).strip()[-200:]}"}
        result = json.loads(line.removeprefix("BENCH "))
        if not result["requests"]:
            return {"missing": f"no request completed in {seconds} s"}
        if scenario.lines and result["requests"] > len(scenario.lines) // 2:
            result["wrapped"] = True  # lines were sent twice: a repeated mark is refused
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    result["errors"] = sum(result[k] for k in ("connect", "read", "write", "status", "timeout"))
    return result


def probe_request(server, method, path, person, body):
    """Send one request as the load tool will; return its status."""
    filled = body.replace("{voice}", "narration").replace("{quote}", "").replace("{uuid}", str(uuid.uuid4()))
    headers = {"HX-Request": "true", "X-CSRFToken": person["csrf"]} if method == "POST" else {}
    cookies = {"sessionid": person["session"], "csrftoken": person["csrf"]}
    status, _, _ = request(
        server.port, method, path, cookies=cookies, headers=headers, body=filled if method == "POST" else None
    )
    return status


# Simulations (locust) --------------------------------------------------------


def simulate(name, servers, data, data_path, env, *, first, classes, seconds):
    """Run a simulation; return (stats by request name, save check, missing endpoints)."""
    urls = data["urls"]
    missing = [
        n for n in ("voices", "devices", "voice_save", "mark_add", "assignment_results") if not urls[n]
    ]
    users = ["StudentUser"]
    count = 30 * classes
    if classes > 1 and urls["assignment_results"]:
        users.append("TeacherUser")
        count += classes
    prefix = OUT / f"locust-{name}-{servers[0].label}"
    saves = OUT / f"saves-{name}-{servers[0].label}.json"
    locust_env = {
        **env,
        "BENCH_DATA": str(data_path),
        "BENCH_FIRST_CLASS": str(first),
        "BENCH_CLASSES": str(classes),
        "BENCH_HOSTS": ",".join(server.base for server in servers),
        "BENCH_ACKS": str(saves),
    }
    subprocess.run(
        [
            PY,
            "-m",
            "locust",
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            f"--users={count}",
            # Ten people arrive each second: a class of 30 within 3 s, the school over 30 s.
            f"--spawn-rate={SPAWN_RATE}",
            f"--run-time={seconds}s",
            "--stop-timeout=15",
            f"--csv={prefix}",
            "--only-summary",
            "--loglevel=WARNING",
            *users,
        ],
        cwd=ROOT,
        env=locust_env,
        stdout=(OUT / f"locust-{name}-{servers[0].label}.log").open("w"),
        stderr=subprocess.STDOUT,
        check=False,  # locust exits 1 when any request failed; the stats say which
    )
    stats = report.read_locust_stats(Path(f"{prefix}_stats.csv"))
    stats["failures"] = report.read_locust_failures(Path(f"{prefix}_failures.csv"))
    check = subprocess.run(
        [PY, "-m", "bench.verify", str(saves)], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return stats, json.loads(check.stdout), missing


if __name__ == "__main__":
    main()
