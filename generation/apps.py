from django.apps import AppConfig


class GenerationConfig(AppConfig):
    name = "generation"
    verbose_name = "Generation"

    def ready(self) -> None:
        from generation import receivers  # noqa: F401  (connects the moderation signals)
        from generation.subjects import subjects_register

        subjects_register()
