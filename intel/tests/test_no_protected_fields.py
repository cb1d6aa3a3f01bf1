"""C-02 (28 CFR 23.20(b); 5 U.S.C. 552a(e)(7)): no model anywhere in Custos has a field, or a
choice, for political, religious or social views, associations or protest attendance."""

from __future__ import annotations

import re

from django.apps import apps
from django.test.utils import isolate_apps

BANNED = re.compile(
    r"relig|faith|church|mosque|synagog|politic|party_affil|affiliation|ideolog|belief|opinion|"
    r"view_on|views|union_member|membership|member_of|association|organi[sz]ation_member|"
    r"protest|rally|demonstrat|march_attend|attendance|assembly|petition|activis|"
    r"sexual_orient|ethnic|race\b|^race",
    re.IGNORECASE,
)

# Names that match a banned stem but are not about beliefs or associations.
ALLOWED = {
    # The audit trail records a case's or an incident's "view" (a read), not a person's views.
    ("audit", "AuditEvent", "verb"),
}


def _project_models():
    for model in apps.get_models():
        module = model.__module__.split(".")[0]
        if module in {
            "accounts",
            "audit",
            "incidents",
            "evidence",
            "cases",
            "intel",
            "exposure",
            "threats",
            "force",
            "stats",
            "common",
        }:
            yield model


def test_no_model_has_a_field_for_views_religion_associations_or_protest_attendance():
    offenders = []
    checked = 0
    for model in _project_models():
        for field in model._meta.get_fields():
            name = getattr(field, "name", "")
            key = (model._meta.app_label, model.__name__, name)
            if key in ALLOWED:
                continue
            checked += 1
            if BANNED.search(name) or BANNED.search(str(getattr(field, "verbose_name", ""))):
                offenders.append(f"{model._meta.label}.{name}")
            for value, label in getattr(field, "flatchoices", None) or []:
                if BANNED.search(str(value)) or BANNED.search(str(label)):
                    offenders.append(f"{model._meta.label}.{name} choice {value!r}")
    assert checked > 50  # the walk saw the whole project, not an empty list
    assert offenders == []


@isolate_apps("intel")
def test_the_introspection_would_catch_a_banned_field():
    from django.db import models

    class Probe(models.Model):  # noqa: DJ008
        religious_affiliation = models.CharField(max_length=10)
        attended_protest = models.BooleanField()

        class Meta:
            app_label = "intel"

    names = [f.name for f in Probe._meta.get_fields()]
    assert [n for n in names if BANNED.search(n)] == ["religious_affiliation", "attended_protest"]
