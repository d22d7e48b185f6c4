"""Admin sign-in throttling through the admin's own login form (django-axes)."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db.models import F
from django.test import Client

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"
PASSWORD = "correct-horse-battery-1"


@pytest.fixture
def editor(settings):
    settings.AXES_FAILURE_LIMIT = 3
    return get_user_model().objects.create_user(
        "editor", "editor@example.com", PASSWORD, is_staff=True
    )


def sign_in(password, *, username="editor", address="203.0.113.7"):
    client = Client(REMOTE_ADDR=address)
    response = client.post(LOGIN, {"username": username, "password": password})
    return response


def test_repeated_failures_lock_that_user_name_at_that_address(editor):
    for _ in range(2):
        response = sign_in("wrong")
        assert response.status_code == 200
        assert "Please enter the correct username and password" in response.text
    response = sign_in("wrong")
    assert response.status_code == 429
    assert "Too many failed sign-ins for “editor” from this address" in response.text
    assert "locked for 15 minutes" in response.text

    # Even the right password is refused while locked, with the same explanation.
    response = sign_in(PASSWORD)
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.text


def test_a_lockout_is_per_user_name_and_address(editor):
    get_user_model().objects.create_user("other", "o@example.com", PASSWORD, is_staff=True)
    for _ in range(3):
        sign_in("wrong")
    assert sign_in(PASSWORD).status_code == 429
    assert sign_in(PASSWORD, address="198.51.100.20").status_code == 302
    assert sign_in(PASSWORD, username="other").status_code == 302


def test_sign_in_works_again_after_the_cool_off(editor, settings):
    from axes.models import AccessAttempt

    for _ in range(3):
        sign_in("wrong")
    assert sign_in(PASSWORD).status_code == 429
    # Fifteen minutes and a second pass (the failures are dated that much earlier).
    AccessAttempt.objects.update(
        attempt_time=F("attempt_time") - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    )
    response = sign_in(PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_a_successful_sign_in_clears_the_failures(editor):
    for _ in range(2):
        sign_in("wrong")
    assert sign_in(PASSWORD).status_code == 302
    for _ in range(2):
        assert sign_in("wrong").status_code == 200
    assert sign_in(PASSWORD).status_code == 302
