"""Forms for case pages: they parse input; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import FieldOffice, User
from cases.models import Case
from intel.identifiers import Kind, Platform


class CaseForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    incident_references = forms.CharField(
        label=_("Incident receipt numbers"),
        help_text=_("One or more, separated by spaces or commas (for example CST-…)."),
        max_length=2000,
    )

    def references(self) -> list[str]:
        raw = self.cleaned_data["incident_references"].replace(",", " ")
        return [r.strip().upper() for r in raw.split() if r.strip()]


class TransitionForm(forms.Form):
    to = forms.ChoiceField(label=_("New status"), choices=Case.Status.choices)
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ShareForm(forms.Form):
    office = forms.ModelChoiceField(
        label=_("Share with office"), queryset=FieldOffice.objects.none()
    )
    reason = forms.CharField(
        label=_("Need-to-know reason"), widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, exclude_office_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = FieldOffice.objects.exclude(pk=exclude_office_id)


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=200)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none())
    due_date = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, office_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(office_id=office_id, is_active=True)


class IdentifierForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    value = forms.CharField(label=_("Value as reported"), max_length=300)
    platform = forms.ChoiceField(
        label=_("Platform (handles only)"), choices=[("", "—"), *Platform.choices], required=False
    )


class AssignForm(forms.Form):
    """Choose the case's investigator among the lead office's active users."""

    investigator = forms.ModelChoiceField(label=_("Investigator"), queryset=User.objects.none())

    def __init__(self, *args, office_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["investigator"].queryset = User.objects.filter(
            office_id=office_id, is_active=True
        ).order_by("username")
