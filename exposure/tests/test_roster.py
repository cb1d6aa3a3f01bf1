"""The protected roster: encryption at rest, keyed hashes, import, rotation, own corrections.

SYNTHETIC TEST DATA throughout (see factories.py).
"""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import connection

from audit.models import AuditEvent
from exposure import crypto, scanning
from exposure.models import ProtectedPerson, ProtectedValueHash
from exposure.roster_import import RosterImportError, import_roster
from exposure.services import RosterValues, person_correct_own, person_save, roster_rotate_keys
from exposure.tests.factories import lucia_values, make_person

pytestmark = pytest.mark.django_db

HEADER = "id,full_name,aliases,addresses,phones,emails,plates,relatives,office\n"
ROW_1 = (
    "R-001,Lucia Quintero Vale,Lucy Quintero,418 Mirlo Street,(202) 555-0143,"
    "lucia.quintero@example.invalid,7KQD214,Tomas Quintero:son,alpha\n"
)
ROW_2 = (
    "R-002,Anselmo Brightwater,,93 Quillfeather Avenue Apt 2|12 Lark Court,"
    "202-555-0178|202-555-0179,"
    "a.brightwater@example.invalid,ZXR-4471,Marisol Brightwater:spouse|Ivo Brightwater:son,bravo\n"
)


def _raw_rows() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM exposure_protectedperson")
        return cursor.fetchall()


def test_personal_values_are_encrypted_at_rest(office_a):
    make_person(office_a, lucia_values(), "R-001")
    raw = repr(_raw_rows()) + repr(
        list(ProtectedValueHash.objects.values_list("digest", flat=True))
    )
    for plaintext in ("Quintero", "Mirlo", "555-0143", "5550143", "example.invalid", "7KQD214"):
        assert plaintext.lower() not in raw.lower()
    person = ProtectedPerson.objects.get(roster_id="R-001")
    assert person.phones == ["(202) 555-0143"]
    assert person.relatives == [{"name": "Tomas Quintero", "relation": "son"}]


def test_value_hashes_are_keyed_and_match_the_scanner_keys(office_a, settings):
    person = make_person(office_a, lucia_values(), "R-001")
    stored = set(person.hashes.values_list("kind", "digest"))
    assert {kind for kind, _ in stored} == {"addr", "street", "phone", "email", "plate"}
    assert stored == scanning.value_digests(person)
    # The same value under another HMAC key hashes differently: without the key, nothing matches.
    settings.MATCHING_HMAC_KEY = "another-synthetic-matching-key-0123456789"
    assert scanning.value_digests(person).isdisjoint(stored)


def test_a_bad_value_is_refused_with_the_field_named(office_a):
    values = lucia_values()
    values.phones = ["call me maybe"]
    with pytest.raises(ValidationError) as error:
        make_person(office_a, values, "R-009")
    assert "phones" in error.value.message_dict
    assert not ProtectedPerson.objects.exists()


def test_import_creates_entries_and_is_idempotent_by_id(office_a, office_b):
    assert import_roster(io.StringIO(HEADER + ROW_1 + ROW_2)) == (2, 0)
    events = AuditEvent.objects.count()
    assert import_roster(io.StringIO(HEADER + ROW_1 + ROW_2)) == (0, 2)
    assert ProtectedPerson.objects.count() == 2
    assert AuditEvent.objects.count() == events  # nothing changed, nothing written
    second = ProtectedPerson.objects.get(roster_id="R-002")
    assert second.office == office_b
    assert second.addresses == ["93 Quillfeather Avenue Apt 2", "12 Lark Court"]
    assert second.relatives[1] == {"name": "Ivo Brightwater", "relation": "son"}
    changed = ROW_1.replace("(202) 555-0143", "(202) 555-0144")
    assert import_roster(io.StringIO(HEADER + changed)) == (0, 1)
    assert ProtectedPerson.objects.get(roster_id="R-001").phones == ["(202) 555-0144"]


@pytest.mark.parametrize(
    ("bad_row", "column"),
    [
        (ROW_2.replace("202-555-0178|", "not-a-phone|"), "phones"),
        (ROW_2.replace("a.brightwater@example.invalid", "nobody-at-all"), "emails"),
        (ROW_2.replace("Marisol Brightwater:spouse", "Marisol Brightwater"), "relatives"),
        (ROW_2.replace(",bravo", ",nowhere"), "office"),
        (ROW_2.replace("R-002", ""), "id"),
        (ROW_2.replace("93 Quillfeather Avenue Apt 2", "somewhere nice"), "addresses"),
        (ROW_2.replace("Anselmo Brightwater", ""), "full_name"),
    ],
)
def test_a_bad_row_imports_nothing_and_names_row_and_column(office_a, office_b, bad_row, column):
    with pytest.raises(RosterImportError) as error:
        import_roster(io.StringIO(HEADER + ROW_1 + bad_row))
    assert (error.value.line, error.value.column) == (3, column)
    assert not ProtectedPerson.objects.exists()


