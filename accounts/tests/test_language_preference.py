"""A signed-in user's language choice is kept on the account and used again at sign-in."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from common.testing import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def test_the_language_switch_stores_a_signed_in_users_choice(world, signed_in):
    officer = world.user("a", "field_officer")
    assert officer.language == settings.LANGUAGE_CODE == "en"
    client = signed_in(officer)
    response = client.post(reverse("set_language"), {"language": "es", "next": "/"})
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.language == "es"
    event = AuditEvent.objects.filter(verb="user.language", target_id=str(officer.pk)).get()
    assert event.data == {"language": "es"}
    # The same choice again changes nothing and is not recorded twice.
    client.post(reverse("set_language"), {"language": "es", "next": "/"})
    assert AuditEvent.objects.filter(verb="user.language").count() == 1


def test_an_unknown_language_is_not_stored(world, signed_in):
    officer = world.user("a", "field_officer")
    signed_in(officer).post(reverse("set_language"), {"language": "xx", "next": "/"})
    officer.refresh_from_db()
    assert officer.language == "en"
    assert not AuditEvent.objects.filter(verb="user.language").exists()


def test_a_read_only_role_may_store_its_language(world, signed_in):
    oversight = world.user("a", "oversight")
    response = signed_in(oversight).post(reverse("set_language"), {"language": "es", "next": "/"})
    assert response.status_code == 302
    oversight.refresh_from_db()
    assert oversight.language == "es"


def test_a_user_not_past_mfa_does_not_change_the_stored_language(world):
    # Password alone (no second factor yet) may switch the page language, not the account.
    officer = world.user("a", "supervisor")  # a supervisor must use MFA
    client = Client()
    client.force_login(officer)
    client.post(reverse("set_language"), {"language": "es", "next": "/"})
    officer.refresh_from_db()
    assert officer.language == "en"


def test_sign_in_activates_the_stored_language(world):
    from accounts import services

    officer = world.user("a", "field_officer")
    services.user_language_set(user=officer, language="es")
    client = Client()
    assert "Sign in" in client.get(reverse("accounts:login")).content.decode()
    response = client.post(
        reverse("accounts:login"), {"username": officer.username, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    page = client.get(reverse("accounts:mfa_enrol")).content.decode()
    assert 'lang="es"' in page


def test_sign_in_of_an_english_user_after_a_spanish_page_is_english(world):
    officer = world.user("a", "field_officer")
    client = Client()
    client.post(reverse("set_language"), {"language": "es", "next": "/"})
    client.post(
        reverse("accounts:login"), {"username": officer.username, "password": TEST_PASSWORD}
    )
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert 'lang="en"' in client.get(reverse("accounts:mfa_enrol")).content.decode()


def test_the_language_is_one_the_site_serves():
    from django.db import IntegrityError, transaction

    from common.testing import make_office, make_user

    user = make_user(make_office("alpha"), "field_officer")
    user.language = "xx"
    with pytest.raises(IntegrityError), transaction.atomic():
        user.save(update_fields=["language"])
