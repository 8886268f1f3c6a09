from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeachingConfig(AppConfig):
    name = "teaching"
    verbose_name = _("Lens teaching")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Registers the lesson-integrity system check with `manage.py check`.
        from teaching import checks  # noqa: F401
        from teaching.content_versions import connect_content_versions

        connect_content_versions()
