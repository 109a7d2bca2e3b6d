"""`make loadtest`: the app under load twice, on this machine, with the same data and the
same load, and the figures of both side by side.

1. Single server: a throw-away PostgreSQL database, local file storage, one gunicorn
   (2 workers) and a task worker.
2. Scale-out: a fresh throw-away database; Redis (REDIS_URL: cache, sessions, rate
   limits) and SeaweedFS (S3 storage) started here on free ports with their data under a
   temporary folder; two gunicorn app servers on two ports (1 worker each, so both runs
   have 2 workers on the machine) and a task worker, all sharing that state. locust
   sends each virtual user's requests to the servers in turn (loadtest/locustfile.py).

Each run has two phases: the trivial view alone (the framework's ceiling), then a
therapist's day, a manager's picture upload and patients opening links, downloading PDFs
and logging sessions. Everything started here is stopped when the run ends, fails or
is interrupted. LOADTEST_SECONDS sets the app phase's length (60; the trivial phase
takes a third of it); LOADTEST_RUNS=single or scaleout runs one of the two.
"""

import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import ExitStack, contextmanager
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from loadtest.figures import Run, ratio_table, read_stats, table  # noqa: E402
from localservers import ServerFailed, free_ports  # noqa: E402
from localservers.redis import running_redis  # noqa: E402
from localservers.seaweedfs import running_seaweedfs  # noqa: E402

