"""`make loadtest`: seed a throw-away PostgreSQL database, serve it with gunicorn
(2 workers) on 127.0.0.1, drive it with locust, and print the figures.

Two phases in one run: the trivial view alone (the framework's ceiling on this
machine), then a therapist's day and patients opening links and downloading PDFs.
Everything stops by itself; the whole run takes about three minutes.
"""

import csv
import os
import secrets
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
OUT = ROOT / "var" / "loadtest"
PORT = int(os.environ.get("LOADTEST_PORT", "8765"))
HOST = f"http://127.0.0.1:{PORT}"
SERVER = os.environ.get("LOADTEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
DATABASE = "hipclinic_loadtest"
WORKERS = 2
TRIVIAL = {"users": 10, "seconds": 20}
MIX = {"users": 10, "seconds": 60}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DATABASE_URL": f"{SERVER}/{DATABASE}",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": HOST,
        # Plain HTTP on loopback: no HTTPS redirect, cookies without the Secure flag.
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        # Every virtual patient comes from 127.0.0.1: the per-address limit would
        # measure the rate limiter, not the app.
        "PATIENT_IP_RATE": "1000000/m",
        "PATIENT_LINK_RATE": "1000000/m",
        "CONN_MAX_AGE": "60",
        "MEDIA_ROOT": str(OUT / "media"),
        "STATIC_ROOT": str(OUT / "static"),
        "LOADTEST_TOKENS": str(OUT / "tokens.txt"),
    }
    started = time.monotonic()
    fresh_database()
    manage(env, "migrate", "--no-input", "--verbosity", "0")
    manage(env, "seed_loadtest", "--tokens", str(OUT / "tokens.txt"))
    manage(env, "collectstatic", "--no-input", "--verbosity", "0")
    print(f"Set-up took {time.monotonic() - started:.0f} s.", flush=True)

    with open(OUT / "gunicorn.log", "w") as log:
        server = subprocess.Popen(
            [
                BIN / "gunicorn",
                "hipclinic.wsgi",
                "--config",
                "hipclinic/gunicorn.conf.py",
                "--workers",
                str(WORKERS),
                "--bind",
                f"127.0.0.1:{PORT}",
            ],
            cwd=ROOT,
            env=env,
            stderr=log,
        )
        try:
            wait_for(f"{HOST}/ping")
            trivial = drive(env, "trivial", ["TrivialVisitor"], **TRIVIAL)
            mix = drive(env, "mix", ["Therapist", "Patient"], **MIX)
        finally:
            server.terminate()
            server.wait(timeout=30)
    report(trivial, mix)
    print(f"Whole run: {time.monotonic() - started:.0f} s.")


def fresh_database() -> None:
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {DATABASE}")


def manage(env: dict, *arguments: str) -> None:
    subprocess.run([BIN / "python", "manage.py", *arguments], cwd=ROOT, env=env, check=True)


def wait_for(url: str) -> None:
    for _ in range(100):
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer at {url}; see {OUT / 'gunicorn.log'}.")


def drive(env: dict, name: str, classes: list[str], **phase) -> list[dict]:
    count, seconds = phase["users"], phase["seconds"]
    print(f"Driving {', '.join(classes)}: {count} users for {seconds} s ...", flush=True)
    subprocess.run(
        [
            BIN / "locust",
            "-f",
            str(ROOT / "loadtest" / "locustfile.py"),
            "--headless",
            "--only-summary",
            "--users",
            str(count),
            "--spawn-rate",
            str(count),
            "--run-time",
            f"{seconds}s",
            "--stop-timeout",
            "5",
            "--host",
            HOST,
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
        stdout=subprocess.DEVNULL,
        timeout=seconds + 60,
    )
    with open(OUT / f"{name}_stats.csv", newline="") as handle:
        return list(csv.DictReader(handle))


def report(trivial: list[dict], mix: list[dict]) -> None:
    columns = f"{'page':34} {'requests':>9} {'errors':>7} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}"
    print(f"\nhipclinic load test: gunicorn {WORKERS} workers, PostgreSQL, 127.0.0.1\n")
    print(columns)
    print("-" * len(columns))
    rows = [row for row in trivial if row["Name"] != "Aggregated"]
    rows += [
        {**row, "Name": "ALL (app pages)"} if row["Name"] == "Aggregated" else row for row in mix
    ]
    for row in rows:
        print(
            f"{row['Name'][:34]:34} {int(row['Request Count']):>9} {int(row['Failure Count']):>7} "
            f"{float(row['Requests/s']):>7.1f} {row['50%']:>7} {row['95%']:>7} {row['99%']:>7}"
        )
    ceiling = next(row for row in trivial if row["Name"] == "Aggregated")
    everything = next(row for row in mix if row["Name"] == "Aggregated")
    errors = sum(int(row["Failure Count"]) for row in mix if row["Name"] != "Aggregated")
    print(
        f"\nThroughput: app pages {float(everything['Requests/s']):.1f} req/s against "
        f"{float(ceiling['Requests/s']):.1f} req/s for the trivial view: "
        f"{float(everything['Requests/s']) / float(ceiling['Requests/s']):.2f} of the ceiling."
    )
    for page in ("patient page", "patient PDF download"):
        row = next((r for r in mix if r["Name"] == page), None)
        if row:
            print(
                f"{page}: p95 {row['95%']} ms under load, "
                f"{float(row['95%']) / max(float(ceiling['95%']), 1):.1f} x the trivial view's p95."
            )
    print(f"Errors in the app phase: {errors}.")


if __name__ == "__main__":
    main()
