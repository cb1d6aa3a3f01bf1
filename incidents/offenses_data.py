"""The federal offenses an incident may allege, with their elements and NIBRS categories.

Elements follow legal-controls.md section 8 (the offense elements table). NIBRS: 13A aggravated
assault, 13B simple assault, 13C intimidation, 290 destruction/damage/vandalism of property,
90Z all other offenses. Loaded by migration 0002 and kept in step by `offenses_sync()`.
"""

OFFENSES = [
    {
        "code": "18 U.S.C. 111(a)",
        "title": "Assaulting, resisting or impeding certain officers or employees",
        "nibrs_code": "13B",
        "elements": [
            "Forcibly assaulted, resisted, opposed, impeded, intimidated or interfered with the "
            "victim",
            "The victim was a person designated in 18 U.S.C. 1114 (federal officer or employee, "
            "or a person assisting)",
            "While engaged in, or on account of, official duties",
            "Intentional or willful act",
        ],
    },
    {
        "code": "18 U.S.C. 111(b)",
        "title": "Assault on certain officers with a deadly or dangerous weapon or causing "
        "bodily injury",
        "nibrs_code": "13A",
        "elements": [
            "Forcibly assaulted, resisted, opposed, impeded, intimidated or interfered with the "
            "victim",
            "The victim was a person designated in 18 U.S.C. 1114",
            "While engaged in, or on account of, official duties",
            "Used a deadly or dangerous weapon or inflicted bodily injury",
        ],
    },
    {
        "code": "18 U.S.C. 115(a)(1)(A)",
        "title": "Influencing, impeding or retaliating against a federal official by threatening "
        "or injuring a family member",
        "nibrs_code": "13C",
        "elements": [
            "Assaulted, kidnapped, murdered, attempted, conspired or threatened to do so against "
            "a member of the immediate family of a covered official",
            "The official is a U.S. official, judge, federal law-enforcement officer or official "
            "covered by 18 U.S.C. 1114",
            "With intent to impede, intimidate or interfere with official duties, or to retaliate "
            "for their performance",
        ],
    },
    {
        "code": "18 U.S.C. 115(a)(1)(B)",
        "title": "Influencing, impeding or retaliating against a federal official by threat",
        "nibrs_code": "13C",
        "elements": [
            "Threatened to assault, kidnap or murder (a true threat)",
            "The target was a U.S. official, judge, federal law-enforcement officer or official "
            "covered by 18 U.S.C. 1114",
            "With intent to impede, intimidate or interfere with official duties, or to retaliate "
            "for their performance",
            "At least reckless disregard of a substantial risk the words would be seen as "
            "threatening violence (Counterman)",
        ],
    },
    {
        "code": "18 U.S.C. 119",
        "title": "Protection of individuals performing certain official duties (publishing "
        "restricted personal information)",
        "nibrs_code": "13C",
        "elements": [
            "Knowingly made publicly available",
            "Restricted personal information: SSN, home address, home phone, mobile phone, "
            "personal email or home fax (not names, photos, badge numbers, agency or on-duty "
            "video)",
            "About a covered person or a member of their immediate family",
            "Intent to threaten, intimidate or incite a crime of violence, or intent and "
            "knowledge that it will be used to do so",
        ],
    },
    {
        "code": "18 U.S.C. 875(c)",
        "title": "Interstate communication of a threat to kidnap or injure",
        "nibrs_code": "13C",
        "elements": [
            "Transmitted a communication in interstate or foreign commerce",
            "The communication contained a true threat to kidnap or injure a person",
            "Mens rea: purpose or knowledge (recklessness meets the constitutional floor); "
            "negligence does not suffice",
        ],
    },
    {
        "code": "18 U.S.C. 2261A(1)",
        "title": "Stalking by interstate travel",
        "nibrs_code": "13C",
        "elements": [
            "Traveled in interstate or foreign commerce, or was present in special federal "
            "jurisdiction",
            "With intent to kill, injure, harass, intimidate, or surveil with that intent",
            "Engaged in conduct that placed the person in reasonable fear of death or serious "
            "bodily injury, or caused or would reasonably be expected to cause substantial "
            "emotional distress",
        ],
    },
    {
        "code": "18 U.S.C. 2261A(2)",
        "title": "Stalking using the mail or a facility of interstate commerce",
        "nibrs_code": "13C",
        "elements": [
            "With intent to kill, injure, harass, intimidate, or surveil with that intent",
            "Used the mail, an interactive computer service, an electronic communication service "
            "or another facility of interstate commerce",
            "To engage in a course of conduct (two or more acts, continuity of purpose)",
            "That placed the person in reasonable fear of death or serious bodily injury, or "
            "caused or would reasonably be expected to cause substantial emotional distress",
        ],
    },
    {
        "code": "18 U.S.C. 1361",
        "title": "Government property or contracts (depredation)",
        "nibrs_code": "290",
        "elements": [
            "Willfully injured or committed depredation against property, or attempted to",
            "Property of the United States or an agency",
            "Value of the damage (over $1,000 felony; $1,000 or less misdemeanor)",
        ],
    },
    {
        "code": "18 U.S.C. 1505",
        "title": "Obstruction of proceedings before departments and agencies",
        "nibrs_code": "90Z",
        "elements": [
            "A proceeding was pending before a U.S. department or agency",
            "The defendant knew of it",
            "Intentionally and corruptly, or by threats or force, influenced, obstructed or "
            "impeded the due administration of the law",
        ],
    },
]


def offenses_sync() -> int:
    """Create or update the offense rows from OFFENSES (idempotent); return how many exist.

    The data migration loads them; tests that flush the database (transactional tests) call this
    to put the reference data back.
    """
    from incidents.models import Offense

    for row in OFFENSES:
        Offense.objects.update_or_create(
            code=row["code"],
            defaults={
                "title": row["title"],
                "elements": row["elements"],
                "nibrs_code": row["nibrs_code"],
            },
        )
    return Offense.objects.count()
