"""Synthetic evaluation of `screening.find_personal_names` (5 U.S.C. 552a(e)(7)).

All sentences and names below are synthetic test data written for this evaluation; no real
people, addresses or phone numbers. NAMED sentences each hold at least one personal name (English
and Spanish, the forms the detector must find). ORDINARY sentences are protest and filming
narratives with no personal name; many hold capitalised places, days, months, agencies, street
names (some named after historical figures) and sentence-initial words, so a refusal there would be
a false refusal of a lawful public report.
"""

from __future__ import annotations

from incidents import screening

# (sentence, a name that must be reported: every word of it must appear in one finding)
NAMED: list[tuple[str, str]] = [
    # Given name from the public list + surname (the old detector's one form).
    ("Synthetic test: Dana Whitlock filmed the arrest from the corner.", "Dana Whitlock"),
    ("Synthetic test: the video was posted by Linda Marrowgate on Monday.", "Linda Marrowgate"),
    ("Synthetic test: a man identified as Robert Quillbramble kept filming.", "Quillbramble"),
    ("Synthetic test: officers saw Susan Fenwright holding a phone.", "Susan Fenwright"),
    # Spanish and other given names the `nicknames` list lacks.
    ("Synthetic test: Xochitl Barragán was recording the officers.", "Xochitl Barragán"),
    ("Synthetic test: the livestream came from Itzel Quintero's account.", "Itzel Quintero"),
    ("Synthetic test: Lupita Ordaz was photographing the vehicles.", "Lupita Ordaz"),
    ("Synthetic test: a bystander, Jesús Maldonado, filmed from the bus stop.", "Jesús Maldonado"),
    ("Synthetic test: Guadalupe Ríos held a sign outside the office.", "Guadalupe Ríos"),
    ("Synthetic test: the crowd included Citlali Montaño and others.", "Citlali Montaño"),
    ("Synthetic test: Nayeli Treviño streamed the stop on her phone.", "Nayeli Treviño"),
    ("Synthetic test: officers were filmed by Yesenia Villaseñor.", "Yesenia Villaseñor"),
    ("Synthetic test: the organiser was Brandon Tillsworth, who had a megaphone.", "Brandon"),
    ("Synthetic test: Kayla Rennsford photographed the plates of the vans.", "Kayla Rennsford"),
    # Spanish sentences.
    ("Synthetic test: Xochitl Barragán grababa a los agentes desde la acera.", "Xochitl"),
    ("Synthetic test: la señora Itzel Quintero transmitía en vivo.", "Itzel Quintero"),
    ("Synthetic test: un vecino, Jesús Maldonado, tocaba el silbato.", "Jesús Maldonado"),
    ("Synthetic test: Guadalupe Ríos y Lupita Ordaz sostenían pancartas.", "Guadalupe Ríos"),
    ("Synthetic test: según el video, Araceli Zamarripa filmó la detención.", "Araceli"),
    ("Synthetic test: el joven Efraín Olguín gritaba consignas.", "Efraín Olguín"),
    # Surnames written in capitals, given first or "FAMILY, Given".
    ("Synthetic test: Dana WHITLOCK recorded the stop.", "Dana WHITLOCK"),
    ("Synthetic test: reporting person WHITLOCK, Dana filmed officers.", "WHITLOCK, Dana"),
    ("Synthetic test: observer BARRAGÁN, Xochitl was livestreaming.", "BARRAGÁN, Xochitl"),
    ("Synthetic test: Itzel QUINTERO was on the sidewalk with a camera.", "Itzel QUINTERO"),
    ("Synthetic test: witness: MALDONADO, Jesús (filming).", "MALDONADO, Jesús"),
    ("Synthetic test: persona que grababa: ORDAZ, Lupita.", "ORDAZ, Lupita"),
    # Names with particles.
    ("Synthetic test: Ana de la Cruz filmed the officers at the gate.", "Ana de la Cruz"),
    ("Synthetic test: Pedro del Valle was photographing the arrest.", "Pedro del Valle"),
    ("Synthetic test: la señora Rosa de los Santos grababa desde su ventana.", "Rosa Santos"),
    ("Synthetic test: the post was written by Luis van der Hoek.", "Luis van der Hoek"),
    ("Synthetic test: Itzel de la Garza transmitía en vivo la protesta.", "Itzel de la Garza"),
    # Given name + middle initial + surname.
    ("Synthetic test: Dana R. Whitlock filmed the stop from across the street.", "Dana R."),
    ("Synthetic test: the video belongs to Xochitl M. Barragán.", "Xochitl M. Barragán"),
    ("Synthetic test: Jesús A. Maldonado chanted outside the office.", "Jesús A. Maldonado"),
    ("Synthetic test: a protester, Brent T. Oakhollow, held a placard.", "Brent T. Oakhollow"),
    # Titles and a name given after "named" / "se llama".
    ("Synthetic test: Mr. Fernwhistle kept filming after being asked to step back.", "Fernwhistle"),
    ("Synthetic test: la Sra. Quintero grababa con su teléfono.", "Sra. Quintero"),
    ("Synthetic test: Señora Barragán was photographing the van.", "Barragán"),
    ("Synthetic test: a woman named Itzel was livestreaming.", "Itzel"),
    ("Synthetic test: el muchacho que grababa se llama Efraín.", "Efraín"),
    # Double given names and double surnames.
    ("Synthetic test: José Luis Pacheco Ibarra recorded the arrest.", "José Luis Pacheco"),
    ("Synthetic test: María Fernanda Olvera livestreamed the march.", "María Fernanda Olvera"),
    ("Synthetic test: Juan Carlos Gutiérrez-Salas filmed the arrest.", "Juan Carlos"),
    ("Synthetic test: the observer, Ximena Castañeda, photographed badges.", "Ximena Castañeda"),
    ("Synthetic test: Valeria Sandoval and Diego Arredondo filmed the stop.", "Valeria Sandoval"),
    ("Synthetic test: Maricela Ochoa blew a whistle near the corner.", "Maricela Ochoa"),
    ("Synthetic test: footage from Yadira Benavides circulated online.", "Yadira Benavides"),
    ("Synthetic test: the account of Omar Saldívar showed the stop.", "Omar Saldívar"),
    ("Synthetic test: protesters led by Marisol Zepeda marched to the office.", "Marisol Zepeda"),
    ("Synthetic test: Hugo Carrizales filmed the officers from his porch.", "Hugo Carrizales"),
]

