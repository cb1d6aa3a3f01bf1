"""Personal names in protected-only narratives (5 U.S.C. 552a(e)(7)): a pure library.

When every conduct chosen is protected activity, nothing about the people in it is kept, so a
narrative that names someone is refused (`incidents.services`) or has the names removed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from exposure.scanner.vocabulary import (
    DIRECTIONALS,
    NAME_PARTICLES,
    SPANISH_STREET_TYPES,
    STREET_TYPES,
)


# Personal names in protected-only narratives (5 U.S.C. 552a(e)(7)) ----------------------------
# A conservative detector over word tokens. A run of name-shaped words is reported when there is
# evidence it is a person, not a place or an agency:
# - a given name from the public vocabulary (`nicknames` plus the curated Spanish hypocorisms in
#   exposure/scanner/vocabulary.py, plus _MORE_GIVEN_NAMES) followed by a surname written
#   "Whitlock" or "WHITLOCK", optionally after a middle initial ("Dana R. Whitlock") or lower-case
#   particles ("Ana de la Cruz", "Pedro del Valle");
# - "FAMILY, Given" ("WHITLOCK, Dana"), the records form, with a given name from that vocabulary;
# - any capitalised word + middle initial + surname ("Xochitl M. Barragán"), or + a surname of the
#   Spanish patronymic shape (-ez, -iz, -oz, -az: "Itzel Ordaz"), for given names no list holds;
# - a courtesy title + a capitalised word ("Mr. Whitlock", "Sra. Quintero", "Señora Barragán");
# - a capitalised word after "a woman named", "se llama", "his name is"...
# Everyday capitalised words (days, months, agencies, states, street and building words) are never
# a surname, and a run is skipped when a place word comes just before it ("Calle", "San",
# "Avenida") or right after it ("Rosa Parks Boulevard", "Ben Franklin Elementary"), since streets
# and schools named after people are not people. It cannot find every name; the form still asks
# for none, and a missed name is the reporter's to take out.
def _fold(text: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower().split())


def _words(text: str) -> frozenset[str]:
    return frozenset(_fold(text).split())


_TITLE_NAME = re.compile(
    r"\b(?:Mr|Mrs|Ms|Miss|Mx|Sr|Sra|Srta|Don|Doña|Dr|Dra|Señor|Señora|Señorita|Doctor|Doctora)"
    r"\.?\s+([A-ZÁÉÍÓÚÑÜ][\w'\u2019-]+(?:\s+[A-ZÁÉÍÓÚÑÜ][\w'\u2019-]+)?)"
)
# Given names in the vocabulary that are also common English or Spanish words (or too short to
# tell); they never start a name on their own evidence.
_GIVEN_NAME_WORDS = _words(
    """
    al ant app art bat bill chuck con day del di dot ed el es gay gum ham hop hub ill jr king lib
    mac may mark mc nap one ode pat pip ray rich rob see sis sly sol sue van vet will win joy june
    frank sandy chance hope faith grace rose dawn ivy lee jay val buck bud cliff dean dick gene
    hal lou lu major mal max miles nat neil ned norm pete penny rod ron sal sid stu ted tom wade
    mercedes dolores socorro amparo soledad esperanza consuelo paz luz rey coco chico chica mon
    tin paro mando lancha concha cheque vale polo fina tito sole mila pita isa victoria trinidad
    pilar angel cruz santa
    """
)
# Given names the public vocabulary lacks (common in the United States and Mexico), so that the
# commonest names need no other evidence. Words that are also everyday words are left out.
# (Kept here rather than in exposure/scanner/vocabulary.py: public_given_names() there also
# decides how the exposure index reads a roster name's second word.)
_MORE_GIVEN_NAMES = _words(
    """
    xochitl itzel citlali nayeli yesenia yadira maricela araceli aracely marisela arely yareli
    anahi esmeralda rubi lorena silvia oscar hugo omar ulises efrain erik brayan cristian
    brandon adam tyler jasmine jayden aiden ethan logan liam ava mia camila renata fernanda paola
    monserrat nohemi noemi zulema zoraida yuridia xiomara tania tatiana susana rebeca raquel olga
    mayra marlene maribel lizbeth liliana karina julieta jazmin ingrid gisela fatima estela elvia
    denise berenice azucena aida alondra fabian marco marcos mario rene ruben teodoro uriel
    wilfredo xavier yahir zacarias alonso cesar dario leonel mateo matias nestor pablo ramiro
    rolando tadeo jairo osvaldo horacio brent chad cody dustin travis trevor colton jared blake
    brooke bailey ariana bianca cheyenne chelsea whitney shelby taylor kylie dylan devin kyle
    sean shane dana jason keith jesse bruce wayne karen ruth craig todd troy bethany haley
    kelsey shannon tara renee michele kristina tanya tonya jada aaliyah imani deshawn darnell
    tyrone jamal malik terrell latoya keisha tamika holly abigail yesica yajaira kenia lucero
    marlen minerva noelia reyna rosalba
    sandra sonia yazmin yolotl tonatiuh cuauhtli nezahualcoyotl itzayana ameyalli atzin
    """
)
# Capitalised words that are not surnames: places, agencies, calendar, vehicles, street words.
_NOT_SURNAMES = DIRECTIONALS | _words(
    """
    street st avenue ave road rd boulevard blvd lane ln drive dr court ct place way park square
    plaza highway church school hospital county city station center centre office building
    officer officers agent agents deputy sergeant detective captain trooper marshal marshals
    police sheriff department the and but or ice fbi dhs usa us cbp hsi ero dea atf doj uscis
    monday tuesday wednesday thursday friday saturday sunday january february march april june
    july august september october november december federal national state border patrol
    homeland security customs immigration enforcement guard bureau service services protection
    investigations court courthouse hall house market bank alert benz jr sr ii iii iv cristo
    calle avenida carretera parque plaza iglesia escuela oficina agente agentes oficial policía
    lunes martes miércoles jueves viernes sábado domingo patrulla fronteriza migración municipal
    estatal guardia nacional gobierno centro norte sur oriente poniente estados unidos
    alabama alaska arizona arkansas california colorado connecticut delaware florida georgia
    hawaii idaho illinois indiana iowa kansas kentucky louisiana maine maryland massachusetts
    michigan minnesota mississippi missouri montana nebraska nevada hampshire jersey mexico york
    carolina dakota ohio oklahoma oregon pennsylvania rhode tennessee texas utah vermont virginia
    washington wisconsin wyoming méxico llc plc inc corp co ltd suite apt unit seguridad
    pública público publica publico general civil señor señora señorita nuestra nuestro
    en los las el la de del y con por para un una in on at of for from to by with a an
    """
)
# A run of name-shaped words right after one of these is a place or a business, not a person
# ("San Pedro Street", "Calle Guadalupe Victoria", "Escuela Emiliano Zapata").
_PLACE_BEFORE = _words(
    """
        san santa santo saint st fort ft port mount mt lake calle avenida av avda paseo
        boulevard blvd plaza parque colonia col escuela iglesia hospital puente villa ciudad
        estado mercado panadería taquería tienda farmacia restaurante carnicería lavandería
        tortillería frutería abarrotes edificio instituto universidad colegio hotel café cafe
        los las el la nuevo nueva new puerto bahía isla río cerro valle sierra lago monte punta
        downtown uptown midtown greater industrias grupo despacho vieja viejo república islas
        """
) | frozenset(word for word in SPANISH_STREET_TYPES if " " not in word)
_PLACE_NOUNS = _words(
    "calle avenida colonia parque escuela estación metro plaza mercado hospital iglesia puente "
    "barrio street avenue station"
)
# A run right before one of these is a street, building or school named after someone.
_PLACE_AFTER = STREET_TYPES | _words(
    """
    building buildings school elementary middle high academy college university library hospital
    church cathedral chapel airport stadium memorial hall courthouse museum center centre
    federal plaza bridge station park market apartments tower towers theater theatre
    """
)
# Street words that are also common surnames ("Dana Hill", "Lisa Brooks").
_STREET_SURNAMES = _words(
    "brook brooks camp cliff ford fields glen green grove hill hills lake lane mill mills park "
    "spring springs wells banks cross rivers"
)
_PARTICLES = NAME_PARTICLES
_PERSON_CUE = re.compile(
    r"\b(?:(?:man|woman|person|guy|lady|girl|boy|teen|teenager|kid|hombre|mujer|persona|señor"
    r"|señora|joven|chic[oa]|muchach[oa]|niñ[oa])\s+(?:named|called|llamad[oa])"
    r"|(?:his|her|their)\s+name\s+(?:is|was)|se\s+llama(?:ba)?|su\s+nombre\s+(?:es|era))\s+$",
    re.IGNORECASE,
)
_TOKEN = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*\.?|\S")
_SENTENCE_END = frozenset('.!?¿¡:;"“”()')
# Surname shapes, for given names no list holds: Spanish patronymics ("Ordaz", "Ortiz"), accented
# Spanish surnames ("Barragán", "Ríos"), "-son" ("Tillsworthson"), "Mc"/"Mac"/"O'" ("McAllister").
_SURNAME_SHAPE = re.compile(
    r"^(?:\w{3,}(?:[eiao]z|son)|\w*[áéíóúñÁÉÍÓÚÑ]\w*|Ma?c[A-Z]\w{2,}|O['\u2019][A-Z]\w+)$"
)


@dataclass(frozen=True)
class _Token:
    text: str  # without a trailing full stop or possessive
    start: int
    end: int
    dot: bool  # followed by a full stop ("R.")

    @property
    def folded(self) -> str:
        return _fold(self.text)

    @property
    def is_title(self) -> bool:  # "Whitlock", "McAllister", "O'Brien", "Gutiérrez-Salas"
        return self.text[:1].isupper() and any(c.islower() for c in self.text[1:])

    @property
    def is_caps(self) -> bool:  # "WHITLOCK", "BARRAGÁN" (three letters or more)
        return len(self.text) >= 3 and self.text.isupper() and self.text.isalpha()

    @property
    def is_initial(self) -> bool:
        return len(self.text) == 1 and self.text.isupper() and self.dot

    @property
    def is_particle(self) -> bool:
        return self.text in _PARTICLES  # lower case only: "Los Angeles" is a place

    @property
    def is_surname(self) -> bool:
        return (self.is_title or self.is_caps) and self.folded not in _NOT_SURNAMES


def _tokens(text: str) -> list[_Token]:
    tokens = []
    for match in _TOKEN.finditer(text):
        word, end = match.group(0), match.end()
        dot = word.endswith(".") and len(word) > 1
        if dot:
            word, end = word[:-1], end - 1
        for possessive in ("'s", "\u2019s"):
            if word.endswith(possessive) and len(word) > 3:
                word, end = word[: -len(possessive)], end - len(possessive)
        tokens.append(_Token(word, match.start(), end, dot))
    return tokens


@lru_cache(maxsize=1)
def _given_names() -> frozenset[str]:
    """Given names (formal and familiar): the public vocabulary and `nicknames`, folded."""
    from nicknames import name_triplets

    from exposure.scanner.vocabulary import public_given_names

    names = {_fold(name) for name in public_given_names()}
    for triplet in name_triplets():
        names.add(_fold(triplet.name1))
        names.add(_fold(triplet.name2))
    names |= _MORE_GIVEN_NAMES
    return frozenset(n for n in names if len(n) > 2) - _GIVEN_NAME_WORDS - _NOT_SURNAMES


def _is_given(token: _Token) -> bool:
    return token.is_title and token.folded in _given_names()


def _name_run(tokens: list[_Token], i: int) -> tuple[int, bool, bool]:
    """From tokens[i], return the end index of a name run (given, initial, particles, surnames)
    and whether it had a middle initial and a Spanish-patronymic or capitals surname."""
    j = i + 1
    initial = False
    if j < len(tokens) and tokens[j].is_initial:
        initial, j = True, j + 1
    k = j
    while k < len(tokens) and k - j < 3 and tokens[k].is_particle:
        k += 1
    # A full stop ends the run, except after a middle initial ("Dana. The officer..." is not one).
    stops = [t.dot for t in tokens[i:k] if not t.is_initial]
    if k == len(tokens) or not tokens[k].is_surname or any(stops):
        return i + 1, False, False
    end = k + 1
    # A second given name or second surname ("José Luis Pacheco Ibarra", "Rosa Ríos Olvera").
    while (
        end < len(tokens)
        and end - k < 3
        and tokens[end].is_surname
        and tokens[end].folded not in _PLACE_AFTER
        and not tokens[end - 1].dot
    ):
        end += 1
    shaped = any(
        t.is_caps or (_SURNAME_SHAPE.match(t.text) and not t.folded.endswith(("cion", "sion")))
        for t in tokens[k:end]
    )  # "Servicio de Inmigración", "Comisión" are institutions
    return end, initial, shaped


def _near_place(tokens: list[_Token], start: int, end: int) -> bool:
    before = tokens[start - 1] if start > 0 else None
    if before and before.text.isdigit():
        return True  # "825 Garrett Circle": a street address
    if before and before.is_particle and start > 1 and tokens[start - 2].is_title:
        return True  # "Veracruz de Ignacio de la Llave", "Ciudad de Benito Juárez": a place
    if tokens[end - 1].folded in STREET_TYPES - _STREET_SURNAMES:
        return True  # "Jennifer Forest", "Samuel Walks": a street
    # Capitalised only: "Los Angeles" and "El Paso" are places, "de la Cruz" is a name, and
    # Spanish writes "la calle Cinco de Mayo" in lower case.
    if before and before.folded in _PLACE_BEFORE and (before.is_title or before.is_caps):
        return True
    if before and before.folded in _PLACE_NOUNS:  # "la calle Benito Juárez", "estación Pino Suárez"
        return True
    following = tokens[end : end + 2]
    if not following or not (following[0].is_title or following[0].is_caps):
        return False
    if following[0].folded in _PLACE_AFTER:
        return True
    second = following[1] if len(following) > 1 else None
    return bool(second and (second.is_title or second.is_caps) and second.folded in _PLACE_AFTER)


def find_personal_names(text: str, allowed_names: Iterable[str] = ()) -> list[str]:
    """Return the personal names found in text (in order, once each), except the allowed ones.

    `allowed_names` are officers' own names (victims that are users, users of the office): a
    name matches when its words are all words of an allowed name ("Officer Dana Whitlock" allows
    "Dana Whitlock" and "Mr. Whitlock"). Middle initials are not compared.
    """
    text = text or ""
    allowed_words = [set(_fold(name).split()) for name in allowed_names if name and name.strip()]

    def is_allowed(found: str) -> bool:
        words = {w for w in re.findall(r"\w+", _fold(found)) if len(w) > 1}
        return any(words <= allowed for allowed in allowed_words)

    found: dict[str, None] = {}
    for match in _TITLE_NAME.finditer(text):
        if _fold(match.group(1).split()[0]) in _NOT_SURNAMES:
            continue
        if not is_allowed(match.group(1)):
            found[match.group(0)] = None
    titled = list(found)

    tokens = _tokens(text)
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(tokens):
        token, end = tokens[i], i + 1
        if token.is_title and token.folded not in _NOT_SURNAMES | _PLACE_BEFORE:
            run_end, initial, shaped = _name_run(tokens, i)
            cue = bool(_PERSON_CUE.search(text[max(0, token.start - 40) : token.start]))
            if run_end > i + 1 and (_is_given(token) or initial or shaped or cue):
                end = run_end
            elif cue:
                end = i + 1
            if end > i + 1 or cue:
                if not _near_place(tokens, i, end):
                    spans.append((i, end))
                i = end
                continue
        elif (
            token.is_caps
            and token.folded not in _NOT_SURNAMES
            and i + 2 < len(tokens)
            and tokens[i + 1].text == ","
            and _is_given(tokens[i + 2])
        ):
            # "WHITLOCK, Dana": the records form, family name first.
            end = i + 3 + (i + 3 < len(tokens) and tokens[i + 3].is_initial)
            spans.append((i, end))
            i = end
            continue
        i += 1

    for start, end in spans:
        last = tokens[end - 1]
        name = text[tokens[start].start : last.end + (1 if last.is_initial else 0)]
        if not is_allowed(name) and not any(name in f or f in name for f in titled):
            found[name] = None
    return list(found)


def redact_personal_names(text: str, allowed_names: Iterable[str] = ()) -> tuple[str, int]:
    """Replace the names `find_personal_names` finds with a placeholder; return text, count."""
    names = find_personal_names(text, allowed_names)
    for name in sorted(names, key=len, reverse=True):
        pattern = r"\s+".join(re.escape(word) for word in name.split())
        text = re.sub(rf"(?<!\w){pattern}(?!\w)", "[name removed]", text)
    return text, len(names)
