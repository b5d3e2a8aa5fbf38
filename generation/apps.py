from django.apps import AppConfig


class GenerationConfig(AppConfig):
    name = "generation"
    verbose_name = "Generation"

    def ready(self) -> None:
        from django_q.signals import post_spawn

        from generation import receivers  # noqa: F401  (connects the moderation signals)
        from generation.metrics import worker_model_announce

        post_spawn.connect(worker_model_announce, dispatch_uid="generation.worker_model")
