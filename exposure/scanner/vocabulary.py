"""Public word lists the scanner relies on: nicknames, street words, triggers.

Nothing here comes from a roster. The given-name vocabulary is public (the
``nicknames`` package, mined from genealogy records, plus the curated Spanish
hypocorisms below, which that package lacks entirely). The index builder uses
it to expand roster given names into their nicknames.
"""

from __future__ import annotations

import csv
import functools
from importlib import resources

# Surname particles: written in lower case inside a name ("Reina del Valle",
# "Ana de la Cruz", "Pieter van Dijk"); never a surname on their own.
NAME_PARTICLES = frozenset(
    {
        "de",
        "del",
        "la",
        "las",
        "los",
        "da",
        "das",
        "do",
        "dos",
        "di",
        "van",
        "von",
        "der",
        "den",
        "le",
    }
)

# Spanish hypocorisms (formal name -> familiar forms). The `nicknames` package
# has no Spanish pairs (research note A4); flyers in Spanish use these forms.
SPANISH_HYPOCORISMS: dict[str, tuple[str, ...]] = {
    "jose": ("pepe", "chepe", "pepito", "joselito", "cheo"),
    "francisco": ("paco", "pancho", "kiko", "paquito", "curro", "frank", "chico"),
    "jesus": ("chuy", "chucho", "chus", "chuyito"),
    "guadalupe": ("lupe", "lupita", "pita"),
    "ignacio": ("nacho", "nachito"),
    "guillermo": ("memo", "guille", "memito"),
    "alberto": ("beto", "tito"),
    "roberto": ("beto", "robe", "tito"),
    "humberto": ("beto",),
    "heriberto": ("beto",),
    "norberto": ("beto",),
    "filiberto": ("beto",),
    "gilberto": ("beto", "gil"),
    "enrique": ("kike", "quique"),
    "manuel": ("manolo", "manny", "lolo", "meme"),
    "antonio": ("tono", "tony", "nono", "tonio"),
    "eduardo": ("lalo", "eddie", "edu"),
    "gerardo": ("jerry", "gera"),
    "alejandro": ("alex", "ale", "jandro", "alejo"),
    "alejandra": ("ale", "alex", "jandra"),
    "fernando": ("nando", "fer"),
    "ricardo": ("richi", "ricky", "rica"),
    "rafael": ("rafa", "rafi", "fello"),
    "ramon": ("moncho", "mon"),
    "salvador": ("chava", "salva", "chavo"),
    "santiago": ("santi", "chago", "yago"),
    "jorge": ("coco", "georgie"),
    "luis": ("lucho", "wicho", "luisito"),
    "carlos": ("charly", "carlitos", "calin"),
    "miguel": ("mike", "miki", "micky"),
    "angel": ("angelito",),
    "armando": ("mando",),
    "rodolfo": ("rudy", "fito", "rodo"),
    "adolfo": ("fito",),
    "gustavo": ("tavo", "gus"),
    "octavio": ("tavo",),
    "reynaldo": ("rey", "nayo"),
    "rosario": ("chayo", "charo"),
    "rosa": ("rosi", "chayito"),
    "concepcion": ("concha", "conchita", "chona", "conchi"),
    "dolores": ("lola", "lolita", "lolis"),
    "mercedes": ("meche", "merche", "mecha"),
    "consuelo": ("chelo",),
    "graciela": ("chela", "grace"),
    "socorro": ("coco", "coquito"),
    "refugio": ("cuca", "cuco", "cuquita"),
    "isabel": ("chabela", "isa", "chavela", "chabe"),
    "teresa": ("tere", "teresita"),
    "margarita": ("margo", "magui", "mague"),
    "maria": ("mari", "mary", "maruca", "maru"),
    "beatriz": ("bea", "betty"),
    "patricia": ("paty", "pati", "patty"),
    "leticia": ("lety", "leti"),
    "alicia": ("licha",),
    "elizabeth": ("eli", "liz", "chabe"),
    "cristina": ("cris", "tina"),
    "francisca": ("paquita", "pancha", "paca"),
    "josefina": ("pepa", "fina", "chepina"),
    "josefa": ("pepa", "chepa"),
    "juana": ("juanita",),
    "juan": ("juancho", "juanito"),
    "ernesto": ("neto",),
    "gabriela": ("gaby", "gabi"),
    "gabriel": ("gabo", "gabi"),
    "monica": ("moni",),
    "veronica": ("vero",),
    "daniela": ("dani",),
    "daniel": ("dani",),
    "sebastian": ("sebas", "chano"),
    "andres": ("andy",),
    "tomas": ("tomy", "tomasito"),
    "jaime": ("jimmy",),
    "vicente": ("chente",),
    "benjamin": ("benja",),
    "joaquin": ("quino", "juaco", "chimo"),
    "federico": ("fede", "lico"),
    "rogelio": ("roger", "roge"),
    "hector": ("tito",),
    "alfredo": ("fredo", "freddy"),
    "leonardo": ("leo",),
    "esteban": ("steve", "teban"),
    "agustin": ("tin", "agus"),
    "marcelo": ("chelo",),
    "andrea": ("andy",),
    "natalia": ("naty", "nati"),
    "carolina": ("caro",),
    "victoria": ("vicky", "viki"),
    "virginia": ("vicky", "gina"),
    "eugenia": ("kena", "maru", "geña"),
    "ana": ("anita",),
    "jimena": ("jime",),
    "ximena": ("xime",),
    "fabiola": ("fabi",),
    "lucia": ("lucy", "luci"),
    "laura": ("lau",),
    "claudia": ("clau",),
    "sofia": ("sofi",),
    "valeria": ("vale",),
    "valentina": ("vale",),
    "paula": ("pau",),
    "adriana": ("adri",),
    "mariana": ("mari",),
    "rocio": ("chio",),
    "luz": ("lucha",),
    "hortensia": ("tencha",),
    "crescencio": ("chencho",),
    "inocencio": ("chencho",),
    "anselmo": ("chemo",),
    "anastasio": ("tacho",),
    "gregorio": ("goyo",),
    "gumersindo": ("gumer",),
    "dagoberto": ("dago",),
    "alfonso": ("poncho",),
    "ildefonso": ("poncho",),
    "jacinto": ("chinto",),
    "martin": ("tincho",),
    "mauricio": ("mau",),
    "nicolas": ("nico",),
    "pedro": ("perico", "pedrito"),
    "raul": ("rulo",),
    "rigoberto": ("rigo",),
    "bernardo": ("nardo",),
    "benito": ("beni",),
    "arturo": ("turi", "art"),
    "bartolome": ("bartolo",),
    "ezequiel": ("cheque", "eze"),
    "wenceslao": ("wences",),
    "celestino": ("tino",),
    "faustino": ("tino",),
    "emilio": ("milo",),
    "maximiliano": ("max", "maxi"),
    "maximo": ("max",),
    "emiliano": ("emi",),
    "cuauhtemoc": ("temo",),
    "epifanio": ("pifas",),
    "rodrigo": ("rodri",),
    "abigail": ("abi",),
    "yolanda": ("yola",),
    "esperanza": ("espe", "lancha"),
    "ofelia": ("ofe",),
    "catalina": ("cata", "cati"),
    "cecilia": ("ceci",),
    "celia": ("chela",),
    "carmen": ("menchu", "carmela", "mela", "carmencita"),
    "encarnacion": ("encarna", "chona"),
    "asuncion": ("chon",),
    "soledad": ("sole", "chole"),
    "amparo": ("paro",),
    "trinidad": ("trini",),
    "natividad": ("nati",),
    "pilar": ("pili",),
    "inmaculada": ("inma",),
    "milagros": ("mila",),
    "montserrat": ("montse",),
    "remedios": ("reme",),
    "antonia": ("tona", "toni"),
    "manuela": ("manola", "manu"),
    "eusebio": ("chebo",),
    "everardo": ("lalo",),
    "alvaro": ("alvarito",),
    "diego": ("dieguito",),
    "javier": ("javi",),
    "sergio": ("checo",),
    "samuel": ("sammy", "samu"),
    "ismael": ("isma",),
    "israel": ("isra",),
    "moises": ("moy",),
    "leopoldo": ("polo",),
    "hipolito": ("polo",),
    "apolonio": ("polo",),
    "marisol": ("mari", "sol"),
}

