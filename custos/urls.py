"""Top-level URLs. Each app with a `urls.py` is included at the root under its own namespace."""

import importlib.util

from django.conf import settings
from django.urls import include, path

from accounts.views import set_language
from custos.api import api

urlpatterns = [
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/v1/", api.urls),
]

for _app in settings.INSTALLED_APPS:
    if "." not in _app and importlib.util.find_spec(f"{_app}.urls") is not None:
        urlpatterns.append(path("", include(f"{_app}.urls")))

handler403 = "common.views.forbidden"
handler404 = "common.views.not_found"
