from django.apps import AppConfig


class DirectorConfig(AppConfig):
    name = "director"
    verbose_name = "Director"