_USPS_SUFFIXES = """
alley aly annex arcade avenue ave av bayou beach bend bluff bluffs bottom boulevard blvd branch
bridge brg brook brooks burg burgs bypass camp canyon cape causeway center centers circle cir
circles cliff cliffs club common commons corner corners course court ct courts cove cv coves
creek crescent crest crossing xing crossroad curve dale dam divide drive dr drives estate
estates expressway expy extension ext extensions fall falls ferry field fields flat flats ford
fords forest forge forges fork forks fort freeway fwy garden gardens gdns gateway glen glens
green greens grove groves harbor harbors haven heights hts highway hwy hill hills hollow inlet
island islands isle junction junctions key keys knoll knolls lake lakes land landing lane ln
light lights loaf lock locks lodge loop mall manor manors meadow meadows mews mill mills
mission motorway mount mountain mountains neck orchard oval overpass park parks parkway pkwy
parkways pass passage path pike pine pines place pl plain plains plaza plz point pt points
port ports prairie radial ramp ranch rapid rapids rest ridge ridges river road rd roads route
row rue run shoal shoals shore shores skyway spring springs spur spurs square sq squares
station stravenue stream street st str streets summit terrace ter throughway trace track
trafficway trail trl tunnel turnpike underpass union unions valley valleys via viaduct view
views village villages ville vista walk walks wall way wy ways well wells 5t 5treet aue
"""

