"""Forms for roster entries (one value per line), scanning text, and working alerts."""

from __future__ import annotations

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from exposure.models import ProtectiveMeasure
from exposure.services import LIST_FIELDS, RosterValues

_LINES = _("One per line.")


def _lines(value: str) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


def _lines_field(label: str | Promise, help_text: str | Promise = _LINES) -> forms.CharField:
    """An optional field of one value per line."""
    return forms.CharField(
        label=label,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=help_text,
    )


class RosterValuesForm(forms.Form):
    """The personal values of a roster entry. Nothing here records views or associations."""

    full_name = forms.CharField(label=_("Full name"), max_length=200)
    aliases = _lines_field(_("Other names and nicknames"))
    addresses = _lines_field(_("Home addresses"))
    phones = _lines_field(_("Personal phones"))
    emails = _lines_field(_("Personal e-mail addresses"))
    plates = _lines_field(_("Vehicle plates"))
    relatives = _lines_field(
        _("Relatives"), _("One per line, as Name:relation (for example Ana Example:daughter).")
    )

    @classmethod
    def initial_for(cls, values: RosterValues) -> dict[str, str]:
        initial = {name: "\n".join(getattr(values, name)) for name in LIST_FIELDS}
        initial["full_name"] = values.full_name
        initial["relatives"] = "\n".join(
            f"{item['name']}:{item['relation']}" for item in values.relatives
        )
        return initial

    def clean_relatives(self) -> list[dict[str, str]]:
        relatives = []
        for line in _lines(self.cleaned_data.get("relatives", "")):
            name, _sep, relation = line.partition(":")
            if not name.strip() or not relation.strip():
                raise forms.ValidationError(
                    _("Write each relative as Name:relation, not %(line)s."), params={"line": line}
                )
            relatives.append({"name": name.strip(), "relation": relation.strip()})
        return relatives

    def values(self) -> RosterValues:
        data = self.cleaned_data
        return RosterValues(
            full_name=data["full_name"],
            relatives=data["relatives"],
            **{name: _lines(data.get(name, "")) for name in LIST_FIELDS},
        )


class NewEntryForm(RosterValuesForm):
    roster_id = forms.CharField(label=_("Roster id"), max_length=64)
    field_order = ["roster_id"]


class ScanTextForm(forms.Form):
    label = forms.CharField(label=_("Where the text came from"), max_length=80, required=False)
    text = forms.CharField(label=_("Text to scan"), widget=forms.Textarea(attrs={"rows": 10}))


class MeasureForm(forms.Form):
    kind = forms.ChoiceField(label=_("Protective measure"), choices=ProtectiveMeasure.Kind.choices)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CloseForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the alert is closed"), widget=forms.Textarea(attrs={"rows": 2})
    )


class LinkForm(forms.Form):
    username = forms.CharField(
        label=_("Staff account (username)"),
        max_length=150,
        required=False,
        help_text=_("The person sees and corrects this entry, and is told of its alerts."),
    )
    family_of = forms.CharField(
        label=_("Family member of (roster id)"),
        max_length=64,
        required=False,
        help_text=_("Alerts about a family member go to the officer they are linked to."),
    )
    relation = forms.CharField(label=_("Relation"), max_length=40, required=False)
