"""Load for `make loadtest` (run by loadtest/run.py, never on its own against a real site).

TrivialVisitor asks for /ping, the framework's ceiling. Therapist goes through a
day's pages after logging in; Patient opens their private page and downloads the
handout. Every request goes to 127.0.0.1 only.
"""

import os
import random
import re
from pathlib import Path

from locust import HttpUser, between, events, task

TOKENS = Path(os.environ.get("LOADTEST_TOKENS", "var/loadtest/tokens.txt"))
THERAPISTS = int(os.environ.get("LOADTEST_THERAPISTS", "50"))
PASSWORD = "load-test-only"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PATIENT_LINK = re.compile(r'href="/patients/(\d+)/"')
PROGRAMME_LINK = re.compile(r'href="/programmes/(\d+)/"')
HANDOUT_LINK = re.compile(r'href="/handouts/(\d+)/download/"')


@events.test_start.add_listener
def only_loopback(environment, **kwargs):
    if not environment.host.startswith(("http://127.0.0.1:", "http://localhost:")):
        raise SystemExit(f"Refusing to load {environment.host}: loopback only.")


class TrivialVisitor(HttpUser):
    wait_time = between(0, 0)

    @task
    def ping(self):
        self.client.get("/ping", name="/ping (trivial view)")


class Therapist(HttpUser):
    wait_time = between(0, 0)  # no think time: the server is kept saturated, like /ping
    weight = 1

    def on_start(self):
        page = self.client.get("/login/", name="/login/")
        csrf = CSRF.search(page.text).group(1)
        number = random.randrange(THERAPISTS)
        self.client.post(
            "/login/",
            {
                "username": f"load-therapist-{number}",
                "password": PASSWORD,
                "csrfmiddlewaretoken": csrf,
            },
            name="/login/ (post)",
        )
        self.patients, self.programmes, self.handouts = [], [], []

    @task(3)
    def today(self):
        self.client.get("/", name="today")

    @task(3)
    def patient_list(self):
        response = self.client.get(
            f"/patients/?q=Load{random.randrange(10)}&page={random.randrange(1, 4)}",
            name="patient list (search)",
        )
        self.patients = PATIENT_LINK.findall(response.text) or self.patients

    @task(4)
    def patient_record(self):
        if not self.patients:
            return self.patient_list()
        response = self.client.get(
            f"/patients/{random.choice(self.patients)}/", name="patient record"
        )
        self.programmes = PROGRAMME_LINK.findall(response.text) or self.programmes

    @task(3)
    def programme(self):
        if not self.programmes:
            return self.patient_record()
        response = self.client.get(
            f"/programmes/{random.choice(self.programmes)}/", name="programme page"
        )
        self.handouts = HANDOUT_LINK.findall(response.text) or self.handouts

    @task(2)
    def builder(self):
        if not self.programmes:
            return self.patient_record()
        self.client.get(
            f"/programmes/{random.choice(self.programmes)}/edit/", name="programme builder"
        )

    @task(1)
    def library(self):
        self.client.get("/library/", name="exercise library")

    @task(2)
    def download(self):
        if not self.handouts:
            return self.programme()
        self.client.get(
            f"/handouts/{random.choice(self.handouts)}/download/", name="handout download (staff)"
        )


class Patient(HttpUser):
    wait_time = between(0, 0)  # no think time: the server is kept saturated, like /ping
    weight = 3

    def on_start(self):
        self.tokens = TOKENS.read_text().split()

    @task(3)
    def page(self):
        self.client.get(f"/p/{random.choice(self.tokens)}/", name="patient page")

    @task(1)
    def handout(self):
        self.client.get(f"/p/{random.choice(self.tokens)}/handout.pdf", name="patient PDF download")
