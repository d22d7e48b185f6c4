from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "Read API"

    def ready(self):
        from . import signals  # noqa: F401  (keeps what partners sync by in step)
