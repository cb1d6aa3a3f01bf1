"""The English and Spanish catalogues exist and the language switch works."""

import pytest
from django.test import Client
from django.urls import reverse


@pytest.mark.django_db
def test_language_switch_shows_spanish_pages():
    client = Client()
    assert "Sign in" in client.get(reverse("accounts:login")).content.decode()
    response = client.post(
        reverse("set_language"), {"language": "es", "next": reverse("accounts:login")}
    )
    assert response.status_code == 302
    page = client.get(reverse("accounts:login")).content.decode()
    assert "Iniciar sesión" in page
    assert 'lang="es"' in page
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Sign in" in client.get(reverse("accounts:login")).content.decode()
