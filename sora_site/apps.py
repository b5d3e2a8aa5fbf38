from django.apps import AppConfig


class SoraSiteConfig(AppConfig):
    name = "sora_site"
    verbose_name = "Studio"
