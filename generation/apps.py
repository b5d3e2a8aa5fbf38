from django.apps import AppConfig


class GenerationConfig(AppConfig):
    name = "generation"
    verbose_name = "Generation"

    def ready(self) -> None:
        from django_q.signals import post_spawn

        from generation import receivers  # noqa: F401  (connects the moderation signals)
        from generation.metrics import worker_model_announce

        post_spawn.connect(worker_model_announce, dispatch_uid="generation.worker_model")

        from generation.workers import worker_heartbeat_start

        # Each forked worker process announces itself and keeps a heartbeat.
        post_spawn.connect(worker_heartbeat_start, dispatch_uid="generation-worker-heartbeat")

        from generation.subjects import subjects_register

        subjects_register()
