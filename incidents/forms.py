"""Forms for the three ways in. They parse input; the services decide (screening, offenses)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import FieldOffice, User
from incidents.models import Incident, Offense, Victim
from incidents.screening import CRIMINAL_CONDUCT, PROTECTED_CONDUCT

NARRATIVE_MAX = 5000
ATTACHMENTS_MAX = 3


def conduct_choices() -> list[tuple[object, list[tuple[str, object]]]]:
    return [
        (_("Conduct that may be a crime"), list(CRIMINAL_CONDUCT.items())),
        (_("Activity protected by law"), list(PROTECTED_CONDUCT.items())),
    ]


class ConductFormMixin(forms.Form):
    conduct = forms.MultipleChoiceField(
        label=_("What did the person do? Choose everything that happened"),
        choices=conduct_choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one kind of conduct.")},
    )
    narrative = forms.CharField(
        label=_("What happened, in your own words"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=NARRATIVE_MAX,
        help_text=_(
            "Please do not include names of people who are not officers unless they are "
            "needed to describe a crime."
        ),
    )
    occurred_at = forms.DateTimeField(
        label=_("When did it happen?"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )
    location_text = forms.CharField(label=_("Where did it happen?"), required=False, max_length=300)


class StaffIncidentForm(ConductFormMixin):
    """Field report and phone tip (signed-in staff)."""

    latitude = forms.DecimalField(
        label=_("Latitude"),
        required=False,
        max_digits=9,
        decimal_places=6,
        min_value=-90,
        max_value=90,
    )
    longitude = forms.DecimalField(
        label=_("Longitude"),
        required=False,
        max_digits=9,
        decimal_places=6,
        min_value=-180,
        max_value=180,
    )
    victim_officers = forms.ModelMultipleChoiceField(
        label=_("Officers targeted"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_victim_name = forms.CharField(
        label=_("Other person targeted (for example a family member)"),
        required=False,
        max_length=120,
    )
    other_victim_relation = forms.ChoiceField(
        label=_("Their relation"),
        required=False,
        choices=[
            ("", "—"),
            *[(v, label) for v, label in Victim.Relation.choices if v != "officer"],
        ],
    )
    offenses = forms.ModelMultipleChoiceField(
        label=_("Alleged offenses"),
        queryset=Offense.objects.all(),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only offenses the chosen conduct can support are accepted."),
    )
    suspect_description = forms.CharField(
        label=_("Description of the suspect (this incident only)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, office: FieldOffice, phone_tip: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["victim_officers"].queryset = User.objects.filter(
            office=office, is_active=True
        ).order_by("last_name", "username")
        if phone_tip:
            self.fields["reporter_name"] = forms.CharField(
                label=_("Caller's name"), required=False, max_length=120
            )
            self.fields["reporter_phone"] = forms.CharField(
                label=_("Caller's phone"), required=False, max_length=40
            )
            self.fields["reporter_email"] = forms.EmailField(
                label=_("Caller's email"), required=False
            )

    def victims(self) -> list[dict]:
        rows = [{"user": u, "relation": "officer"} for u in self.cleaned_data["victim_officers"]]
        name = self.cleaned_data.get("other_victim_name", "").strip()
        if name:
            rows.append(
                {
                    "name": name,
                    "relation": self.cleaned_data.get("other_victim_relation") or "other",
                }
            )
        return rows


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class PublicTipForm(ConductFormMixin):
    """The public tip form: no sign-in, English and Spanish."""

    office = forms.ModelChoiceField(
        label=_("Which field office is this about?"),
        queryset=FieldOffice.objects.all(),
        empty_label=_("Choose an office"),
        error_messages={"required": _("Choose the field office.")},
    )
    suspect_description = forms.CharField(
        label=_("Description of the person who did it, if it was a crime"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reporter_name = forms.CharField(label=_("Your name"), required=False, max_length=120)
    reporter_phone = forms.CharField(label=_("Your phone"), required=False, max_length=40)
    reporter_email = forms.EmailField(label=_("Your email"), required=False)
    attachments = MultipleFileField(
        label=_("Photos, video, audio or documents"),
        required=False,
        help_text=_("Up to 3 files."),
    )
    # Honeypot: hidden from people (and screen readers); a bot that fills it gets a fake receipt.
    website = forms.CharField(
        label=_("Leave this empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    field_order = [
        "office",
        "conduct",
        "narrative",
        "occurred_at",
        "location_text",
        "suspect_description",
        "attachments",
        "reporter_name",
        "reporter_phone",
        "reporter_email",
        "website",
    ]

    def clean_attachments(self):
        files = self.cleaned_data.get("attachments") or []
        if len(files) > ATTACHMENTS_MAX:
            raise forms.ValidationError(_("Attach at most 3 files."))
        return files


CHANNEL_LABELS = dict(Incident.Channel.choices)


class ReviewForm(forms.Form):
    """A supervisor's review of a flagged incident; the decision comes from the button pressed."""

    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3, "id": "review-reason"}),
        max_length=2000,
    )
