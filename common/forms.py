"""The form renderer: USWDS markup from templates/django/forms/, errors linked to their fields."""

from typing import Any

from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting


class CustosBoundField(BoundField):
    """Point a field with errors at its error message, so screen readers read it out."""

    def build_widget_attrs(self, attrs: dict[str, Any], widget: Any = None) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        if self.form.is_bound and self.errors:
            described = [attrs.get("aria-describedby", ""), f"{self.auto_id}_error"]
            attrs["aria-describedby"] = " ".join(part for part in described if part)
        return attrs


class CustosFormRenderer(TemplatesSetting):
    bound_field_class = CustosBoundField
