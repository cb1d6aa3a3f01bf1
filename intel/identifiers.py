"""Normalise identifiers so one phone, plate, handle or name written differently matches itself.

Pure functions, no database. A subject's identifiers and those reported in incidents are stored in
normalised form; link proposals compare the normalised values (and, for names, `name_keys`).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import phonenumbers
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    PHONE = "phone", _("Phone number")
    EMAIL = "email", _("Email address")
    HANDLE = "handle", _("Online handle")
    PLATE = "plate", _("Vehicle plate")
    NAME = "name", _("Name or alias")


class Platform(models.TextChoices):
    X = "x", _("X (Twitter)")
    INSTAGRAM = "instagram", _("Instagram")
    FACEBOOK = "facebook", _("Facebook")
    TIKTOK = "tiktok", _("TikTok")
    TELEGRAM = "telegram", _("Telegram")
    REDDIT = "reddit", _("Reddit")
    OTHER = "other", _("Other")


DEFAULT_REGION = "US"

# Characters that read alike on a plate (and get confused by witnesses and plate readers).
_PLATE_FOLD = str.maketrans({"O": "0", "Q": "0", "I": "1", "L": "1", "Z": "2", "S": "5", "B": "8"})


def fold_accents(text: str) -> str:
    """Return text lower-cased with accents removed ("José" -> "jose")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def normalize_phone(raw: str, region: str = DEFAULT_REGION) -> str:
    """Return the number in E.164 ("(555) 010-0123" -> "+15550100123")."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(_("“%(raw)s” is not a phone number."), params={"raw": raw}) from exc
    # 555-01xx numbers are fictional and "not valid"; a possible number is enough to match on.
    if not phonenumbers.is_possible_number(number):
        raise ValidationError(_("“%(raw)s” is not a phone number."), params={"raw": raw})
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_email(raw: str) -> str:
    value = raw.strip().casefold()
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
        raise ValidationError(_("“%(raw)s” is not an email address."), params={"raw": raw})
    return value


def normalize_plate(raw: str) -> str:
    """Return the plate without spaces and dashes, with look-alike characters folded."""
    value = re.sub(r"[\s\-·.]", "", fold_accents(raw)).upper().translate(_PLATE_FOLD)
    if not value.isalnum() or not 2 <= len(value) <= 10:
        raise ValidationError(_("“%(raw)s” is not a vehicle plate."), params={"raw": raw})
    return value


def normalize_handle(raw: str, platform: str) -> str:
    """Return "platform:handle", lower-cased, without a leading @ or profile URL."""
    if platform not in Platform.values:
        raise ValidationError(_("Choose the platform of the handle."))
    value = raw.strip()
    value = re.sub(r"^https?://(www\.)?[^/]+/", "", value).strip("/")
    value = value.lstrip("@").casefold()
    if not value or re.search(r"\s", value):
        raise ValidationError(_("“%(raw)s” is not an online handle."), params={"raw": raw})
    return f"{platform}:{value}"


def normalize_name(raw: str) -> str:
    """Return the name accent-folded, lower-cased, punctuation dropped, spaces collapsed."""
    value = re.sub(r"[^\w\s]", " ", fold_accents(raw))
    value = " ".join(value.split())
    if not value:
        raise ValidationError(_("Enter a name."))
    return value


@lru_cache(maxsize=1)
def _namer():
    from nicknames import NickNamer

    return NickNamer()


def given_name_forms(given: str) -> frozenset[str]:
    """Return the given name with its formal names and nicknames ("bob" -> robert, bobby...)."""
    namer = _namer()
    forms = {given} | set(namer.canonicals_of(given))
    if len(given) > 1:
        forms |= set(namer.nicknames_of(given))
    return frozenset(forms)


def name_keys(normalized: str) -> frozenset[str]:
    """Return the folded keys a name matches on: every form of the given name + the surname."""
    parts = normalized.split()
    if len(parts) < 2:
        return frozenset(parts)
    given, surname = parts[0], parts[-1]
    return frozenset(f"{form} {surname}" for form in given_name_forms(given))


def surname_key(kind: str, normalized: str) -> str:
    """Return the indexed key a name is looked up by: its last word ("" for other kinds).

    Two names can match only if their last words are equal (`name_keys` pairs every given-name
    form with the surname, and a one-word name only matches itself), so an exact, indexed match
    on this key finds every candidate; `names_match` then decides.
    """
    if kind != Kind.NAME or not normalized.split():
        return ""
    return normalized.split()[-1]


def names_match(a: str, b: str) -> bool:
    """Return whether two names (raw or normalised) can be the same person's."""
    return bool(name_keys(normalize_name(a)) & name_keys(normalize_name(b)))


# The width of the normalized columns (intel.Identifier, cases.IncidentIdentifier).
MAX_NORMALIZED_LENGTH = 300


def normalize(kind: str, raw: str, platform: str = "") -> str:
    """Return the normalised value of an identifier of the given kind (ValidationError if bad)."""
    normalized = _normalize(kind, raw, platform)
    # Bad input gets a clear error, not a database error: the value must fit its column.
    if len(normalized) > MAX_NORMALIZED_LENGTH:
        raise ValidationError(
            _("This identifier is too long (at most %(n)d characters).")
            % {"n": MAX_NORMALIZED_LENGTH}
        )
    return normalized


def _normalize(kind: str, raw: str, platform: str) -> str:
    if not raw or not raw.strip():
        raise ValidationError(_("Enter a value."))
    if kind == Kind.PHONE:
        return normalize_phone(raw)
    if kind == Kind.EMAIL:
        return normalize_email(raw)
    if kind == Kind.PLATE:
        return normalize_plate(raw)
    if kind == Kind.HANDLE:
        return normalize_handle(raw, platform)
    if kind == Kind.NAME:
        return normalize_name(raw)
    raise ValidationError(_("Unknown identifier kind."))
