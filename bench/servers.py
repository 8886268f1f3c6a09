"""The benchmark's moving parts: databases, app servers, and plain HTTP probes against them."""

import contextlib
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PY = sys.executable
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_BENCH_DB = "lens_bench"
PG_BENCH_URL = f"postgres://postgres@127.0.0.1:5432/{PG_BENCH_DB}"
# A database number of its own, so the bench never touches keys other work keeps in Redis.
REDIS_URL = "redis://127.0.0.1:6379/7"


# Services --------------------------------------------------------------------


def _pg_connect():
    import psycopg

    return psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3)


def postgres_version():
    """Return the PostgreSQL server's version, starting the local cluster if it is down; None if absent."""
    for attempt in range(2):
        try:
            with _pg_connect() as conn:
                return conn.execute("SHOW server_version").fetchone()[0]
        except Exception:
            if attempt == 0 and Path("/etc/postgresql").is_dir():
                for version in os.listdir("/etc/postgresql"):
                    subprocess.run(
                        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"],
                        capture_output=True,
                        check=False,
                    )
                time.sleep(2)
    return None


def redis_version():
    """Return the Redis server's version, starting one on 127.0.0.1:6379 if none answers; None if absent."""
    import redis

    for attempt in range(2):
        try:
            return redis.Redis.from_url(REDIS_URL, socket_timeout=3).info()["redis_version"]
        except Exception:
            if (
                attempt == 0
                and subprocess.run(["which", "redis-server"], capture_output=True).returncode == 0
            ):
                subprocess.run(
                    ["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "--port", "6379"],
                    capture_output=True,
                    check=False,
                )
                time.sleep(1)
    return None


def empty_redis():
    """Empty the bench's Redis database: each part's app servers start with no cached scores or throttles."""
    import redis

    redis.Redis.from_url(REDIS_URL, socket_timeout=3).flushdb()


def fresh_database(kind):
    """Return the DATABASE_URL of an empty database of ``kind`` ("sqlite" or "postgres")."""
    if kind == "sqlite":
        path = OUT / "bench.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    with _pg_connect() as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_BENCH_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {PG_BENCH_DB}")
    return PG_BENCH_URL


def drop_postgres_database():
    with contextlib.suppress(Exception), _pg_connect() as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_BENCH_DB} WITH (FORCE)")


