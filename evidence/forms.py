"""Forms for the evidence pages (USWDS rendering comes from the project's form renderer)."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext
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


# Section 508 / WCAG 2.1 AA (2.1.1 Keyboard, 1.3.1, 3.3.1, 3.3.3): every redaction box is a row
# of four labelled number inputs that work with a keyboard, a screen reader and without script;
# drawing with the mouse only fills the same inputs.
BOX_EDGES = ("left", "top", "right", "bottom")
BOX_PREFIX = "box"
MAX_BOXES = 100


class BoxForm(forms.Form):
    """One redaction box in the image's own pixels, counted from 0 at the top left."""

    left = forms.IntegerField(label=_("Left"), min_value=0, required=False)
    top = forms.IntegerField(label=_("Top"), min_value=0, required=False)
    right = forms.IntegerField(label=_("Right"), min_value=0, required=False)
    bottom = forms.IntegerField(label=_("Bottom"), min_value=0, required=False)

    def __init__(self, *args: Any, image_size: tuple[int, int] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.image_size = image_size
        for name in BOX_EDGES:
            attrs = self.fields[name].widget.attrs
            attrs.update({"class": "usa-input--small", "inputmode": "numeric"})
            attrs["data-box-edge"] = name
            if image_size is not None:
                attrs["max"] = image_size[0 if name in ("left", "right") else 1] - 1

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if any(name in self.errors for name in BOX_EDGES):
            return data
        values = [data.get(name) for name in BOX_EDGES]
        if all(value is None for value in values):
            return data  # an empty row is no box
        for name, value in zip(BOX_EDGES, values, strict=True):
            if value is None:
                self.add_error(name, _("Give all four edges of the box, or leave the row empty."))
        for name, message in box_problems(values, self.image_size):
            self.add_error(name, message)
        return data

    def box(self) -> list[int] | None:
        """Return [left, top, right, bottom], or None for an empty row."""
        values = [self.cleaned_data.get(name) for name in BOX_EDGES]
        return None if any(value is None for value in values) else values  # type: ignore[return-value]


def box_problems(
    box: Sequence[int | None], image_size: tuple[int, int] | None
) -> list[tuple[str, str]]:
    """Say what is wrong with one box: (edge, message) for each problem, none when it is good.

    A box has a positive size (right of left, below top) and lies inside the image (pixels are
    counted from 0, so the last column is width - 1), as media.redact_image draws it. A missing
    edge (None) is left to the caller; the others are still checked.
    """
    left, top, right, bottom = box
    problems: list[tuple[str, str]] = []
    for name, value in zip(BOX_EDGES, box, strict=True):
        if value is not None and value < 0:
            problems.append((name, gettext("Must be 0 or more.")))
    if left is not None and right is not None and right <= left:
        problems.append(("right", gettext("The right edge must be greater than the left edge.")))
    if top is not None and bottom is not None and bottom <= top:
        problems.append(("bottom", gettext("The bottom edge must be greater than the top edge.")))
    if image_size is not None:
        width, height = image_size
        for name, value, limit in (
            ("left", left, width),
            ("right", right, width),
            ("top", top, height),
            ("bottom", bottom, height),
        ):
            if value is not None and value > limit - 1:
                if name in ("left", "right"):
                    message = gettext("Outside the image (%(size)s pixels wide): at most %(last)s.")
                else:
                    message = gettext("Outside the image (%(size)s pixels high): at most %(last)s.")
                problems.append((name, message % {"last": limit - 1, "size": limit}))
    return problems


class BaseBoxFormSet(forms.BaseFormSet):
    """The rows of boxes. No row is an "initial" form: an empty row is simply no box."""

    def __init__(self, *args: Any, image_size: tuple[int, int] | None = None, **kwargs: Any):
        self.image_size = image_size
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {"image_size": self.image_size}

    def initial_form_count(self) -> int:
        return 0

    def total_form_count(self) -> int:
        if self.is_bound:
            return super().total_form_count()
        return len(self.initial or []) + self.extra

    def boxes(self) -> list[list[int]]:
        return [box for form in self.forms if (box := form.box()) is not None]


BoxFormSet: type[BaseBoxFormSet] = forms.formset_factory(  # type: ignore[assignment]
    BoxForm,
    formset=BaseBoxFormSet,
    extra=1,
    max_num=MAX_BOXES,
    validate_max=True,
    absolute_max=MAX_BOXES,
)


class RedactForm(forms.Form):
    """A redacted copy: boxes over an image (rows of edges), or the PDF pages to keep.

    ``boxes`` as JSON [[x0, y0, x1, y1], ...] is still accepted from a script (back-compat);
    the page itself offers the rows in ``self.rows``.
    """

    boxes = forms.CharField(
        label=_("Boxes to black out, as JSON [[x0, y0, x1, y1], …] in image pixels"),
        required=False,
        widget=forms.HiddenInput,
    )
    pages = forms.CharField(label=_("PDF pages to keep, e.g. 1,3"), required=False)
    reason = forms.CharField(label=_("Reason"), max_length=2000)

    def __init__(
        self,
        data: Any = None,
        *args: Any,
        image_size: tuple[int, int] | None = None,
        rows: list[dict[str, Any]] | None = None,
        extra_rows: int = 1,
        **kwargs: Any,
    ) -> None:
        super().__init__(data, *args, **kwargs)
        self.image_size = image_size
        if data is not None and f"{BOX_PREFIX}-TOTAL_FORMS" not in data:
            # A script that posts only the JSON field has no rows.
            data = data.copy()
            data.update({f"{BOX_PREFIX}-TOTAL_FORMS": "0", f"{BOX_PREFIX}-INITIAL_FORMS": "0"})
        if rows is not None or data is None:
            formset = BoxFormSet(prefix=BOX_PREFIX, initial=rows or [], image_size=image_size)
            formset.extra = extra_rows
        else:
            formset = BoxFormSet(data, prefix=BOX_PREFIX, image_size=image_size)
        self.rows = formset

    def clean_boxes(self) -> list[list[int]]:
        raw = self.cleaned_data["boxes"].strip()
        if not raw:
            return []
        try:
            boxes = json.loads(raw)
            if not isinstance(boxes, list) or not all(len(box) == 4 for box in boxes):
                raise ValueError
            values = [value for box in boxes for value in box]
        except (ValueError, TypeError) as error:
            raise forms.ValidationError(_("Write boxes as [[x0, y0, x1, y1], …].")) from error
        # json.loads reads Infinity, NaN and 1e999 as floats; int() of them raises (an
        # OverflowError was a 500). Refuse them here with the other input errors.
        if any(isinstance(value, float) and not math.isfinite(value) for value in values):
            raise forms.ValidationError(_("Box edges must be whole numbers of pixels."))
        if len(boxes) > MAX_BOXES:
            raise forms.ValidationError(
                _("At most %(max)s boxes can be drawn on one copy.") % {"max": MAX_BOXES}
            )
        try:
            boxes = [[int(value) for value in box] for box in boxes]
        except (ValueError, TypeError) as error:
            raise forms.ValidationError(_("Write boxes as [[x0, y0, x1, y1], …].")) from error
        errors = [
            _("Box %(number)s: %(problem)s") % {"number": number, "problem": problem}
            for number, box in enumerate(boxes, start=1)
            for _edge_name, problem in box_problems(box, self.image_size)
        ]
        if errors:
            raise forms.ValidationError(errors)
        return boxes

    def clean_pages(self) -> list[int]:
        raw = self.cleaned_data["pages"].strip()
        if not raw:
            return []
        try:
            return [int(part) for part in raw.replace(" ", "").split(",") if part]
        except ValueError as error:
            raise forms.ValidationError(_("Write page numbers separated by commas.")) from error

    def is_valid(self) -> bool:
        # Both are checked, so every row's errors show at once with the form's.
        form_valid = super().is_valid()
        rows_valid = self.rows.is_valid()
        if form_valid and rows_valid:
            boxes = self.cleaned_data["boxes"] + self.rows.boxes()
            if len(boxes) > MAX_BOXES:
                # Each source is capped; together they must be too (each box is drawn).
                self.add_error(
                    "boxes",
                    _("At most %(max)s boxes can be drawn on one copy.") % {"max": MAX_BOXES},
                )
                return False
            self.cleaned_data["boxes"] = boxes
        return form_valid and rows_valid

    def rows_as_initial(self, *, drop: int | None = None) -> list[dict[str, Any]]:
        """The rows as typed (bound data), without row ``drop`` and without empty rows."""
        kept = []
        for index, form in enumerate(self.rows.forms):
            if index == drop:
                continue
            values = {name: form[name].value() for name in BOX_EDGES}
            if any(value not in (None, "") for value in values.values()):
                kept.append(values)
        return kept


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
