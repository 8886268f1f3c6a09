"""The benchmark's figures, its budgets, and the table it prints and writes to ``bench/results.md``."""

import csv
import datetime
import importlib.metadata
import os
import platform
import sqlite3
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

# Budgets, as ratios to the floor measured in the same run.
THROUGHPUT_BUDGETS = {"lesson": 0.25, "save": 0.30, "results30": 0.15, "results300": 0.05}
SAVE_P95_BUDGET = 4.0  # × the floor's p95
SIM_P95_BUDGET_MS = 300
LOAD_LIMIT = 1.0  # figures taken on a busier machine are not to be trusted
OTHER_WORK_LIMIT = 0.05  # share of the machine's CPU other work may take during a part


@dataclass
class Row:
    """One wrk scenario on one database, with its ratios to that run's floor."""

    database: str
    scenario: object
    result: dict
    floor: dict

    @property
    def ran(self):
        return "missing" not in self.result

    def ratio(self, key):
        return self.result[key] / self.floor[key] if self.floor.get(key) else float("nan")

    def budget(self):
        """Return (met: bool | None, reason); None where the scenario has no budget."""
        key = self.scenario.key
        if key not in THROUGHPUT_BUDGETS:
            return None, ""
        if not self.ran:
            return False, f"not measured: {self.result['missing']}"
        reasons = []
        if self.result["errors"]:
            reasons.append(f"{self.result['errors']} errors")
        floor_share = self.ratio("rps")
        if floor_share < THROUGHPUT_BUDGETS[key]:
            reasons.append(f"throughput {floor_share:.2f} × floor < {THROUGHPUT_BUDGETS[key]:.2f}")
        if key == "save" and self.ratio("p95_us") > SAVE_P95_BUDGET:
            reasons.append(f"p95 {self.ratio('p95_us'):.1f} × floor > {SAVE_P95_BUDGET:.0f}")
        if reasons:
            return False, "; ".join(reasons)
        detail = f"{floor_share:.2f} × floor ≥ {THROUGHPUT_BUDGETS[key]:.2f}"
        if key == "save":
            detail += f", p95 {self.ratio('p95_us'):.1f} × floor ≤ {SAVE_P95_BUDGET:.0f}"
        return True, detail


@dataclass
class Sim:
    """One locust simulation: its request stats, the acknowledged-save check, what was missing."""

    name: str
    database: str
    servers: int
    seconds: int
    stats: dict
    saves: dict
    missing: list

    @property
    def total(self):
        return self.stats.get("Aggregated", {"requests": 0, "failures": 0, "p50": 0, "p95": 0})

    @property
    def lost(self):
        return self.saves["voice_lost"] + self.saves["mark_missing"] + self.saves["mark_duplicated"]

    def budget(self):
        reasons = []
        if self.total["failures"]:
            detail = "; ".join(self.stats.get("failures", []))
            reasons.append(
                f"{self.total['failures']} errors ({detail})"
                if detail
                else f"{self.total['failures']} errors"
            )
        if self.lost:
            reasons.append(f"{self.lost} acknowledged saves not in the database")
        if self.total["p95"] >= SIM_P95_BUDGET_MS:
            reasons.append(f"p95 {self.total['p95']:.0f} ms ≥ {SIM_P95_BUDGET_MS} ms")
        if not self.total["requests"]:
            reasons.append("no requests completed")
        if reasons:
            return False, "; ".join(reasons)
        detail = f"0 errors, 0 lost, p95 {self.total['p95']:.0f} ms < {SIM_P95_BUDGET_MS} ms"
        if self.missing:
            detail += f" (for what exists; endpoint missing: {', '.join(self.missing)})"
        return True, detail


@dataclass
class Run:
    profile_name: str
    workers: int
    versions: dict = field(default_factory=dict)
    rows: list = field(default_factory=list)
    sims: list = field(default_factory=list)
    memory: dict = field(default_factory=dict)
    datasets: dict = field(default_factory=dict)
    costs: dict = field(default_factory=dict)
    other_work: dict = field(default_factory=dict)  # part → share of the machine's CPU other work used
    redis: bool = False  # whether the single-server parts' workers shared their cache in Redis
    notes: list = field(default_factory=list)
    session_check: tuple | None = None
    throttle_check: tuple | None = None
    load_before: tuple = (0.0, 0.0, 0.0)
    load_after: tuple = (0.0, 0.0, 0.0)
    seconds: float = 0.0
    started_at: str = field(
        default_factory=lambda: datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    )


def read_locust_stats(path: Path):
    """Return locust's per-request stats (requests, failures, p50, p95 in ms) keyed by name."""
    stats = {}
    if not path.exists():
        return stats
    with path.open() as f:
        for row in csv.DictReader(f):
            stats[row["Name"]] = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "p50": _number(row["50%"]),
                "p95": _number(row["95%"]),
                "rps": _number(row["Requests/s"]),
            }
    return stats