# App servers -----------------------------------------------------------------


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AppServer:
    """One gunicorn serving Lens as production does, on its own loopback port."""

    def __init__(self, *, env, workers, label):
        self.port = free_port()
        self.label = label
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = OUT / f"gunicorn-{label}.log"
        self.process = subprocess.Popen(
            [
                PY,
                "-m",
                "gunicorn",
                "teaching.wsgi:application",
                f"--bind=127.0.0.1:{self.port}",
                f"--workers={workers}",
                f"--error-logfile={self.log}",
                "--timeout=60",
                "--no-control-socket",  # its default path is shared by every gunicorn on the machine
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so stopping it stops exactly its workers
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited at start; see {self.log}")
            with contextlib.suppress(OSError):
                if request(self.port, "GET", "/bench/floor/")[0] == 200:
                    return
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer within 60 s; see {self.log}")

    def worker_pids(self):
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        with contextlib.suppress(OSError):
            return [int(pid) for pid in children.read_text().split()]
        return [
            int(entry)
            for entry in os.listdir("/proc")
            if entry.isdigit() and _ppid(entry) == self.process.pid
        ]

    def peak_worker_memory_kib(self):
        """Return the peak resident memory (VmHWM, KiB) of each worker."""
        peaks = []
        for pid in self.worker_pids():
            with contextlib.suppress(OSError):
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        peaks.append(int(line.split()[1]))
        return peaks

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def _ppid(pid):
    with contextlib.suppress(OSError):
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    return None


# HTTP probes -----------------------------------------------------------------


def request(port, method, path, *, cookies=None, headers=None, body=None):
    """Return (status, headers, body) of one request over a fresh loopback connection."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        headers = dict(headers or {})
        if cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        if body is not None:
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        connection.close()


def set_cookies(headers):
    """Return the cookies a response sets, as a dict."""
    cookies = {}
    for name, value in headers:
        if name.lower() == "set-cookie":
            key, _, rest = value.partition("=")
            cookies[key.strip()] = rest.split(";", 1)[0]
    return cookies


def _log_in(server, username, password):
    """Post the real login form on ``server``; return (status, session cookie or None)."""
    from urllib.parse import urlencode

    status, headers, body = request(server.port, "GET", "/login/")
    csrf = set_cookies(headers).get("csrftoken")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if status != 200 or not csrf or not token:
        return status, None
    form = urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token[1].decode()})
    status, headers, _ = request(
        server.port,
        "POST",
        "/login/",
        cookies={"csrftoken": csrf},
        body=form,
        headers={"Referer": server.base},
    )
    return status, set_cookies(headers).get("sessionid")


def session_travels(server_a, server_b, username, password):
    """Log in through the real form on server A; return (ok, detail) for that session used on B."""
    status, session = _log_in(server_a, username, password)
    if status != 302 or not session:
        return False, f"login on A answered HTTP {status} without a session"
    status, headers, _ = request(server_b.port, "GET", "/me/", cookies={"sessionid": session})
    if status != 200:
        location = dict(headers).get("Location", "")
        return False, f"B answered the session from A with HTTP {status} {location}".strip()
    return True, "logged in on A; B served the student's home page with that session (HTTP 200)"


def throttle_travels(server_a, server_b, username, password, *, limit=20):
    """Fail logins on A and B in turn until locked; return (ok, detail): B must then refuse the password."""
    for attempt in range(1, limit + 1):
        server = (server_a, server_b)[attempt % 2]
        status, _ = _log_in(server, username, "wrong-" + password)
        if status == 429:
            break
    else:
        return False, f"{limit} failed logins across A and B never locked the username"
    status, session = _log_in(server_b, username, password)
    if status == 429 and not session:
        return True, (
            f"locked after {attempt} failed logins spread over A and B; "
            "B then refused the right password (HTTP 429)"
        )
    return False, f"after the lockout B answered the right password with HTTP {status}"


# Other work on the machine ---------------------------------------------------

_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
_SERVICES = {"postgres", "redis-server"}


def _busy_seconds():
    """Return the CPU seconds the whole machine has spent busy (all cores) since boot."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle and iowait
    return (sum(fields[:8]) - idle) / _CLOCK_TICKS


def _service_seconds():
    """Return the CPU seconds used so far by the database and cache servers the bench talks to."""
    total = 0.0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        with contextlib.suppress(OSError, IndexError, ValueError):
            stat = Path(f"/proc/{entry}/stat").read_text()
            name = stat[stat.index("(") + 1 : stat.rindex(")")]
            if name in _SERVICES or name.startswith("postgres"):
                # utime, stime, and the same of children reaped: a PostgreSQL backend that
                # served a gunicorn worker ends with it, and its time moves to the postmaster.
                fields = stat.rsplit(")", 1)[1].split()
                total += sum(int(f) for f in fields[11:15]) / _CLOCK_TICKS
    return total


def _own_seconds():
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


class OtherWork:
    """Measure how much CPU other work on the machine took while a part of the bench ran."""

    def __enter__(self):
        self.started = time.monotonic()
        self.busy, self.own, self.services = _busy_seconds(), _own_seconds(), _service_seconds()
        return self

    def __exit__(self, *exc):
        elapsed = time.monotonic() - self.started
        busy = _busy_seconds() - self.busy
        ours = (_own_seconds() - self.own) + max(_service_seconds() - self.services, 0.0)
        self.seconds = max(busy - ours, 0.0)
        self.share = self.seconds / (elapsed * (os.cpu_count() or 1)) if elapsed else 0.0
        return False
