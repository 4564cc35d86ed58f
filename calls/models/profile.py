"""Call profile fields: the 43 mandatory fields of the guide's Table 1 plus user fields."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower

TAPI_PREFIX = "_STCC_"


class FieldKind(models.TextChoices):
    MANDATORY = "mandatory", "Mandatory"
    USER = "user", "User"


class DataType(models.TextChoices):
    TEXT = "text", "Text"
    NUMBER = "number", "Number"
    CURRENCY = "currency", "Currency"
    DATE = "date", "Date"
    TIME = "time", "Time"
    PHONE = "phone", "Phone number"


def validate_field_name(name: str) -> None:
    """Names are used as `%Name%` tokens in SQL, so `%` and edge spaces cannot be allowed."""
    if not name or not name.strip():
        raise ValidationError("A call profile field needs a name.", code="blank")
    if "%" in name:
        raise ValidationError(
            "A call profile field name cannot contain '%': it delimits fields in SQL (%Field Name%).",
            code="percent",
        )
    if name != name.strip():
        raise ValidationError("A call profile field name cannot start or end with a space.", code="spaces")
    if any(ord(ch) < 32 for ch in name):
        raise ValidationError("A call profile field name cannot contain control characters.", code="control")


class CallProfileField(models.Model):
    name = models.CharField(
        max_length=64,
        unique=True,
        validators=[validate_field_name],
        help_text="Case-sensitive; used in SQL as %Name%.",
    )
    tapi_property = models.CharField("TAPI property", max_length=80, editable=False)
    description = models.CharField(max_length=500, blank=True)
    kind = models.CharField(max_length=10, choices=FieldKind.choices, default=FieldKind.USER, editable=False)
    data_type = models.CharField(max_length=10, choices=DataType.choices, default=DataType.TEXT)
    exported = models.BooleanField(
        "exported as a call property",
        default=False,
        help_text="Carried to the agent as the call property _STCC_<Name> (SIP header X-STCC-<Name>).",
    )
    position = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        db_table = "acd_callprofilefield"  # created by the acd app before the calls app existed
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="profile_field_name_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_mandatory(self) -> bool:
        return self.kind == FieldKind.MANDATORY

    def clean(self) -> None:
        if self.pk is not None:
            stored = CallProfileField.objects.filter(pk=self.pk).first()
            if stored is not None and stored.is_mandatory:
                changed = [
                    f
                    for f in ("name", "description", "data_type", "exported", "kind")
                    if getattr(stored, f) != getattr(self, f)
                ]
                if changed:
                    raise ValidationError(
                        {
                            f: f"'{stored.name}' is a mandatory call profile field: it cannot be changed."
                            for f in changed
                        }
                    )
        if not self.name:
            return
        clash = CallProfileField.objects.filter(name__iexact=self.name).exclude(pk=self.pk).first()
        if clash is not None:
            what = "the mandatory field" if clash.is_mandatory else "the user field"
            raise ValidationError(
                {"name": f"'{self.name}' collides with {what} '{clash.name}' (names are compared ignoring case)."}
            )
