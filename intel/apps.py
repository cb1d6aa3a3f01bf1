from django.apps import AppConfig


class IntelConfig(AppConfig):
    name = "intel"
