"""Load for `make loadtest` (run by loadtest/run.py, never on its own against a real site).

TrivialVisitor asks for /ping, the framework's ceiling. Therapist goes through a
day's pages after signing in, and now and then issues a handout; Manager does the same
and uploads a picture; Patient opens their private page, downloads the handout and logs
today's session. Every request goes to 127.0.0.1 only.

With more than one app server (LOADTEST_SERVERS, comma-separated), each virtual user
sends its requests to the servers in turn, as a load balancer with no stickiness would:
a sign-in's form comes from one server and its post goes to the other, a patient's page
view and their log post land on different servers, a handout issued or a picture
uploaded on one is downloaded from the other. Cookies are shared across the servers
(a browser's cookies do not depend on the port), so anything kept on one server alone
(a session, a CSRF secret, a rate-limit count, a stored file) shows as an error.
"""

import io
import itertools
import os
import random
import re
import uuid
from pathlib import Path

from locust import HttpUser, between, events, task

TOKENS = Path(os.environ.get("LOADTEST_TOKENS", "var/loadtest/tokens.txt"))
THERAPISTS = int(os.environ.get("LOADTEST_THERAPISTS", "50"))
MANAGERS = int(os.environ.get("LOADTEST_MANAGERS", "2"))
SERVERS = [url.rstrip("/") for url in os.environ.get("LOADTEST_SERVERS", "").split(",") if url]
PASSWORD = "load-test-only"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PATIENT_LINK = re.compile(r'href="/patients/(\d+)/"')
PROGRAMME_LINK = re.compile(r'href="/programmes/(\d+)/"')
HANDOUT_LINK = re.compile(r'href="/handouts/(\d+)/download/"')
EXERCISE_PAGE = re.compile(r"/library/(\d+)/$")


@events.test_start.add_listener
def only_loopback(environment, **kwargs):
    for url in [environment.host, *SERVERS]:
        if not url.startswith(("http://127.0.0.1:", "http://localhost:")):
            raise SystemExit(f"Refusing to load {url}: loopback only.")


class AcrossServers(HttpUser):
    """A user whose every request goes to the next app server in turn (``at``); a
    redirect is followed on the server that sent it."""

    abstract = True

    def on_start(self):
        servers = SERVERS or [self.host]
        start = random.randrange(len(servers))
        self.servers = itertools.cycle(servers[start:] + servers[:start])

    def at(self, path: str) -> str:
        return next(self.servers) + path

    def csrf_token(self, response) -> str | None:
        found = CSRF.search(response.text)
        return found.group(1) if found else None


class TrivialVisitor(AcrossServers):
    wait_time = between(0, 0)

    @task
    def ping(self):
        self.client.get(self.at("/ping"), name="/ping (trivial view)")


class Therapist(AcrossServers):
    wait_time = between(0, 0)  # no think time: the server is kept saturated, like /ping
    weight = 1
    username = "load-therapist-{}"
    accounts = THERAPISTS

    def on_start(self):
        super().on_start()
        page = self.client.get(self.at("/login/"), name="/login/")
        with self.client.post(
            self.at("/login/"),
            {
                "username": self.username.format(random.randrange(self.accounts)),
                "password": PASSWORD,
                "csrfmiddlewaretoken": self.csrf_token(page),
            },
            name="/login/ (post)",
            catch_response=True,
        ) as response:
            # A sign-in that worked is redirected away from the form.
            if not response.history:
                response.failure("not signed in (the form came back)")
        self.patients, self.programmes, self.handouts = [], [], []

    @task(3)
    def today(self):
        self.client.get(self.at("/"), name="today")

    @task(3)
    def patient_list(self):
        response = self.client.get(
            self.at(f"/patients/?q=Load{random.randrange(10)}&page={random.randrange(1, 4)}"),
            name="patient list (search)",
        )
        self.patients = PATIENT_LINK.findall(response.text) or self.patients

    @task(4)
    def patient_record(self):
        if not self.patients:
            return self.patient_list()
        response = self.client.get(
            self.at(f"/patients/{random.choice(self.patients)}/"), name="patient record"
        )
        self.programmes = PROGRAMME_LINK.findall(response.text) or self.programmes

    @task(3)
    def programme(self):
        if not self.programmes:
            return self.patient_record()
        response = self.client.get(
            self.at(f"/programmes/{random.choice(self.programmes)}/"), name="programme page"
        )
        self.handouts = HANDOUT_LINK.findall(response.text) or self.handouts
        return response

    @task(2)
    def builder(self):
        if not self.programmes:
            return self.patient_record()
        self.client.get(
            self.at(f"/programmes/{random.choice(self.programmes)}/edit/"),
            name="programme builder",
        )

    @task(1)
    def library(self):
        self.client.get(self.at("/library/"), name="exercise library")

    @task(2)
    def download(self):
        if not self.handouts:
            return self.programme()
        self.client.get(
            self.at(f"/handouts/{random.choice(self.handouts)}/download/"),
            name="handout download (staff)",
        )

    @task(1)
    def issue_and_download(self):
        """Issue a new version of a programme's handout (the form from one server, the
        post to the next), then download that version from the next server again."""
        if not self.programmes:
            return self.patient_record()
        programme = random.choice(self.programmes)
        page = self.client.get(self.at(f"/programmes/{programme}/"), name="programme page")
        before = {int(pk) for pk in HANDOUT_LINK.findall(page.text)}
        with self.client.post(
            self.at(f"/programmes/{programme}/handout/issue/"),
            {"csrfmiddlewaretoken": self.csrf_token(page), "next": f"/programmes/{programme}/"},
            name="handout issue",
            catch_response=True,
        ) as response:
            issued = {int(pk) for pk in HANDOUT_LINK.findall(response.text)} - before
            if not issued:
                response.failure("no new handout version on the programme page")
                return
        with self.client.get(
            self.at(f"/handouts/{max(issued)}/download/"),
            name="issued handout, other server",
            catch_response=True,
        ) as download:
            if not download.content.startswith(b"%PDF-"):
                download.failure("the issued handout is not a PDF")


