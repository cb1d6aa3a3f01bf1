"""Identifier normalisation (pure) and the links it drives. All values synthetic."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from intel import identifiers as ids


@pytest.mark.parametrize(
    "written", ["(555) 010-0123", "555.010.0123", "+1 555 010 0123", "1-555-010-0123", "5550100123"]
)
def test_phone_numbers_fold_to_e164(written):
    assert ids.normalize("phone", written) == "+15550100123"


@pytest.mark.parametrize("bad", ["", "call me", "12", "+1 555"])
def test_bad_phone_numbers_are_refused_with_a_message(bad):
    with pytest.raises(ValidationError):
        ids.normalize("phone", bad)


def test_plates_drop_spaces_and_dashes_and_fold_look_alikes():
    assert ids.normalize_plate("abc-1O2") == ids.normalize_plate("A8C 102")
    assert ids.normalize_plate("ZSI-0") == "2510"
    with pytest.raises(ValidationError):
        ids.normalize_plate("!!")


def test_handles_are_lower_cased_per_platform():
    assert ids.normalize_handle("@Some_One", "x") == "x:some_one"
    assert ids.normalize_handle("https://www.instagram.com/Some_One/", "instagram") == (
        "instagram:some_one"
    )
    assert ids.normalize_handle("@some_one", "x") != ids.normalize_handle("@some_one", "tiktok")
    with pytest.raises(ValidationError):
        ids.normalize_handle("@someone", "myspace")


def test_names_fold_accents_and_nicknames():
    assert ids.normalize_name("  José   Ramírez-Núñez ") == "jose ramirez nunez"
    assert ids.names_match("Bob Smithfield", "Robert Smithfield")
    assert ids.names_match("Bobby Smithfield", "robert SMITHFIELD")
    assert ids.names_match("José Ramírez", "jose ramirez")
    assert not ids.names_match("Ann Smithfield", "Robert Smithfield")
    assert not ids.names_match("Robert Smithfield", "Robert Smithson")


def test_emails_are_case_folded():
    assert ids.normalize("email", " Caller@Example.INVALID ") == "caller@example.invalid"
    with pytest.raises(ValidationError):
        ids.normalize("email", "not-an-email")


@pytest.mark.django_db
def test_two_active_subjects_sharing_a_name_are_proposed_as_a_link(world):
    from cases.tests.factories import active_subject

    first = active_subject(world, identifiers=[("name", "Robert Exampleton")])
    second = active_subject(world, identifiers=[("name", "Bob Exampleton")])
    link = second.links.get()
    assert link.other_subject == first and link.kind == "name"
    assert first.links.count() == 0  # one proposal per pair
