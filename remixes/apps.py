from django.apps import AppConfig


class RemixesConfig(AppConfig):
    name = "remixes"
    verbose_name = "Remixes"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import auth, safehttp, signals  # noqa: F401  (signal receivers, system checks)
