"""Alert e-mails reach each recipient in the language kept on their account, and still carry
no personal values in either language.

SYNTHETIC TEST DATA throughout (see factories.py): fictional names and streets, 555-01xx phones,
example.invalid e-mails.
"""

from __future__ import annotations

import pytest

from accounts import services as account_services
from exposure import services
from exposure.tests.factories import lucia_values, make_person

pytestmark = pytest.mark.django_db

FLYER = "SE BUSCA: la agente Lucia Quintero vive en 418 Mirlo St. Llamela al 202.555.0143."
VALUES = ("Mirlo", "418", "555", "0143", "Quintero", "Lucia")


def _mail_to(smtp_server, user):
    # (A drafted incident also tells its victim, in a separate e-mail about the incident.)
    mine = [m["message"] for m in smtp_server.messages if m["to"] == [user.email]]
    return [m for m in mine if "alert" in m["Subject"].lower()]


def _raise_alert(world, django_capture_on_commit_callbacks):
    officer = world.user("a", "field_officer")
    make_person(world.offices["a"], lucia_values(), "R-001", user=officer)
    with django_capture_on_commit_callbacks(execute=True):
        _result, alerts = services.text_scan(
            actor=world.user("a", "protective_unit"), text=FLYER, label="synthetic flyer"
        )
    (alert,) = alerts
    return alert


def test_a_spanish_officer_gets_the_alert_in_spanish_and_an_english_one_in_english(
    world, smtp_server, django_capture_on_commit_callbacks
):
    officer, unit = world.user("a", "field_officer"), world.user("a", "protective_unit")
    account_services.user_language_set(user=officer, language="es")
    alert = _raise_alert(world, django_capture_on_commit_callbacks)

    (spanish,) = _mail_to(smtp_server, officer)
    assert spanish["Subject"] == f"Custos: alerta de exposición {alert.pk}"
    body = spanish.get_content()
    assert "Custos encontró su información personal en" in body
    assert "Tipos de identificador encontrados: dirección, teléfono" in body
    assert "Información personal restringida (18 U.S.C. 119): sí." in body
    assert f"/exposure/alerts/{alert.pk}/" in body
    assert "Custos found" not in body

    (english,) = _mail_to(smtp_server, unit)
    assert english["Subject"] == f"Custos exposure alert {alert.pk}"
    body = english.get_content()
    assert "Custos found personal information of roster entry R-001 in" in body
    assert "Identifier types found: address, phone" in body
    assert "Restricted personal information (18 U.S.C. 119): yes." in body

    for message in (spanish, english):
        text = (message["Subject"] + message.get_content()).lower()
        for value in VALUES:
            assert value.lower() not in text


def test_a_spanish_member_of_the_protective_unit_reads_the_roster_entry_in_spanish(
    world, smtp_server, django_capture_on_commit_callbacks
):
    unit = world.user("a", "protective_unit")
    account_services.user_language_set(user=unit, language="es")
    _raise_alert(world, django_capture_on_commit_callbacks)
    (spanish,) = _mail_to(smtp_server, unit)
    body = spanish.get_content()
    assert "Custos encontró información personal de la entrada del registro R-001 en" in body
    # The sender's language is not the recipient's: the scan ran in English.
    (english,) = _mail_to(smtp_server, world.user("a", "field_officer"))
    assert "Custos found your personal information in" in english.get_content()