def read_locust_failures(path: Path):
    """Return locust's failures as "METHOD name: error ×count" strings."""
    if not path.exists():
        return []
    with path.open() as f:
        return [
            f"{row['Method']} {row['Name']}: {row['Error']} ×{row['Occurrences']}"
            for row in csv.DictReader(f)
        ]


def _number(text):
    try:
        return float(text)
    except ValueError:
        return 0.0


def _first_line(command):
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=10)
    except OSError:
        return "not installed"
    return (result.stdout or result.stderr).strip().splitlines()[0] if result.stdout or result.stderr else "?"


def versions(*, postgres, redis):
    """Return the versions of everything the figures depend on."""

    def package(name):
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            return "not installed"

    return {
        "Python": platform.python_version(),
        "Django": package("django"),
        "gunicorn": package("gunicorn"),
        "SQLite": sqlite3.sqlite_version,
        "PostgreSQL": postgres,
        "Redis": redis,
        "psycopg": package("psycopg"),
        "wrk": _first_line(["wrk", "--version"]).split(" [")[0].removeprefix("wrk "),
        "locust": package("locust"),
    }


def machine():
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kib = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    return {"nproc": os.cpu_count(), "memory": f"{mem_kib / 1024 / 1024:.1f} GiB", "CPU": cpu}


def _mark(met):
    return {True: "met", False: "**missed**", None: "—"}[met]


def _ms(us):
    return f"{us / 1000:.1f}"