class Manager(Therapist):
    """A clinic manager (run.py adds one per clinic): a therapist's day, plus adding an
    exercise with a picture, seeing the picture, and archiving the exercise again (so the
    library does not grow through the run)."""

    fixed_count = 1
    username = "load-manager-{}"
    accounts = MANAGERS

    @task(5)  # often enough to happen in a short run's minute
    def upload_picture(self):
        form = self.client.get(self.at("/library/new/"), name="new exercise form")
        picture = png_picture()
        with self.client.post(
            self.at("/library/new/"),
            {
                "csrfmiddlewaretoken": self.csrf_token(form),
                "name": f"Load side step {uuid.uuid4().hex[:12]}",
                "kind": "strengthening",
                "position": "standing",
                "difficulty": "moderate",
                "purpose": "Strengthens the side of the hip.",
                "steps": "Put the band round your knees.\nStep to the side.",
                "hold_unit": "seconds",
                "sets": "2",
                "reps": "12",
                "cautions-TOTAL_FORMS": "0",
                "cautions-INITIAL_FORMS": "0",
            },
            files={"illustration": ("side-step.png", picture, "image/png")},
            name="picture upload (new exercise)",
            catch_response=True,
        ) as response:
            found = EXERCISE_PAGE.search(response.url or "")
            if not response.history or not found:
                response.failure("the exercise was not added (the form came back)")
                return
        exercise = found.group(1)
        with self.client.get(
            self.at(f"/library/{exercise}/picture"),
            name="uploaded picture, other server",
            catch_response=True,
        ) as shown:
            if shown.content != picture:
                shown.failure("the picture served is not the one uploaded")
        page = self.client.get(self.at(f"/library/{exercise}/"), name="exercise page")
        self.client.post(
            self.at(f"/library/{exercise}/archive/"),
            {"csrfmiddlewaretoken": self.csrf_token(page)},
            name="archive exercise",
        )


def png_picture() -> bytes:
    """A small PNG of a colour of its own, so every upload is a new file."""
    from PIL import Image

    buffer = io.BytesIO()
    colour = tuple(random.randrange(256) for _ in range(3))
    Image.new("RGB", (40, 40), colour).save(buffer, "PNG")
    return buffer.getvalue()


class Patient(AcrossServers):
    wait_time = between(0, 0)  # no think time: the server is kept saturated, like /ping
    weight = 3

    def on_start(self):
        super().on_start()
        self.tokens = TOKENS.read_text().split()

    @task(3)
    def page(self):
        self.client.get(self.at(f"/p/{random.choice(self.tokens)}/"), name="patient page")

    @task(1)
    def handout(self):
        self.client.get(
            self.at(f"/p/{random.choice(self.tokens)}/handout.pdf"), name="patient PDF download"
        )

    @task(1)
    def log_today(self):
        """Open the page on one server and log today's session on the next."""
        token = random.choice(self.tokens)
        page = self.client.get(self.at(f"/p/{token}/"), name="patient page")
        with self.client.post(
            self.at(f"/p/{token}/"),
            {"csrfmiddlewaretoken": self.csrf_token(page), "pain": "1", "note": ""},
            name="patient log post, other server",
            catch_response=True,
        ) as response:
            if not response.history or "saved" not in response.text:
                response.failure("today's session was not saved")