BIN = Path(sys.executable).parent
OUT = ROOT / "var" / "loadtest"
SERVER = os.environ.get("LOADTEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
DATABASE = os.environ.get("LOADTEST_DATABASE", "hipclinic_loadtest")
PORT = int(os.environ.get("LOADTEST_PORT", "8765"))
SECONDS = int(os.environ.get("LOADTEST_SECONDS", "60"))
RUNS = os.environ.get("LOADTEST_RUNS", "single,scaleout").split(",")
USERS = 10  # virtual users in each phase, with no pause between requests: saturation
WORKERS = 2  # gunicorn workers on the machine in each run
MANAGERS = 2  # one per seeded clinic: they upload pictures
BUCKET = "hipclinic-loadtest"
LINK_RATE = 120  # a patient link's page views a minute (PATIENT_LINK_RATE)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    # `kill` (or a CI timeout) stops the run as Ctrl-C does: every `with` below unwinds.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("Stopped."))
    started = time.monotonic()
    runs = []
    try:
        if "single" in RUNS:
            runs.append(single_server())
        if "scaleout" in RUNS:
            runs.append(scale_out())
    except ServerFailed as error:
        raise SystemExit(f"The load test could not start a server: {error}") from None
    except KeyboardInterrupt:
        raise SystemExit("Interrupted: every server the run started is stopped.") from None
    print(f"\nhipclinic load test: PostgreSQL on {SERVER.split('@')[-1]}, {USERS} virtual users")
    print(f"a phase, no pause between requests; app phase {SECONDS} s. {machine()}\n")
    print(table(runs))
    print()
    print(ratio_table(runs))
    print(f"\nWhole run: {time.monotonic() - started:.0f} s.")
    for run in runs:
        for check in run.failed_checks:
            print(f"{run.label}: {check}.")
    if any(run.errors for run in runs):
        raise SystemExit(f"Errors: see {OUT}/*_failures.csv and the logs there.")


def base_environ() -> dict:
    return {
        **os.environ,
        "DATABASE_URL": f"{SERVER}/{DATABASE}",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Plain HTTP on loopback: no HTTPS redirect, cookies without the Secure flag.
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        # Every virtual patient comes from 127.0.0.1: the per-address limit would
        # measure the rate limiter, not the app. (It still counts, in the shared cache.)
        "PATIENT_IP_RATE": "1000000/m",
        # The per-link limit stays: with 5,000 links the load opens each a few times a
        # minute, and after the load one link opened LINK_RATE + 1 times must be refused.
        "PATIENT_LINK_RATE": f"{LINK_RATE}/m",
        "CONN_MAX_AGE": "60",
        "MEDIA_ROOT": str(OUT / "media"),
        "STATIC_ROOT": str(OUT / "static"),
        "LOADTEST_TOKENS": str(OUT / "tokens.txt"),
        "LOADTEST_MANAGERS": str(MANAGERS),
        "TASKS_BACKEND": "database",
        # The single server keeps its state to itself whatever the shell says; the
        # scale-out run sets both.
        "REDIS_URL": "",
        "STORAGE_BACKEND": "local",
    }


def single_server() -> Run:
    print("== Single server: local storage, one gunicorn with 2 workers", flush=True)
    env = {**base_environ(), "SITE_URL": f"http://127.0.0.1:{PORT}"}
    set_up(env)
    with ExitStack() as stack:
        servers = [stack.enter_context(gunicorn(env, PORT, WORKERS, "single"))]
        stack.enter_context(task_worker(env, "single"))
        return drive(env, "single server", "single", servers)


def scale_out() -> Run:
    print("== Scale-out: Redis, S3 on SeaweedFS, two gunicorns with 1 worker each", flush=True)
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="hc-loadtest-")))
        redis_url = stack.enter_context(running_redis(folder / "redis"))
        s3 = stack.enter_context(running_seaweedfs(folder / "seaweedfs", BUCKET))
        print(f"Redis at {redis_url}; SeaweedFS at {s3.endpoint_url} ({s3.started_in:.0f} s).")
        ports = free_ports(2)
        env = {
            **base_environ(),
            **s3.environ(),
            "REDIS_URL": redis_url,
            "SITE_URL": f"http://127.0.0.1:{ports[0]}",
            "MEDIA_ROOT": str(folder / "no-local-files"),  # every file is in the bucket
        }
        set_up(env)
        servers = [
            stack.enter_context(gunicorn(env, port, WORKERS // 2, f"scaleout-{n}"))
            for n, port in enumerate(ports, start=1)
        ]
        stack.enter_context(task_worker(env, "scaleout"))
        return drive(env, "scale-out, 2 servers", "scaleout", servers)


def set_up(env: dict) -> None:
    started = time.monotonic()
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {DATABASE}")
    manage(env, "migrate", "--no-input", "--verbosity", "0")
    manage(env, "seed_loadtest", "--tokens", str(OUT / "tokens.txt"))
    manage(env, "shell", "--no-imports", "--command", ADD_MANAGERS)
    manage(env, "collectstatic", "--no-input", "--verbosity", "0")
    print(f"Set-up took {time.monotonic() - started:.0f} s.", flush=True)


# A manager per seeded clinic, to add exercises with pictures (therapists may not).
ADD_MANAGERS = f"""
from hipclinic.models import Clinic, Role, User
for n, clinic in enumerate(Clinic.objects.filter(slug__startswith="load-").order_by("slug")):
    User.objects.create_user(
        f"load-manager-{{n}}", password="load-test-only", clinic=clinic,
        role=Role.MANAGER, is_staff=True, display_name=f"Manager {{n}}",
    )
assert n + 1 == {MANAGERS}, "one manager per clinic"
"""


def manage(env: dict, *arguments: str) -> None:
    subprocess.run([BIN / "python", "manage.py", *arguments], cwd=ROOT, env=env, check=True)


@contextmanager
def gunicorn(env: dict, port: int, workers: int, name: str):
    """One app server on 127.0.0.1:``port``, answering /ping before this yields its URL."""
    url = f"http://127.0.0.1:{port}"
    log_path = OUT / f"gunicorn-{name}.log"
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [
                BIN / "gunicorn",
                "hipclinic.wsgi",
                "--config",
                "hipclinic/gunicorn.conf.py",
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{port}",
                # Its control socket's default path is one per user: two servers would
                # share it (and one's exit remove the other's).
                "--no-control-socket",
            ],
            cwd=ROOT,
            env=env,
            stderr=log,
        )
    try:
        wait_for(f"{url}/ping", server, log_path)
        yield url
    finally:
        stop(server)


@contextmanager
def task_worker(env: dict, name: str):
    with open(OUT / f"worker-{name}.log", "w") as log:
        worker = subprocess.Popen(
            [BIN / "python", "manage.py", "db_worker", "--no-startup-delay"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        yield
    finally:
        stop(worker)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_for(url: str, process: subprocess.Popen, log: Path) -> None:
    for _ in range(150):
        if process.poll() is not None:
            break
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer at {url}; see {log}.")


def drive(env: dict, label: str, name: str, servers: list[str]) -> Run:
    env = {**env, "LOADTEST_SERVERS": ",".join(servers)}
    trivial = locust(env, f"{name}-trivial", ["TrivialVisitor"], max(SECONDS // 3, 5), servers)
    app = locust(env, f"{name}-app", ["Therapist", "Manager", "Patient"], SECONDS, servers)
    run = Run(label, trivial, app)
    # Only where the count is shared: the single server's workers each count in their
    # own local memory (settings.py: REDIS_URL is for more than one process).
    shared = env.get("REDIS_URL")
    if shared and not link_limit_holds(servers, (OUT / "tokens.txt").read_text().split()[-1]):
        run.failed_checks.append("a link's rate limit is not shared by the servers")
    return run


def link_limit_holds(servers: list[str], token: str) -> bool:
    """One patient link's page opened LINK_RATE + 1 times in a minute, on the servers in
    turn: the last must be refused (429), however the count is split between servers.
    Run after the load, so the refusals never reach it."""
    for _ in range(3):  # a minute's window may turn mid-way: try again
        minute = int(time.time() // 60)
        answers = [status(f"{servers[n % len(servers)]}/p/{token}/") for n in range(LINK_RATE + 1)]
        if int(time.time() // 60) != minute:
            continue
        refused = answers.index(429) if 429 in answers else len(answers)
        holds = answers[-1] == 429 and set(answers[:refused]) <= {200}
        print(
            f"Rate limit across {len(servers)} server(s): {refused} views of one link "
            f"answered, then refused ({'as it should' if holds else 'NOT SHARED'}).",
            flush=True,
        )
        return holds
    return False


def status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def locust(env: dict, name: str, classes: list[str], seconds: int, servers: list[str]):
    print(f"Driving {', '.join(classes)}: {USERS} users for {seconds} s ...", flush=True)
    with open(OUT / f"locust-{name}.log", "w") as log:
        run_locust(env, name, classes, seconds, servers, log)
    return read_stats(OUT / f"{name}_stats.csv")


def run_locust(env, name, classes, seconds, servers, log) -> None:
    """locust's own summary and any failure's traceback go to its log, not the screen."""
    subprocess.run(
        [
            BIN / "locust",
            "-f",
            str(ROOT / "loadtest" / "locustfile.py"),
            "--headless",
            "--only-summary",
            "--users",
            str(USERS),
            "--spawn-rate",
            str(USERS),
            "--run-time",
            f"{seconds}s",
            "--stop-timeout",
            "5",
            "--host",
            servers[0],
            "--csv",
            str(OUT / name),
            "--exit-code-on-error",
            "0",
            "--loglevel",
            "WARNING",
            *classes,
        ],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=log,
        stderr=subprocess.STDOUT,
        timeout=seconds + 60,
    )


def machine() -> str:
    """The machine the figures come from: cores and memory."""
    try:
        memory = next(
            int(line.split()[1]) / 1024 / 1024
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal:")
        )
    except (OSError, StopIteration):
        return f"{os.cpu_count()} cores."
    return f"Machine: {os.cpu_count()} cores, {memory:.1f} GiB memory, shared by all of it."


if __name__ == "__main__":
    main()
