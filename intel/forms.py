"""Forms for the intelligence-index pages: they parse input; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from intel.identifiers import Kind, Platform
from intel.models import (
    MAX_REVIEW_PERIOD,
    CollectionMethod,
    ContentValidity,
    RecipientAgency,
    Sensitivity,
    SourceReliability,
    SubjectValidation,
)


class SubjectForm(forms.Form):
    label = forms.CharField(
        label=_("Name or description"),
        max_length=200,
        help_text=_("May be unidentified, e.g. “driver of plate X”."),
    )
    incident_reference = forms.CharField(label=_("Incident receipt number"), required=False)
    case_reference = forms.CharField(label=_("Or case number"), required=False)
    predicate_offense = forms.CharField(
        label=_("Offense code the facts support"), help_text=_("For example 18 U.S.C. 2261A(2).")
    )
    predicate_element = forms.CharField(
        label=_("Offense element the facts support"), max_length=300
    )
    predicate_facts = forms.CharField(
        label=_("Facts (the reasonable suspicion)"), widget=forms.Textarea(attrs={"rows": 4})
    )
    predicate_source = forms.CharField(label=_("Source of the facts"), max_length=300)
    predicate_date = forms.DateField(
        label=_("Date of the facts"), widget=forms.DateInput(attrs={"type": "date"})
    )
    collection_method = forms.ChoiceField(
        label=_("How was it collected?"), choices=CollectionMethod.choices
    )
    process_reference = forms.CharField(label=_("Legal process reference"), required=False)
    sensitivity = forms.ChoiceField(label=_("Sensitivity"), choices=Sensitivity.choices)
    source_reliability = forms.ChoiceField(
        label=_("Source reliability"), choices=SourceReliability.choices
    )
    content_validity = forms.ChoiceField(
        label=_("Content validity"), choices=ContentValidity.choices
    )
    control_official = forms.ModelChoiceField(
        label=_("Control official"), queryset=User.objects.none()
    )
    identifier_kind = forms.ChoiceField(
        label=_("Identifier kind"), choices=[("", "—"), *Kind.choices], required=False
    )
    identifier_value = forms.CharField(label=_("Identifier"), required=False, max_length=300)
    identifier_platform = forms.ChoiceField(
        label=_("Platform (handles)"), required=False, choices=[("", "—"), *Platform.choices]
    )

    def __init__(self, *args, office_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["control_official"].queryset = User.objects.filter(
            office_id=office_id, is_active=True
        )


class ApproveForm(forms.Form):
    reason = forms.CharField(
        label=_("Why reasonable suspicion exists"), widget=forms.Textarea(attrs={"rows": 2})
    )
    lawfully_obtained = forms.BooleanField(
        label=_("I attest the information was lawfully obtained"), required=False
    )
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])


class ValidateForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason to keep"), choices=SubjectValidation.Reason.choices)
    explanation = forms.CharField(
        label=_("Explanation"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    # Legal-controls C-18: re-confirmation of the reasonable-suspicion facts.
    rs_facts_reconfirmed = forms.BooleanField(
        label=_("I re-confirm that the reasonable-suspicion facts of the predicate still hold"),
        required=False,
    )
    rs_facts_statement = forms.CharField(
        label=_("Facts that still support reasonable suspicion"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )


class PurgeForm(forms.Form):
    schedule_item = forms.CharField(
        label=_("Records schedule item"), max_length=100, required=False
    )
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class DecideForm(forms.Form):
    decision = forms.ChoiceField(choices=[("confirm", _("Confirm")), ("reject", _("Reject"))])
    reason = forms.CharField(label=_("Reason"), required=False)


class DisseminateForm(forms.Form):
    agency = forms.ModelChoiceField(
        label=_("Recipient agency"), queryset=RecipientAgency.objects.all()
    )
    recipient_name = forms.CharField(label=_("Recipient (person)"), max_length=200)
    type = forms.ChoiceField(
        label=_("What to release"),
        choices=[
            ("intelligence", _("Intelligence (law-enforcement recipients with an agreement)")),
            ("imminent_danger", _("Imminent-danger assessment (fixed template, supervisor)")),
        ],
    )
    purpose = forms.CharField(
        label=_("Purpose (need and right to know)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    danger_statement = forms.CharField(
        label=_("Danger statement"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    protective_advice = forms.CharField(
        label=_("Protective advice"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


__all__ = ["MAX_REVIEW_PERIOD"]


class CorrectForm(forms.Form):
    """Correct a subject's labelled facts (28 CFR 23.20(h)); prefilled with the current values."""

    label = forms.CharField(label=_("Name or description"), max_length=200)
    predicate_element = forms.CharField(
        label=_("Offense element the facts support"), max_length=300
    )
    predicate_facts = forms.CharField(
        label=_("Facts (the reasonable suspicion)"), widget=forms.Textarea(attrs={"rows": 4})
    )
    predicate_source = forms.CharField(label=_("Source of the facts"), max_length=300)
    predicate_date = forms.DateField(
        label=_("Date of the facts"), widget=forms.DateInput(attrs={"type": "date"})
    )
    source_reliability = forms.ChoiceField(
        label=_("Source reliability"), choices=SourceReliability.choices
    )
    content_validity = forms.ChoiceField(
        label=_("Content validity"), choices=ContentValidity.choices
    )
    reason = forms.CharField(
        label=_("What was wrong, and why it is corrected"),
        help_text=_("Every agency that received this subject is told which items changed."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    CORRECTABLE = (
        "label",
        "predicate_element",
        "predicate_facts",
        "predicate_source",
        "predicate_date",
        "source_reliability",
        "content_validity",
    )

    def field_changes(self, subject) -> dict:
        """The fields whose submitted value differs from the subject's current one."""
        return {
            name: self.cleaned_data[name]
            for name in self.CORRECTABLE
            if self.cleaned_data[name] != getattr(subject, name)
        }
