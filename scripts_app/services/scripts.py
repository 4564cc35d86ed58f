from ccweb.services import ConfigService, register
from scripts_app.models import Script


@register
class ScriptService(ConfigService[Script]):
    model = Script
