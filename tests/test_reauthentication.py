"""Reauthentication uses the factors people sign in with, never a code sent by email."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse

from tests.people import PASSWORD, ClientFor


def test_it_asks_for_the_password_and_offers_no_email_code(
    alice: User, client_for: ClientFor
) -> None:
    page = client_for(alice).get(reverse("account_reauthenticate"))
    assert page.status_code == 200
    assert 'name="password"' in page.content.decode()
    alternatives = page.context["reauthentication_alternatives"]
    assert all("code" not in str(alt.get("url", "")) for alt in alternatives), alternatives
    assert reverse("account_request_reauthentication_code") not in page.content.decode()


def test_it_refuses_to_send_a_reauthentication_code(alice: User, client_for: ClientFor) -> None:
    client = client_for(alice)
    client.get(reverse("account_reauthenticate"))  # the CSRF cookie, as a browser has it
    token = client.cookies["csrftoken"].value
    response = client.post(
        reverse("account_request_reauthentication_code"),
        {"email": alice.email},
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 403
    assert mail.outbox == [], "no code may be mailed"


def test_the_password_still_reauthenticates(alice: User, client_for: ClientFor) -> None:
    client = client_for(alice)
    client.get(reverse("account_reauthenticate"))
    response = client.post(
        reverse("account_reauthenticate"),
        {"password": PASSWORD},
        HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value,
    )
    assert response.status_code == 302
