"""Canonical keys of single identifiers, shared by index build and scanning.

Every function here takes text already folded by ``normalise.fold`` (lower
case ASCII) and returns the canonical string that gets hashed, or ``None``
when the text is not an identifier of that kind. Using the same function on
both sides is what makes an OCR-damaged candidate meet its clean roster value.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import phonenumbers

from .normalise import canonical_email, fold_digits, name_tokens
from .vocabulary import DIRECTIONALS, SPANISH_STREET_TYPES, STREET_TYPES, UNIT_WORDS

_OCR_CLASSES = {
    "o": "[o0]",
    "i": "[il1|]",
    "l": "[il1|]",
    "s": "[s5]",
    "b": "[b8]",
    "m": "(?:m|rn)",
    " ": " +",
}


def ocr_tolerant(word: str) -> str:
    """Return a regex matching a fixed word with OCR look-alikes (0/O, 1/l/I, 5/S, 8/B, rn/m)."""
    return "".join(_OCR_CLASSES.get(char, re.escape(char)) for char in word)


def _alternation(words: object) -> str:
    return "|".join(ocr_tolerant(word) for word in sorted(words, key=len, reverse=True))  # type: ignore[call-overload]


TYPE_ALTERNATION = _alternation(STREET_TYPES)
ES_TYPE_ALTERNATION = _alternation(SPANISH_STREET_TYPES)
_TYPE_ALTERNATION, _ES_TYPE_ALTERNATION = TYPE_ALTERNATION, ES_TYPE_ALTERNATION
# Abbreviation -> one spelling, so "Maple Ave" and "Maple Avenue" share a street key.
_TYPE_SPELLINGS = {
    "st": "street",
    "str": "street",
    "ave": "avenue",
    "av": "avenue",
    "aue": "avenue",
    "rd": "road",
    "dr": "drive",
    "ln": "lane",
    "ct": "court",
    "blvd": "boulevard",
    "pl": "place",
    "cir": "circle",
    "pkwy": "parkway",
    "hwy": "highway",
    "trl": "trail",
    "ter": "terrace",
    "sq": "square",
    "cv": "cove",
    "xing": "crossing",
    "expy": "expressway",
    "fwy": "freeway",
    "gdns": "gardens",
    "hts": "heights",
    "pt": "point",
    "plz": "plaza",
    "wy": "way",
    "brg": "bridge",
    "aly": "alley",
    # "Av. Juárez" is "Avenida Juárez" is "Juarez Avenue": one type.
    "avda": "avenue",
    "avenida": "avenue",
    "calz": "calzada",
    "priv": "privada",
    "prol": "prolongacion",
}
_CANONICAL_TYPE_SPELLINGS = {
    " ".join(name_tokens(short)): " ".join(name_tokens(full))
    for short, full in _TYPE_SPELLINGS.items()
}


def street_type(raw: str) -> str:
    """Return the canonical spelling of a street type word ("Ave." -> "avenue")."""
    canonical = " ".join(name_tokens(raw))
    return _CANONICAL_TYPE_SPELLINGS.get(canonical, canonical)


_CANONICAL_TYPES = frozenset(" ".join(name_tokens(word)) for word in STREET_TYPES)
_CANONICAL_DIRECTIONALS = frozenset(" ".join(name_tokens(word)) for word in DIRECTIONALS)
_CANONICAL_UNITS = frozenset(" ".join(name_tokens(word)) for word in UNIT_WORDS)

# A house number with OCR look-alikes allowed around at least one real digit.
HOUSE_NUMBER = r"[0-9oilsb]{0,5}[0-9][0-9oilsb]{0,5}"

ENGLISH_ADDRESS = re.compile(
    rf"(?<![a-z0-9])({HOUSE_NUMBER})[a-z]?[\s,]+((?:[a-z0-9.'\-|]+[\s,]+){{1,5}}?)"
    rf"({_TYPE_ALTERNATION})(?![a-z0-9])"
)
SPANISH_ADDRESS = re.compile(
    rf"(?<![a-z0-9])({_ES_TYPE_ALTERNATION})\.?\s+((?:[a-z0-9.'\-|]+\s+){{0,5}}?)"
    rf"(?:(?:numero|num|no|nro|n)\.?\s*|#\s*)?#?\s*({HOUSE_NUMBER})(?![a-z0-9])"
)
# A street named without a number: "lives on Maple Avenue", "en la calle Hidalgo".
STREET_ONLY = re.compile(
    rf"(?<![a-z0-9])((?:[a-z0-9.'\-]+\s+){{1,3}}?)({_TYPE_ALTERNATION})(?![a-z0-9])"
    rf"|(?<![a-z0-9])({_ES_TYPE_ALTERNATION})\.?\s+((?:[a-z.'\-]+\s*){{1,3}})"
)

_STOP_WORDS = frozenset({"on", "the", "at", "in", "of", "la", "el", "de", "del", "en", "and", "y"})
_SPANISH_PARTICLES = frozenset({"de", "del", "la", "las", "los"})


_WORD_CACHE_LIMIT = 200_000
_word_tokens_cache: dict[str, tuple[str, ...]] = {}
_word_info_cache: dict[str, tuple[str, tuple[str, ...], str | None]] = {}


# Numbered streets ("W 3rd St", "Fifth Avenue", "42nd Street"): the letters
# view would keep only "rd" (a street type) or "th", so an ordinal word gets a
# token of its own, the same for digits and spelled forms ("3rd" = "third").
_ORDINAL = re.compile(r"([0-9oilsbz]{0,2}[0-9])(?:st|nd|rd|th|d)")
_SPELLED_ORDINALS = {
    word: str(number)
    for number, word in enumerate(
        [
            "first",
            "second",
            "third",
            "fourth",
            "fifth",
            "sixth",
            "seventh",
            "eighth",
            "ninth",
            "tenth",
            "eleventh",
            "twelfth",
        ],
        start=1,
    )
}


def word_tokens(word: str) -> tuple[str, ...]:
    """Return ``name_tokens`` of one address word, memoised (address words recur)."""
    found = _word_tokens_cache.get(word)
    if found is None:
        if len(_word_tokens_cache) >= _WORD_CACHE_LIMIT:
            _word_tokens_cache.clear()
        bare = word.strip(".,'")
        ordinal = _ORDINAL.fullmatch(bare)
        if ordinal:
            found = (f"#{int(fold_digits(ordinal.group(1)))}",)
        elif bare in _SPELLED_ORDINALS:
            found = (f"#{_SPELLED_ORDINALS[bare]}",)
        else:
            found = tuple(name_tokens(word))
        _word_tokens_cache[word] = found
    return found


def _word_info(word: str) -> tuple[str, tuple[str, ...], str | None]:
    """Return (key, tokens, house number group or None) of one address word, memoised."""
    found = _word_info_cache.get(word)
    if found is None:
        if len(_word_info_cache) >= _WORD_CACHE_LIMIT:
            _word_info_cache.clear()
        tokens = word_tokens(word)
        number = _HOUSE_NUMBER.fullmatch(word.strip(".,"))
        found = (" ".join(tokens), tokens, number.group(1) if number else None)
        _word_info_cache[word] = found
    return found


def street_core(words: str) -> str | None:
    """Return the canonical street name: no directionals, type or unit words."""
    return _street_core_tokens(name_tokens(words))


def _street_core_tokens(all_tokens: Iterable[str]) -> str | None:
    tokens: list[str] = []
    directionals: list[str] = []
    for token in all_tokens:
        if token in _CANONICAL_UNITS:
            break
        if token in _CANONICAL_DIRECTIONALS:
            directionals.append(token)
            continue
        if token in _CANONICAL_TYPES and tokens:
            continue
        tokens.append(token)
    # "West Throughway": the directional is the name itself.
    return " ".join(tokens or directionals) or None


def _core_of(infos: Iterable[tuple[str, tuple[str, ...], str | None]]) -> str | None:
    return _street_core_tokens(token for info in infos for token in info[1])


def _type_of(key: str) -> str:
    return _CANONICAL_TYPE_SPELLINGS.get(key, key)


def house_number(raw: str) -> str:
    """Return the canonical house number: look-alikes folded, digits only."""
    return "".join(char for char in fold_digits(raw) if char.isdigit()).lstrip("0") or "0"


_ADDRESS_WORD = re.compile(r"[a-z0-9.'|#\-]+")
_HOUSE_NUMBER = re.compile(rf"#?({HOUSE_NUMBER})[a-z]?")
_NUMBER_MARKERS = frozenset({"numero", "num", "no", "nro", "n", "#", "no.", "num.", "n."})


def iter_addresses(folded: str, offset: int = 0) -> Iterator[tuple[str, str, str, int, int]]:
    """Yield (house number, street core, street type, start, end) per address.

    Works on words with set lookups: "1423 N Maple Ave" (number, one to five
    words, type) and "Calle Hidalgo [número] 45" (type, words, number). The
    equivalent regex with ~230 OCR-tolerant type words costs ~170 µs per window
    in ``re``; this costs a few µs.
    """
    words = [
        (match.group(), match.start(), match.end()) for match in _ADDRESS_WORD.finditer(folded)
    ]
    infos = [_word_info(word) for word, _s, _e in words]
    count = len(words)
    for i in range(count):
        key, _tokens, number = infos[i]
        word_start = words[i][1]
        if number is not None and (i == 0 or words[i - 1][2] < word_start):
            # English: the type is the first type word after at least one word.
            for j in range(i + 2, min(i + 7, count)):
                if infos[j][0] in _CANONICAL_TYPES:
                    core = _core_of(infos[i + 1 : j])
                    if core:
                        yield (
                            house_number(number),
                            core,
                            _type_of(infos[j][0]),
                            offset + word_start,
                            offset + words[j][2],
                        )
                    break
            if i + 2 < count and infos[i + 1][0] in _CANONICAL_ES_TYPES:
                # US Spanish street names after the number: "1234 Calle Roble, San
                # Antonio", "88 Camino del Mar Apt 2": the name is the one to three
                # words after the type, up to a comma, a unit word or a number.
                kind = _type_of(infos[i + 1][0])
                for last in range(i + 2, min(i + 5, count)):
                    if last > i + 2 and "," in folded[words[last - 1][2] : words[last][1]]:
                        break
                    if infos[last][0] in _CANONICAL_UNITS or infos[last][2] is not None:
                        break
                    if words[last][0] in _SPANISH_PARTICLES:
                        continue  # "Camino del ...": a name does not end with a particle
                    core = _core_of(infos[i + 2 : last + 1])
                    if core:
                        yield (
                            house_number(number),
                            core,
                            kind,
                            offset + word_start,
                            offset + words[last][2],
                        )
        if key in _CANONICAL_ES_TYPES or (
            key == "eje" and i + 1 < count and infos[i + 1][0] == "vlal"
        ):
            first_name_word = i + (2 if key == "eje" else 1)
            for j in range(first_name_word + 1, min(first_name_word + 7, count)):
                later_number = infos[j][2]
                if later_number is not None and any(char.isdigit() for char in words[j][0]):
                    core = _core_of(
                        infos[k]
                        for k in range(first_name_word, j)
                        if words[k][0].strip(".") not in _NUMBER_MARKERS
                    )
                    if core:
                        yield (
                            house_number(later_number),
                            core,
                            _type_of(key),
                            offset + word_start,
                            offset + words[j][2],
                        )
                    break


_STREET_WORD = re.compile(r"[a-z0-9.'|\-]+")
_CANONICAL_ES_TYPES = frozenset(
    " ".join(name_tokens(word)) for word in SPANISH_STREET_TYPES if " " not in word
)


def iter_streets(
    folded: str, start: int = 0, end: int | None = None
) -> Iterator[tuple[str, int, int]]:
    """Yield ("core type" street key, start, end) for streets named without a number.

    Works token by token (a set lookup per word) rather than with the big
    street-type alternation, which costs milliseconds per 10 KB in ``re``.
    """
    words = [
        (match.group(), match.start(), match.end())
        for match in _STREET_WORD.finditer(folded, start, len(folded) if end is None else end)
    ]
    tokens = [word_tokens(word) for word, _s, _e in words]
    for i, word_tokens_i in enumerate(tokens):
        word_key = " ".join(word_tokens_i)
        if word_key in _CANONICAL_TYPES and i > 0:
            kind = _type_of(word_key)
            # "lives on Maple Ave": the name is the one to three words before.
            for length in range(1, min(3, i) + 1):
                first = i - length
                if words[first][0] in _STOP_WORDS:
                    break
                core = _street_core_tokens(token for item in tokens[first:i] for token in item)
                if core:
                    yield f"{core} {kind}", words[first][1], words[i][2]
        if word_key in _CANONICAL_ES_TYPES and i + 1 < len(words):
            kind = _type_of(word_key)
            # "en la calle Hidalgo": the name is the one to three words after;
            # "de", "del", "la" may join them ("calle Cinco de Mayo").
            for length in range(1, min(4, len(words) - i - 1) + 1):
                last = i + length
                if words[last][0] in _STOP_WORDS:
                    if length > 1 and words[last][0] in _SPANISH_PARTICLES:
                        continue
                    break
                core = _street_core_tokens(
                    token for item in tokens[i + 1 : last + 1] for token in item
                )
                if core:
                    yield f"{core} {kind}", words[i][1], words[last][2]


def address_key(folded: str) -> tuple[str, str, str] | None:
    """Return (house number, street core, street type) of a roster address, or None."""
    for number, core, kind, _start, _end in iter_addresses(folded):
        return number, core, kind
    return None


_EXTENSION = re.compile(r"\s*(?:x|ext\.?|extension)\s*[0-9]")


def phone_key(raw: str) -> str | None:
    """Return the E.164 form of a phone number written in any common format."""
    raw = _EXTENSION.split(raw, maxsplit=1)[0]
    digits = "".join(char for char in fold_digits(raw) if char.isdigit())
    international = raw.lstrip().startswith("+")
    if not international:
        # North American numbers: 10 digits, 11 with the trunk prefix 1, or 13
        # with the international prefix 001. Other lengths keep their digits.
        if len(digits) == 13 and digits.startswith("001"):
            digits = digits[3:]
        if len(digits) == 11 and digits[0] == "1":
            digits = digits[1:]
        if len(digits) == 10:
            return "+1" + digits
        if 11 <= len(digits) <= 13:
            return "digits:" + digits
        return None
    try:
        number = phonenumbers.parse("+" + digits, None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


_AT = re.compile(r"\s*(?:\(\s*at\s*\)|\[\s*at\s*\]|\{\s*at\s*\}|<\s*at\s*>|\s(?:at|arroba)\s|@)\s*")
_DOT = re.compile(
    r"\s*(?:\(\s*dot\s*\)|\[\s*dot\s*\]|\{\s*dot\s*\}|<\s*dot\s*>|\s(?:dot|punto)\s|\.)\s*"
)


def email_key(raw: str) -> str | None:
    """Return the canonical form of an e-mail, undoing "at"/"dot" spellings."""
    text = _AT.sub("@", " " + raw.strip() + " ", count=1).strip()
    if text.count("@") != 1:
        return None
    local, domain = text.split("@")
    domain = _DOT.sub(".", " " + domain + " ").strip()
    local = local.strip()
    if not local or "." not in domain or " " in local or " " in domain:
        return None
    return canonical_email(local + "@" + domain)