# USPS Pub. 28 suffix words and their common abbreviations (plus two OCR
# spellings). They only recognise a street; the key drops them so "Main St"
# and "Main Street" hash alike.
STREET_TYPES: frozenset[str] = frozenset(_USPS_SUFFIXES.split())

SPANISH_STREET_TYPES = (
    "calle",
    "avenida",
    "avda",
    "av",
    "calzada",
    "calz",
    "privada",
    "priv",
    "cerrada",
    "andador",
    "camino",
    "carretera",
    "paseo",
    "prolongacion",
    "prol",
    "boulevard",
    "blvd",
    "circuito",
    "retorno",
    "callejon",
    "ampliacion",
    "circunvalacion",
    "continuacion",
    "corredor",
    "diagonal",
    "eje vial",
    "pasaje",
    "peatonal",
    "periferico",
    "viaducto",
)

DIRECTIONALS = frozenset(
    {
        "n",
        "s",
        "e",
        "w",
        "ne",
        "nw",
        "se",
        "sw",
        "north",
        "south",
        "east",
        "west",
        "northeast",
        "northwest",
        "southeast",
        "southwest",
        "norte",
        "sur",
        "oriente",
        "poniente",
        "ote",
        "pte",
    }
)

# Words that start a unit or a Spanish number marker; the street name stops there.
UNIT_WORDS = frozenset(
    {
        "apt",
        "apartment",
        "unit",
        "ste",
        "suite",
        "no",
        "num",
        "numero",
        "nro",
        "depto",
        "departamento",
        "int",
        "interior",
        "ext",
        "exterior",
        "piso",
        "lote",
        "mz",
        "manzana",
    }
)

# Context words that announce a licence plate, so an all-letter vanity plate is
# looked up only where a plate is announced.
PLATE_CONTEXT = (
    "plate",
    "plates",
    "placa",
    "placas",
    "tag",
    "tags",
    "license",
    "licence",
    "matricula",
    "lic",
)


@functools.lru_cache(maxsize=1)
def _nickname_pairs() -> tuple[tuple[str, str], ...]:
    """Return (formal, nickname) pairs from the `nicknames` package data."""
    pairs: list[tuple[str, str]] = []
    try:
        data = resources.files("nicknames").joinpath("names.csv").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):  # pragma: no cover - optional data
        data = ""
    for row in csv.DictReader(data.splitlines()):
        if row.get("relationship") == "has_nickname":
            pairs.append((row["name1"].lower(), row["name2"].lower()))
    for formal, familiar in SPANISH_HYPOCORISMS.items():
        for nickname in familiar:
            pairs.append((formal, nickname))
    return tuple(pairs)


@functools.lru_cache(maxsize=1)
def _nickname_map() -> dict[str, frozenset[str]]:
    related: dict[str, set[str]] = {}
    for formal, nickname in _nickname_pairs():
        related.setdefault(formal, set()).add(nickname)
        # Reverse direction: a roster may hold "Bob" while a flyer says "Robert".
        related.setdefault(nickname, set()).add(formal)
    return {name: frozenset(values) for name, values in related.items()}


@functools.lru_cache(maxsize=16384)
def given_name_variants(given: str) -> frozenset[str]:
    """Return the given name with its nicknames and formal forms, lower-case."""
    key = given.lower().strip()
    return frozenset({key, *_nickname_map().get(key, ())})


@functools.lru_cache(maxsize=1)
def public_given_names() -> frozenset[str]:
    """Return the public given-name vocabulary (roster-independent)."""
    names: set[str] = set()
    for formal, nickname in _nickname_pairs():
        names.add(formal)
        names.add(nickname)
    return frozenset(name for name in names if name.isalpha() and len(name) > 1)