def render(run: Run) -> str:
    """Return the results as Markdown: the one table, then the simulations, memory and budgets."""
    lines = ["# Lens under load", ""]
    # Only the load before counts: by the end the bench itself has kept both cores busy.
    busy = run.load_before[0] > LOAD_LIMIT
    disturbed = {part: share for part, share in run.other_work.items() if share > OTHER_WORK_LIMIT}
    if run.profile_name == "quick":
        lines += [
            "> **Quick run** (`--quick`): 2-second wrk runs and 10-second simulations. "
            "These figures show the "
            "bench works; they are not the published measurement.",
            "",
        ]
    if busy:
        lines += [
            f"> **Busy machine**: the load average was {run.load_before[0]:.2f} when the run started "
            f"(above {LOAD_LIMIT}): other work shared the cores, so the figures are not to be trusted; run "
            "again on a quiet machine.",
            "",
        ]
    if disturbed:
        parts = ", ".join(f"{part} {share:.0%}" for part, share in disturbed.items())
        lines += [
            f"> **Shared machine**: other work used part of the CPU while the bench ran ({parts} of the "
            f"machine's CPU time; more than {OTHER_WORK_LIMIT:.0%} is too much to trust): those parts' "
            "figures are lower than this machine can do; run again when it is quiet.",
            "",
        ]
    m = machine()
    cache = (
        "the cache in Redis (shared by a server's workers, and by the two scale-out servers), emptied "
        "before each part so that every part starts with cold caches"
        if run.redis
        else "the cache in each worker's own memory (LocMem: Redis did not answer)"
    )
    lines += [
        f"Run {run.started_at}, {run.profile_name} profile, {run.seconds / 60:.1f} minutes in all "
        f"(one-minute load average {run.load_before[0]:.2f} at the start; {run.load_after[0]:.2f} at the "
        "end, which includes the bench's own load). CPU used by other work on the machine while each "
        "part ran (everything but the bench, its app servers, PostgreSQL and Redis): "
        + (", ".join(f"{part} {share:.0%}" for part, share in run.other_work.items()) or "not measured")
        + ".",
        "",
        f"Machine: {m['nproc']} cores ({m['CPU']}), {m['memory']} memory. "
        + ", ".join(f"{name} {version or 'absent'}" for name, version in run.versions.items())
        + ".",
        "",
        f"Each app server: gunicorn, {run.workers} sync workers (the two scale-out servers, sharing "
        f"these cores: {max(run.workers // 2, 1)} each), `DEBUG` off, WhiteNoise with the manifest "
        "storage after `collectstatic`, `bench.settings` (production settings without the TLS redirect), "
        f"{cache}, no access log. Load tools on the same machine over loopback.",
        "",
    ]
    for kind, counts in run.datasets.items():
        lines.append(
            f"Data set on {kind}: {counts['teachers']} teachers, {counts['students']} students "
            f"(40 classes of 30 and one of 300), {counts['voice_answers']:,} voice answers and "
            f"{counts['marks']:,} marks, generated (with migrations) in {counts['seconds']} s."
        )
    lines += ["", "## Throughput (wrk)", ""]
    lines += [
        f"wrk, {_wrk_shape(run)}: every figure beside its ratio to the floor of the same database run. "
        "The requests rotate over the 1,200 students (or the 40 teachers) and their sentences; "
        "every mark saved is a new mark.",
        "",
        "| scenario | database | req/s | × floor | p50 ms | × floor | p95 ms | × floor | errors | budget |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in run.rows:
        met, reason = row.budget()
        if not row.ran:
            lines.append(
                f"| {row.scenario.name} | {row.database} |" + " — |" * 7 + f" {_budget(met, reason)} |"
            )
            continue
        r = row.result
        lines.append(
            f"| {row.scenario.name} | {row.database} | {r['rps']:.0f} | {row.ratio('rps'):.2f} | "
            f"{_ms(r['p50_us'])} | {row.ratio('p50_us'):.1f} | "
            f"{_ms(r['p95_us'])} | {row.ratio('p95_us'):.1f} | "
            f"{r['errors']} | {_budget(met, reason)} |"
        )
    lines += _costs_table(run)
    lines += ["", "## Simulations (locust)", ""]
    lines += [
        "Classroom: 30 students of one class, 3–5 s think time, 2 minutes: each opens the lesson (both "
        "activities' pages), then labels a sentence or (one time in three) marks a device, again and again. "
        "School: 300 students in 10 classes, same think time, with the 10 teachers' results pages "
        "refreshing every 5 s, run for 60 s (not longer, to keep the whole bench under 10 minutes). "
        "People arrive 10 a second (a class within 3 s, the school within 30 s); the figures cover the "
        "whole run, arrivals included. Scale-out: the school simulation (the next ten classes of the same "
        "PostgreSQL school) across two app servers sharing PostgreSQL and Redis, the people spread evenly "
        "over both. Saves acked = saves answered with HTTP 2xx; lost = acknowledged saves not found in the "
        "database afterwards (a sentence's latest acknowledged answer, or a mark's client id not present "
        "exactly once). Voice saves are sent without the activity's revision number, as a single tab that "
        "ignores other tabs would: the last write wins.",
        "",
        "| simulation | database | servers | s | requests | errors | p50 ms | p95 ms | saves acked | lost "
        "| budget |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for sim in run.sims:
        t = sim.total
        acked = sim.saves["voice_acked"] + sim.saves["mark_acked"]
        lines.append(
            f"| {sim.name} | {sim.database} | {sim.servers} | {sim.seconds} | "
            f"{t['requests']} | {t['failures']} | "
            f"{t['p50']:.0f} | {t['p95']:.0f} | {acked} | {sim.lost} | {_budget(*sim.budget())} |"
        )
    lines += ["", "p95 (ms) by request, per simulation:", ""]
    names = sorted({name for sim in run.sims for name in sim.stats if name not in {"Aggregated", "failures"}})
    lines += [
        "| simulation | database | servers | " + " | ".join(names) + " |",
        "| --- | --- | ---: |" + " ---: |" * len(names),
    ]
    for sim in run.sims:
        cells = [
            f"{sim.stats[n]['p95']:.0f} ({sim.stats[n]['requests']})" if n in sim.stats else "—"
            for n in names
        ]
        lines.append(f"| {sim.name} | {sim.database} | {sim.servers} | " + " | ".join(cells) + " |")
    lines += ["", "(In brackets: how many requests.)", "", "## Memory", ""]
    lines += [
        "Peak resident memory (VmHWM) of each gunicorn worker, read from /proc after the run.",
        "",
        "| run | workers | peak per worker, MiB | highest, MiB |",
        "| --- | ---: | --- | ---: |",
    ]
    for label, peaks in run.memory.items():
        mib = [p / 1024 for p in peaks]
        top = f"{max(mib):.0f}" if mib else "—"
        lines.append(f"| {label} | {len(peaks)} | {', '.join(f'{x:.0f}' for x in mib)} | {top} |")
    lines += ["", "## Scale-out", ""]
    for label, check in [
        ("Session made on server A used on server B", run.session_check),
        ("Login throttle shared by A and B (Redis)", run.throttle_check),
    ]:
        if check:
            ok, detail = check
            lines += [f"{label}: {'passed' if ok else '**failed**'} — {detail}.", ""]
    lines += _scale_comparison(run)
    lines += [
        "",
        "## Budgets",
        "",
        "Each budget met or missed, with the figures that decide it. What was changed in the app to approach "
        "them (with figures before and after) and what stands between the rest and their budgets: "
        "[`bench/notes.md`](notes.md).",
        "",
    ]
    for row in run.rows:
        met, reason = row.budget()
        if met is not None:
            why = "" if met else _why_missed(run, row)
            lines.append(f"- {row.scenario.name}, {row.database}: {_mark(met)} — {reason}{why}")
    for sim in run.sims:
        met, reason = sim.budget()
        if not met and sim.servers > 1:
            reason += (
                ". Why: the servers share this machine's two cores, each with half the single"
                " server's workers, so a burst on one waits behind half as many (Scale-out above)"
            )
        lines.append(
            f"- {sim.name} simulation, {sim.database}, {sim.servers} server(s): {_mark(met)} — {reason}"
        )
    for label, check in [
        ("session made on A honoured by B", run.session_check),
        ("login throttle shared by A and B", run.throttle_check),
    ]:
        if check:
            lines.append(f"- scale-out, {label}: {'met' if check[0] else '**missed**'} — {check[1]}")
    if run.notes:
        lines += ["", "## Notes", "", *[f"- {note}" for note in run.notes]]
    return "\n".join(lines) + "\n"


def _wrk_shape(run):
    from bench.run import FULL, QUICK, WRK_CONNECTIONS, WRK_THREADS

    profile = QUICK if run.profile_name == "quick" else FULL
    return (
        f"{WRK_THREADS} threads, {WRK_CONNECTIONS} connections, {profile.measure} s measured after a "
        f"{profile.warmup} s warm-up"
    )


def _budget(met, reason):
    return _mark(met) if met is None else f"{_mark(met)}: {reason}"


def _scale_comparison(run):
    single = next((s for s in run.sims if s.name == "school" and s.database == "postgres"), None)
    double = next((s for s in run.sims if s.servers == 2), None)
    if not (single and double):
        return []
    rows = [
        "",
        "| school simulation | requests | req/s | errors | p50 ms | p95 ms | lost |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, sim in [("one server, PostgreSQL", single), ("two servers, PostgreSQL + Redis", double)]:
        t = sim.total
        rows.append(
            f"| {label} | {t['requests']} | {t.get('rps', 0):.1f} | {t['failures']} | {t['p50']:.0f} | "
            f"{t['p95']:.0f} | {sim.lost} |"
        )
    rows += [
        "",
        "Both servers run on the same two cores here, each with half the single server's workers, so "
        "together they have the same CPU and the same number of workers as the single server: the "
        "point of this run is that sessions, saves and throttles hold across servers, and what spreading "
        "the load over two servers costs, not a speed-up.",
    ]
    return rows


def _why_missed(run, row):
    """Return why a scenario fell short, from what one request of it costs inside Django."""
    costs = next((c for c in run.costs.values() if "error" not in c), {})
    floor = costs.get("floor (bare Django view)", {}).get("cpu_ms")
    signed_in = costs.get("floor, signed in", {}).get("cpu_ms")
    cost = costs.get(row.scenario.name, {}).get("cpu_ms")
    if not (floor and signed_in and cost):
        return ""
    why = (
        f". Why: one request needs {cost / floor:.1f} × the floor's CPU inside Django, of which"
        f" {signed_in / floor:.1f} × is reading the session and the user before any view runs"
        " (the cost table above; bench/notes.md says where the rest goes)"
    )
    if row.database == "postgres":
        why += ", and PostgreSQL's own work shares the same two cores"
    return why


def _costs_table(run):
    """Return the in-process cost of one request per scenario: what the throughput ratios come from."""
    if not run.costs:
        return []
    lines = [
        "",
        "### Why: the cost of one request inside Django",
        "",
        "Each scenario's request made in one process with Django's test client against the same data set "
        "(no network, gunicorn or load tool): CPU time, SQL queries, size of the answer. The floor view "
        "costs a fraction of a millisecond, so a page that needs N times its CPU cannot reach more than "
        "about 1/N of its throughput (less, once the fixed cost of a connection is counted on both).",
        "",
        "| scenario | database | CPU ms | × floor | queries | KiB | status |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for kind, costs in run.costs.items():
        if "error" in costs:
            lines.append(f"| (costs failed) | {kind} | | | | | {costs['error'][-120:]} |")
            continue
        floor = costs.get("floor (bare Django view)", {}).get("cpu_ms")
        for name, cost in costs.items():
            if "missing" in cost:
                lines.append(f"| {name} | {kind} | — | — | — | — | {cost['missing']} |")
                continue
            ratio = _multiple(cost["cpu_ms"] / floor) if floor else "—"
            lines.append(
                f"| {name} | {kind} | {cost['cpu_ms']:.1f} | {ratio} | {cost['queries']:g} | "
                f"{cost['bytes'] / 1024:.0f} | {cost['status']} |"
            )
    return lines


def _multiple(ratio: float) -> str:
    """Return a multiple of the floor to the precision that matters: 2.4, but 37."""
    return f"{ratio:.1f}" if ratio < 10 else f"{ratio:.0f}"
