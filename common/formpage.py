"""A refused form submit comes back with its errors and what was typed (422), never a bare redirect.

Shared by the case and intelligence pages: one function per form-backed action runs the service,
redirects with a message when it is done, and otherwise renders ``form_page.html`` again with the
service's reason on the field it names.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render


def errors_to_form(
    form: forms.Form, error: ValidationError, rename: dict[str, str] | None = None
) -> None:
    """Put a service's refusal on the form: on its field when it names one, else on the form.

    `rename` maps a service's key to the form field it concerns (a case's "status" is the "to"
    field of the transition form).
    """
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for key, errors in error.message_dict.items():
        field = (rename or {}).get(key, key)
        for message in errors:
            form.add_error(field if field in form.fields else None, message)


def refused_form(
    request: HttpRequest,
    form: forms.Form,
    *,
    heading: str,
    back_url: str,
    back_label: str,
    hidden: dict[str, str] | None = None,
) -> HttpResponse:
    """Show the form again with its errors and everything typed (422)."""
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "heading": heading,
            "back_url": back_url,
            "back_label": back_label,
            "hidden": hidden or {},
        },
        status=422,
    )


def form_action(
    request: HttpRequest,
    form: forms.Form,
    *,
    act: Callable[[dict[str, Any]], object],
    done: str,
    then: str,
    heading: str,
    back_label: str,
    rename: dict[str, str] | None = None,
    hidden: dict[str, str] | None = None,
) -> HttpResponse:
    """Run one form-backed action: done, back to `then` with a message; refused, the form (422).

    Bad input and the service's refusals (the reason it gives) are listed with the form, and what
    the user typed stays in it, so a refused submit loses nothing.
    """
    if form.is_valid():
        try:
            act(form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error, rename)
        else:
            messages.success(request, done)
            return redirect(then)
    return refused_form(
        request, form, heading=heading, back_url=then, back_label=back_label, hidden=hidden
    )
