"""Password reset (issue 22 §2): the same answer for known and unknown addresses, a rate
limit, links that work once, every session ended, the reset audited, mail with the link only."""

import re

import pytest
from django.core import mail
from django.test import Client

from hipclinic.models import AuditAction, AuditEvent
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a brand new hip stretch 42"


@pytest.fixture
def account(therapist):
    therapist.email = "robin@example.com"
    therapist.save()
    return therapist


def ask(client, email: str):
    return client.post("/password-reset/", {"email": email}, follow=True)


def link_in(message) -> str:
    (link,) = re.findall(r"https?://\S+", message.body)
    return link.split("testserver", 1)[1]


def choose_password(client, link: str):
    page = client.get(link, follow=True)  # Django moves the token into the session first
    return client.post(
        page.redirect_chain[-1][0] if page.redirect_chain else link,
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )


def test_known_and_unknown_addresses_get_the_same_answer(client, account):
    known = ask(client, "robin@example.com")
    unknown = ask(Client(), "nobody@example.com")

    assert known.status_code == unknown.status_code == 200
    assert known.redirect_chain == unknown.redirect_chain
    strip = lambda r: re.sub(r"[A-Za-z0-9]{64}", "", r.content.decode())  # noqa: E731
    assert strip(known) == strip(unknown)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["robin@example.com"]


def test_the_email_holds_the_link_and_nothing_about_the_account(client, account):
    ask(client, "robin@example.com")

    body = mail.outbox[0].body
    assert "/password-reset/" in body
    assert account.username not in body and account.display_name not in body


def test_requests_for_one_address_are_limited_the_same_whether_it_has_an_account(
    client, account, settings
):
    settings.PASSWORD_RESET_RATE = "2/h"
    for address in ["robin@example.com", "nobody@example.com"]:
        answers = [client.post("/password-reset/", {"email": address}) for _ in range(3)]
        assert [a.status_code for a in answers] == [302, 302, 429]
    assert len(mail.outbox) == 2


def test_mail_to_one_account_is_limited_whatever_the_spelling_of_its_address(
    client, account, settings
):
    settings.PASSWORD_RESET_RATE = "2/h"
    for address in ["robin@example.com", "Robin@example.com", "ROBIN@example.com"]:
        assert client.post("/password-reset/", {"email": address}).status_code == 302

    assert len(mail.outbox) == 2


def test_a_link_sets_the_password_once_and_is_audited(client, account):
    ask(client, "robin@example.com")
    link = link_in(mail.outbox[0])

    response = choose_password(client, link)

    assert response.status_code == 302 and response.url == "/password-reset/done/"
    account.refresh_from_db()
    assert account.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(
        action=AuditAction.PASSWORD_RESET, target_id=str(account.pk)
    ).exists()
    again = Client().get(link, follow=True)
    assert "This link no longer works" in again.content.decode()


def test_a_reset_ends_every_session_of_the_account(client, account):
    elsewhere = Client()
    assert (
        elsewhere.post("/login/", {"username": account.username, "password": PASSWORD}).status_code
        == 302
    )
    assert elsewhere.get("/patients/").status_code == 200

    ask(client, "robin@example.com")
    choose_password(client, link_in(mail.outbox[0]))

    assert elsewhere.get("/patients/").url.startswith("/login/")
    assert "_auth_user_id" not in client.session  # a reset signs nobody in


def test_a_link_expires(client, account, settings):
    ask(client, "robin@example.com")
    link = link_in(mail.outbox[0])
    settings.PASSWORD_RESET_TIMEOUT = -1

    page = client.get(link, follow=True)

    assert "This link no longer works" in page.content.decode()
