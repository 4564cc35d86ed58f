"""System > Misc: settings with one value per installation."""

from django.db import models


class Language(models.IntegerChoices):
    """The call profile's Language field values (guide, Table 1)."""

    ENGLISH = 0, "English"
    HEBREW = 1, "Hebrew"
    RUSSIAN = 2, "Russian"
    ARABIC = 3, "Arabic"
    MEXICAN_SPANISH = 4, "Mexican Spanish"


class SystemSettings(models.Model):
    """A single row (pk=1): read it with `calls.selectors.system_settings()`."""

    music_on_hold = models.FileField(
        "default music on hold",
        upload_to="moh/",
        blank=True,
        help_text="Played while a caller waits, including during database operations. "
        "Empty: the royalty-free default generated at set-up.",
    )
    default_language = models.PositiveSmallIntegerField(choices=Language.choices, default=Language.ENGLISH)

    class Meta:
        db_table = "acd_systemsettings"  # created by the acd app before the calls app existed
        verbose_name = "System > Misc"
        verbose_name_plural = "System > Misc"

    def __str__(self) -> str:
        return "System settings"