ORDINARY: list[str] = [
    "Synthetic test: a person on the sidewalk of Fictional Ave was filming the arrest.",
    "Synthetic test: someone photographed officers from across the street.",
    "Synthetic test: a car followed the ICE vehicle at a distance; the driver was livestreaming.",
    "Synthetic test: a group chanted and held signs outside the office.",
    "Synthetic test: a post named Officer Example and gave a badge number.",
    "Synthetic test: residents blew whistles to warn neighbours as officers arrived.",
    "Synthetic test: on Monday a crowd gathered at Federal Plaza with signs.",
    "Synthetic test: protesters marched down Main Street toward City Hall on Saturday.",
    "Synthetic test: a man filmed agents outside the Home Depot on Cesar Chavez Avenue.",
    "Synthetic test: people filmed the arrest near Martin Luther King Jr. Boulevard.",
    "Synthetic test: Border Patrol agents were filmed at Union Station in Los Angeles.",
    "Synthetic test: a woman livestreamed ICE officers in Echo Park on Tuesday night.",
    "Synthetic test: Homeland Security Investigations agents were photographed in San Diego.",
    "Synthetic test: a rally outside the Broadview Processing Center lasted until Friday.",
    "Synthetic test: the march started at Grand Park and ended at the Federal Building.",
    "Synthetic test: someone at Santa Ana Boulevard filmed the Sheriff's Department vehicles.",
    "Synthetic test: Will Officers come back? Mark Street was busy. The ICE vehicle left.",
    "Synthetic test: Later that day people filmed the raid from the Walmart parking lot.",
    "Synthetic test: During the protest, neighbours blew whistles on Rosa Parks Boulevard.",
    "Synthetic test: After the arrest a crowd gathered near Saint Mary Hospital.",
    "Synthetic test: Several people filmed from the steps of Grace Church on Sunday.",
    "Synthetic test: A silver Honda Civic followed the agents at a distance in El Paso.",
    "Synthetic test: A black Mercedes Benz was parked near the Federal Building.",
    "Synthetic test: The video of Customs and Border Protection officers went viral in May.",
    "Synthetic test: Protesters in Austin, Texas held signs reading Abolish ICE.",
    "Synthetic test: In June and July students marched past Lincoln Park chanting.",
    "Synthetic test: Someone filmed an arrest at the corner of Jackson Street and Grand Avenue.",
    "Synthetic test: The observer stood outside Chase Bank and filmed the stop.",
    "Synthetic test: A reporter from the Daily Chronicle photographed agents at the courthouse.",
    "Synthetic test: The livestream on New Year's Day showed agents on Lake Shore Drive.",
    "Synthetic test: People gathered in Washington Square Park to criticise the raids.",
    "Synthetic test: The crowd shouted Shame at the Department of Homeland Security van.",
    "Synthetic test: Neighbours on Elm Street warned each other with phone calls.",
    "Synthetic test: A volunteer with the Rapid Response Network filmed from a car.",
    "Synthetic test: Students from Roosevelt High School photographed the vans.",
    "Synthetic test: The march went from MacArthur Park to the John F. Kennedy Federal Building.",
    "Synthetic test: Officers from the Police Department were filmed on Thursday evening.",
    "Synthetic test: An observer filmed the National Guard convoy on Interstate 10.",
    "Synthetic test: Someone filmed agents at the Amtrak station in New York on Wednesday.",
    "Synthetic test: Signs said ICE OUT and NO RAIDS outside the Federal Building.",
    "Synthetic test: People filmed from the Dolores Park hill during the march.",
    "Synthetic test: The crowd held a vigil at Our Lady of Guadalupe Church.",
    "Synthetic test: agents were photographed at the Victoria Station bus stop.",
    "Synthetic test: Una persona grababa a los agentes en la Avenida Benito Juárez.",
    "Synthetic test: Los vecinos tocaron silbatos en la calle Cinco de Mayo el lunes.",
    "Synthetic test: Una mujer transmitía en vivo desde el Parque Miguel Hidalgo.",
    "Synthetic test: La Patrulla Fronteriza fue grabada cerca de Ciudad Juárez.",
    "Synthetic test: Varias personas marcharon frente a la iglesia de Nuestra Señora de Guadalupe.",
    "Synthetic test: Un joven fotografió a los agentes de Migración en San Antonio.",
    "Synthetic test: Los manifestantes llevaban pancartas en el Paseo de la Reforma.",
    "Synthetic test: En Los Ángeles, la gente grabó la detención desde la banqueta.",
    "Synthetic test: Alguien filmó a la Policía Municipal frente a la Escuela Emiliano Zapata.",
    "Synthetic test: Durante la marcha en Santa Ana, los vecinos coreaban consignas.",
    "Synthetic test: Grabaron a los agentes en la Calle Guadalupe Victoria el sábado.",
    "Synthetic test: El video muestra a agentes del Servicio de Inmigración en Estados Unidos.",
    "Synthetic test: Una señora grababa desde la Panadería La Esperanza en la colonia Centro.",
    "Synthetic test: Los vecinos de Boyle Heights avisaron con silbatos a las familias.",
    "Synthetic test: Se vio una camioneta del Departamento de Policía en la Plaza de la Raza.",
    "Synthetic test: Filmaron el operativo frente a la Taquería El Güero en la Avenida Central.",
    "Synthetic test: Un grupo protestó en el Día de los Muertos frente al edificio federal.",
    "Synthetic test: the observer filmed from Ocean View Drive near Pacific Coast Highway.",
    "Synthetic test: marchers crossed the Golden Gate Bridge and chanted at the agents.",
    "Synthetic test: a person on San Pedro Street livestreamed the arrest on Instagram.",
    "Synthetic test: the raid at the Dallas County Courthouse was filmed by passers-by.",
    "Synthetic test: someone filmed agents near the Salt Lake City Public Library.",
    "Synthetic test: a crowd gathered outside Ben Franklin Elementary after the stop.",
    "Synthetic test: the clip showed agents near the Hollywood and Vine subway entrance.",
    "Synthetic test: people photographed the vans on Juan Diego Avenue in Santa Fe.",
    "Synthetic test: an Amber Alert interrupted the livestream of the protest.",
    "Synthetic test: a video from Eugene, Oregon showed protesters filming the arrest.",
]


