from django.apps import AppConfig


class ForceConfig(AppConfig):
    name = "force"
