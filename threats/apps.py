from django.apps import AppConfig


class ThreatsConfig(AppConfig):
    name = "threats"
