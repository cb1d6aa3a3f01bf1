"""Forms for the evidence pages (USWDS rendering comes from the project's form renderer)."""

from __future__ import annotations

import json

from django import forms
from django.utils.translation import gettext_lazy as _


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File"), allow_empty_file=True)
    collected_by_statement = forms.CharField(
        label=_("How, when and where it was collected (your statement)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
    )
    location = forms.CharField(
        label=_("Where it was collected or received"), required=False, max_length=200
    )


class TransferForm(forms.Form):
    to_username = forms.CharField(label=_("To person (user name)"), required=False)
    to_place = forms.CharField(label=_("Or to place"), required=False, max_length=200)
    reason = forms.CharField(label=_("Reason"), max_length=2000)


class TranscriptForm(forms.Form):
    transcript = forms.CharField(
        label=_("Transcript"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )


class RedactForm(forms.Form):
    boxes = forms.CharField(
        label=_("Boxes to black out, as JSON [[x0, y0, x1, y1], …] in image pixels"),
        required=False,
    )
    pages = forms.CharField(label=_("PDF pages to keep, e.g. 1,3"), required=False)
    reason = forms.CharField(label=_("Reason"), max_length=2000)

    def clean_boxes(self) -> list[list[int]]:
        raw = self.cleaned_data["boxes"].strip()
        if not raw:
            return []
        try:
            boxes = json.loads(raw)
            if not all(len(box) == 4 for box in boxes):
                raise ValueError
            return [[int(value) for value in box] for box in boxes]
        except (ValueError, TypeError) as error:
            raise forms.ValidationError(_("Write boxes as [[x0, y0, x1, y1], …].")) from error

    def clean_pages(self) -> list[int]:
        raw = self.cleaned_data["pages"].strip()
        if not raw:
            return []
        try:
            return [int(part) for part in raw.replace(" ", "").split(",") if part]
        except ValueError as error:
            raise forms.ValidationError(_("Write page numbers separated by commas.")) from error


class ExportForm(forms.Form):
    recipient = forms.CharField(label=_("Recipient"), max_length=200)
    agency = forms.CharField(label=_("Agency"), max_length=200)
    purpose = forms.CharField(label=_("Purpose"), max_length=500)
    legal_basis = forms.CharField(label=_("Legal basis"), max_length=200)


class LegalHoldForm(forms.Form):
    """Set or lift a legal hold (44 U.S.C. 3106: nothing under a hold is destroyed; C-37).

    The action is named, never implied by a missing field, so a lost value cannot lift a hold.
    """

    action = forms.ChoiceField(
        choices=[("set", _("Set legal hold")), ("lift", _("Lift legal hold"))],
        widget=forms.HiddenInput,
    )
    reason = forms.CharField(
        label=_("Reason (e.g. the litigation, request or inquiry)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )


class DisposeForm(forms.Form):
    """Dispose of an item under a records-schedule item (44 U.S.C. 3105-3106; C-37)."""

    schedule_item = forms.CharField(
        label=_("Records-schedule item"),
        help_text=_("For example GRS 5.2 item 020 or N1-065-10-1/2."),
        max_length=100,
    )
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    confirm = forms.BooleanField(
        label=_(
            "I confirm that the retention period has ended, no hold applies, and the file will "
            "no longer be released."
        )
    )