def test_a_wrong_header_is_refused(office_a):
    with pytest.raises(RosterImportError) as error:
        import_roster(io.StringIO("id,name\n" + ROW_1))
    assert (error.value.line, error.value.column) == (1, "header")


def test_import_roster_command(office_a, office_b, tmp_path):
    good = tmp_path / "roster.csv"
    good.write_text(HEADER + ROW_1 + ROW_2)
    out, err = io.StringIO(), io.StringIO()
    call_command("exposure", "import-roster", str(good), stdout=out, stderr=err)
    assert "2 created" in err.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + ROW_1.replace("R-001", "R-003") + ROW_2.replace(",bravo", ",zulu"))
    with pytest.raises(CommandError, match=r"row 3, column office.*Nothing was imported"):
        call_command("exposure", "import-roster", str(bad))
    assert not ProtectedPerson.objects.filter(roster_id="R-003").exists()


def test_rotate_re_encrypts_under_the_new_key(office_a, settings):
    make_person(office_a, lucia_values(), "R-001")
    old_token = _raw_rows()[0]
    old_keys = list(settings.FIELD_ENCRYPTION_KEYS)
    settings.FIELD_ENCRYPTION_KEYS = ["new-synthetic-field-key-2026", *old_keys]
    # Before rotation the old rows still decrypt (all keys decrypt).
    assert ProtectedPerson.objects.get().full_name == "Lucia Quintero Vale"
    call_command("exposure", "rotate", stderr=io.StringIO())
    assert _raw_rows()[0] != old_token
    settings.FIELD_ENCRYPTION_KEYS = ["new-synthetic-field-key-2026"]  # old key retired
    assert ProtectedPerson.objects.get().emails == ["lucia.quintero@example.invalid"]
    settings.FIELD_ENCRYPTION_KEYS = old_keys  # the retired key alone no longer decrypts
    with pytest.raises(Exception, match="cannot be decrypted"):
        ProtectedPerson.objects.get()
    assert AuditEvent.objects.filter(verb="roster.rotate_keys").exists()


def test_rotate_rehashes_under_a_new_matching_key(office_a, settings):
    person = make_person(office_a, lucia_values(), "R-001")
    before = set(person.hashes.values_list("digest", flat=True))
    settings.MATCHING_HMAC_KEY = "rotated-synthetic-matching-key-0123456789"
    assert roster_rotate_keys() == 1
    assert set(person.hashes.values_list("digest", flat=True)).isdisjoint(before)


def test_people_correct_their_own_entry_only(world):
    officer = world.user("a", "field_officer")
    make_person(world.offices["a"], lucia_values(), "R-001", user=officer)
    values = lucia_values()
    values.phones = ["(202) 555-0150"]
    person = person_correct_own(user=officer, values=values)
    assert ProtectedPerson.objects.get(pk=person.pk).phones == ["(202) 555-0150"]
    assert AuditEvent.objects.filter(verb="roster.correct_own", target_id=str(person.pk)).exists()
    with pytest.raises(PermissionDenied):
        person_correct_own(user=world.user("a", "analyst"), values=values)


def test_only_the_protective_unit_of_the_office_manages_the_roster(world):
    office = world.offices["a"]
    person_save(
        actor=world.user("a", "protective_unit"),
        roster_id="R-001",
        office=office,
        values=lucia_values(),
    )
    for user in (world.user("a", "supervisor"), world.user("a", "oversight")):
        with pytest.raises(PermissionDenied):
            person_save(actor=user, roster_id="R-001", office=office, values=lucia_values())
    with pytest.raises(PermissionDenied):
        person_save(
            actor=world.user("b", "protective_unit"),
            roster_id="R-001",
            office=office,
            values=RosterValues(full_name="Someone Else Entirely"),
        )


def test_fernet_keys_are_derived_from_any_secret():
    token = crypto.encrypt_json({"synthetic": True})
    assert crypto.decrypt_json(token) == {"synthetic": True}
    assert "synthetic" not in token


def test_the_roster_has_no_field_for_views_or_associations():
    # 28 CFR 23.20(b): no political, religious or social views, associations or activities.
    from exposure.models import AlertNotice, ExposureAlert, ProtectiveMeasure

    forbidden = ("polit", "relig", "belief", "view", "association", "affiliat", "activit", "party")
    for model in (
        ProtectedPerson,
        ProtectedValueHash,
        ExposureAlert,
        ProtectiveMeasure,
        AlertNotice,
    ):
        for model_field in model._meta.get_fields():
            assert not any(word in model_field.name.lower() for word in forbidden), model_field