def _found(names: list[str], expected: str) -> bool:
    wanted = expected.split()
    return any(all(word in name.split() for word in wanted) for name in names)


def _figures() -> tuple[float, list[str], list[tuple[str, list[str]]]]:
    missed = [s for s, name in NAMED if not _found(screening.find_personal_names(s), name)]
    recall = 1 - len(missed) / len(NAMED)
    refused = [(s, screening.find_personal_names(s)) for s in ORDINARY]
    refused = [(s, names) for s, names in refused if names]
    return recall, missed, refused


def test_synthetic_name_evaluation_recall_and_no_false_refusal():
    assert len(NAMED) >= 40 and len(ORDINARY) >= 60
    recall, missed, refused = _figures()
    figures = (
        f"recall {recall:.3f} on {len(NAMED)} named sentences; "
        f"{len(refused)} false refusal(s) on {len(ORDINARY)} ordinary narratives "
        f"(precision on ordinary text {1 - len(refused) / len(ORDINARY):.3f}). "
        f"Missed: {missed}. Refused: {refused}"
    )
    assert recall >= 0.95 and not refused, figures


def test_new_name_forms_are_redacted_and_officers_own_names_still_allowed():
    text = (
        "Synthetic test: WHITLOCK, Dana and Itzel de la Garza filmed Officer Susan R. Brambleton; "
        "Xochitl M. Barragán streamed it."
    )
    redacted, count = screening.redact_personal_names(text, ["Susan Brambleton"])
    assert count == 3, screening.find_personal_names(text, ["Susan Brambleton"])
    assert "Whitlock" not in redacted.title() and "Garza" not in redacted
    assert "Barragán" not in redacted and "Susan R. Brambleton" in redacted
