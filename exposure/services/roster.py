"""Writes to the protected roster: entries, links to accounts, self-corrections, key rotation.

Audit events name roster ids and field names, never the personal values (28 CFR 23.20(g)).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts.models import FieldOffice, User
from accounts.permissions import Perm, check
from audit.services import audit_record
from exposure import scanning
from exposure.models import (
    ProtectedPerson,
    ProtectedValueHash,
)
from exposure.scanner.identifiers import address_key, email_key, phone_key
from exposure.scanner.normalise import canonical_plate, fold

PERSONAL_FIELDS = ("full_name", "aliases", "addresses", "phones", "emails", "plates", "relatives")
LIST_FIELDS = ("aliases", "addresses", "phones", "emails", "plates")


@dataclass
class RosterValues:
    """The personal values of one roster entry, in plaintext (memory only)."""

    full_name: str
    aliases: list[str] = field(default_factory=list)
    addresses: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    plates: list[str] = field(default_factory=list)
    relatives: list[dict[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in PERSONAL_FIELDS}

    @classmethod
    def of(cls, person: ProtectedPerson) -> RosterValues:
        return cls(**{name: getattr(person, name) for name in PERSONAL_FIELDS})


def values_errors(values: RosterValues) -> dict[str, str]:
    """Return {field: message} for values the scanner could not recognise in a document."""
    errors: dict[str, str] = {}
    if not values.full_name.strip():
        errors["full_name"] = "A full name is required."
    for address in values.addresses:
        if address_key(fold(address)) is None:
            errors["addresses"] = (
                f"Not a street address with a house number and street type: {address!r}."
            )
    for phone in values.phones:
        if phone_key(fold(phone)) is None:
            errors["phones"] = f"Not a valid phone number: {phone!r}."
    for email in values.emails:
        if email_key(fold(email)) is None:
            errors["emails"] = f"Not a valid e-mail address: {email!r}."
    for plate in values.plates:
        if len(canonical_plate(plate)) < 2:
            errors["plates"] = f"Not a vehicle plate: {plate!r}."
    for relative in values.relatives:
        if not relative.get("name", "").strip():
            errors["relatives"] = "Each relative needs a name."
    return errors


def _clean(values: RosterValues) -> RosterValues:
    cleaned = RosterValues(full_name=" ".join(values.full_name.split()))
    for name in LIST_FIELDS:
        items = [" ".join(str(item).split()) for item in getattr(values, name)]
        setattr(cleaned, name, [item for item in dict.fromkeys(items) if item])
    cleaned.relatives = [
        {"name": " ".join(r.get("name", "").split()), "relation": r.get("relation", "").strip()}
        for r in values.relatives
    ]
    return cleaned


def _refresh_hashes(person: ProtectedPerson) -> None:
    person.hashes.all().delete()
    ProtectedValueHash.objects.bulk_create(
        ProtectedValueHash(person=person, kind=kind, digest=digest)
        for kind, digest in sorted(scanning.value_digests(person))
    )


def _write(person: ProtectedPerson, values: RosterValues) -> list[str]:
    changed = [
        name for name in PERSONAL_FIELDS if getattr(person, name, None) != getattr(values, name)
    ]
    for name in PERSONAL_FIELDS:
        setattr(person, name, getattr(values, name))
    person.save()
    _refresh_hashes(person)
    return changed


@transaction.atomic
def person_save(
    *,
    actor: User | None,
    roster_id: str,
    office: FieldOffice,
    values: RosterValues,
    user: User | None = None,
    linked_to: ProtectedPerson | None = None,
    relation_to_linked: str = "",
    synthetic: bool = False,
) -> tuple[ProtectedPerson, bool]:
    """Create or update a roster entry by roster id (protective unit, or a system import)."""
    if actor is not None:
        check(actor, Perm.ROSTER_MANAGE)
    values = _clean(values)
    errors = values_errors(values)
    if errors:
        raise ValidationError(errors)
    person = ProtectedPerson.objects.select_for_update().filter(roster_id=roster_id).first()
    created = person is None
    if person is None:
        person = ProtectedPerson(roster_id=roster_id, office=office, synthetic=synthetic)
    elif actor is not None and actor.office_id != person.office_id:
        # The protective unit manages its own office's roster.
        raise PermissionDenied("This roster entry belongs to another office.")
    unchanged = not created and values == RosterValues.of(person) and person.office_id == office.pk
    if unchanged and user is None and linked_to is None:
        return person, False  # re-importing the same file is a no-op
    person.office = office
    if user is not None:
        person.user = user
    if linked_to is not None:
        if linked_to.pk == person.pk:
            raise ValidationError({"linked_to": "An entry cannot be linked to itself."})
        person.linked_to, person.relation_to_linked = linked_to, relation_to_linked
    changed = _write(person, values)
    audit_record(
        actor=actor,
        verb="roster.create" if created else "roster.update",
        target=person,
        data={"roster_id": roster_id, "fields": changed},
        actor_label=None if actor is not None else "system",
    )
    return person, created


@transaction.atomic
def person_link(
    *,
    actor: User,
    person: ProtectedPerson,
    username: str = "",
    family_of: str = "",
    relation: str = "",
) -> ProtectedPerson:
    """Link a roster entry to its staff account, or a family member to their officer's entry."""
    check(actor, Perm.ROSTER_MANAGE)
    person = ProtectedPerson.objects.select_for_update().get(pk=person.pk)
    if actor.office_id != person.office_id:
        raise PermissionDenied("This roster entry belongs to another office.")
    errors: dict[str, str] = {}
    user = None
    if username.strip():
        user = User.objects.filter(username=username.strip(), is_active=True).first()
        if user is None or user.office_id != person.office_id:
            errors["username"] = "No active account with that username in this office."
        elif ProtectedPerson.objects.filter(user=user).exclude(pk=person.pk).exists():
            errors["username"] = "That account is already linked to another roster entry."
    officer = None
    if family_of.strip():
        officer = ProtectedPerson.objects.filter(
            roster_id=family_of.strip(), office_id=person.office_id
        ).first()
        if officer is None or officer.pk == person.pk:
            errors["family_of"] = "No other roster entry with that id in this office."
        elif not relation.strip():
            errors["relation"] = "Say how the family member is related (spouse, son...)."
    if errors:
        raise ValidationError(errors)
    person.user = user
    person.linked_to, person.relation_to_linked = officer, relation.strip() if officer else ""
    person.save(update_fields=["user", "linked_to", "relation_to_linked", "updated_at"])
    audit_record(
        actor=actor,
        verb="roster.link",
        target=person,
        data={
            "roster_id": person.roster_id,
            "user": user.username if user else "",
            "family_of": officer.roster_id if officer else "",
        },
    )
    return person


@transaction.atomic
def person_correct_own(*, user: User, values: RosterValues) -> ProtectedPerson:
    """Let a protected person correct their own roster entry."""
    check(user, Perm.ROSTER_VIEW_OWN)
    person = ProtectedPerson.objects.select_for_update().filter(user=user).first()
    if person is None:
        raise PermissionDenied("You have no roster entry.")
    values = _clean(values)
    errors = values_errors(values)
    if errors:
        raise ValidationError(errors)
    changed = _write(person, values)
    audit_record(
        actor=user,
        verb="roster.correct_own",
        target=person,
        data={"roster_id": person.roster_id, "fields": changed},
    )
    return person


@transaction.atomic
def roster_rotate_keys(*, actor_label: str = "system") -> int:
    """Re-encrypt every roster value under the newest key and rehash under the matching key."""
    count = 0
    for person in ProtectedPerson.objects.select_for_update().order_by("pk"):
        # Reading decrypts with any key; saving encrypts with the first.
        person.save(update_fields=list(PERSONAL_FIELDS))
        _refresh_hashes(person)
        count += 1
    audit_record(
        actor=None, verb="roster.rotate_keys", data={"entries": count}, actor_label=actor_label
    )
    return count
