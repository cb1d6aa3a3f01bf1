"""The screening library on its own: conduct lists, narrative terms (English and Spanish)."""

import pytest

from incidents import screening


def test_protected_conduct_alone_allows_no_offense_even_with_violent_words():
    result = screening.screen(["recording", "criticism"], "Synthetic test: 'you will pay'")
    assert result.outcome == "protected_only" and result.offenses_allowed == []


def test_name_photo_and_badge_never_support_section_119():
    assert "18 U.S.C. 119" not in screening.offenses_allowed(["posting_public_info"])
    assert "18 U.S.C. 119" in screening.offenses_allowed(["restricted_info_with_call_to_harm"])


@pytest.mark.parametrize(
    "narrative",
    [
        "Synthetic test: estaba grabando con su teléfono y luego empujó al agente",
        "Synthetic test: after the rally he pushed the officer",
        "Synthetic test: outside the mosque he pushed the officer",
        "Synthetic test: un periodista vio cuando empujó al agente",
    ],
)
def test_flagged_terms_the_conduct_does_not_explain_go_to_review(narrative):
    result = screening.screen(["physical_contact"], narrative)
    assert result.outcome == "needs_review" and result.flagged_terms


def test_a_term_the_chosen_conduct_explains_does_not_flag():
    result = screening.screen(
        ["physical_contact", "recording"], "Synthetic test: he filmed, then shoved"
    )
    assert result.outcome == "eligible"


def test_sensitive_category_flags_even_when_protected_conduct_is_chosen():
    result = screening.screen(["physical_contact", "recording"], "Synthetic test: at the church")
    assert result.outcome == "needs_review"


def test_unknown_and_empty_conduct_are_refused():
    with pytest.raises(screening.UnknownConduct):
        screening.screen([], "x")
    with pytest.raises(screening.UnknownConduct):
        screening.screen(["dangerousness_score"], "x")


def test_redaction_replaces_contact_details_and_plates():
    text, count = screening.redact_identifiers(
        "Synthetic: call (202) 555-0143 or 202.555.0144, write a@example.invalid, "
        "follow @fake_handle, plate XYZ 9876, placa ABC-123."
    )
    for value in [
        "555-0143",
        "555.0144",
        "a@example.invalid",
        "@fake_handle",
        "XYZ 9876",
        "ABC-123",
    ]:
        assert value not in text
    assert count == 6
