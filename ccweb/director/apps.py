from django.apps import AppConfig


class DirectorConfig(AppConfig):
    name = "ccweb.director"
    label = "director"
    verbose_name = "Director"
