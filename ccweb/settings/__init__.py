"""ccweb settings: every value comes from the environment, with a safe embedded default.

See docs/configuration.md for the full list of variables.
"""

from pathlib import Path

from ccweb.settings.env import database_from_url, env_bool, env_int, env_list, env_str, generated_secret

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("CCWEB_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = env_str("SECRET_KEY", "") or generated_secret(VAR_DIR / "secret_key")
# Key for DatabaseConnection passwords at rest; separate from SECRET_KEY so that
# rotating sessions does not make stored credentials unreadable.
FIELD_ENCRYPTION_KEY = env_str("CCWEB_FIELD_ENCRYPTION_KEY", "") or generated_secret(
    VAR_DIR / "field_encryption_key", fernet=True
)

DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "*"] if DEBUG else ["*"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
CCWEB_CONFIG_DIR = Path(env_str("CCWEB_CONFIG_DIR", str(VAR_DIR / "config")))
REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
CCWEB_DEFAULT_MOH = VAR_DIR / "media" / "moh" / "default.wav"

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "core",
    "calls",
    "scripts_app",
    "acd",
    "routing",
    "dialer",
    "media_worker",
    "sip_front",
    "director",
    "desktop",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "ccweb.urls"
WSGI_APPLICATION = "ccweb.wsgi.application"
ASGI_APPLICATION = "ccweb.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "director.navigation.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": database_from_url(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'ccweb.sqlite3'}"),
        conn_max_age=int(env_str("CONN_MAX_AGE", "0")),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "director:login"
LOGIN_REDIRECT_URL = "director:home"
LOGOUT_REDIRECT_URL = "director:login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
# Serve straight from the apps when collectstatic has not run yet (development, tests).
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

SESSION_COOKIE_SECURE = env_bool("CCWEB_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
if env_bool("CCWEB_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so that an unauthenticated request gets 401 with WWW-Authenticate.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.api.permissions.RolePermission"],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.Pagination",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exceptions.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ccweb API",
    "DESCRIPTION": "Configuration of the ccweb contact center: call profile fields, "
    "database connections, IRNs, DNIS, services, groups, agents and skills.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # No CDN is reachable from a contact center's LAN: serve Swagger UI and Redoc ourselves.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {"DestinationKindEnum": "calls.models.destinations.DestinationKind"},
}

CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        # The default capacity (100) silently drops messages in a burst.
        "CONFIG": {"hosts": [REDIS_URL], "capacity": 5000, "expiry": 60},
    }
}

# Live ACD state in Redis and its Channels groups (tests use their own prefixes).
ACD_REDIS_PREFIX = env_str("CCWEB_ACD_REDIS_PREFIX", "ccweb:acd:")
ACD_LIVE_GROUP_PREFIX = env_str("CCWEB_ACD_GROUP_PREFIX", "ccweb.acd.")
# an agent whose phone refuses this many offered calls in a row is released (code phone-failed)
CCWEB_AGENT_PHONE_FAILURES = env_int("CCWEB_AGENT_PHONE_FAILURES", 3, minimum=1)

# Agent phones (docs/sip-front.md, "Agent phones"). The domain phones register in; the digest realm
# (HA1 = md5(extension:realm:password), so changing it needs no new passwords: the stored ones are
# re-hashed when the SIP front starts); the front's address the media children send phone legs to.
_SIP_LISTEN = env_str("CCWEB_SIP_LISTEN", "").strip()
_SIP_LISTEN = "" if _SIP_LISTEN in ("0.0.0.0", "::") else _SIP_LISTEN
_SIP_ADVERTISED = env_str("CCWEB_SIP_ADVERTISE", "").strip()
_SIP_ADVERTISED = _SIP_ADVERTISED.rsplit(":", 1)[0] if _SIP_ADVERTISED.count(":") == 1 else _SIP_ADVERTISED
SIP_DOMAIN = env_str("CCWEB_SIP_DOMAIN", "").strip() or _SIP_ADVERTISED or _SIP_LISTEN or "localhost"
SIP_REALM = env_str("CCWEB_SIP_REALM", "").strip() or SIP_DOMAIN
SIP_FRONT_ADDRESS = env_str("CCWEB_SIP_FRONT", "").strip() or (
    f"{_SIP_LISTEN or '127.0.0.1'}:{env_int('CCWEB_SIP_PORT', 5060, minimum=1)}"
)
# Browser phones: Kamailio's WebSocket, and the auth_ephemeral secret it shares with this process
SIP_WS_PORT = env_int("CCWEB_SIP_WS_PORT", 5066)
SIP_WS_URL = env_str("CCWEB_SIP_WS_URL", "").strip()  # e.g. wss://pbx.example.com/sip behind a TLS proxy
SIP_WEB_SECRET = env_str("CCWEB_SIP_WEB_SECRET", "").strip() or generated_secret(VAR_DIR / "sip_web_secret")
SIP_WEB_TTL = env_int("CCWEB_SIP_WEB_TTL", 12 * 3600, minimum=60)

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", REDIS_URL)
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "reload-shoretelcfg": {
        "task": "acd.tasks.reload_shoretelcfg",
        "schedule": float(env_str("CCWEB_CONFIG_POLL_SECONDS", "10")),
    },
    "reconcile-acd": {
        "task": "acd.tasks.reconcile_acd",
        "schedule": float(env_str("CCWEB_ACD_RECONCILE_SECONDS", "1")),
    },
    # Routing configuration into the live engine; saves sync at once, this catches up after a Redis outage.
    "sync-acd-config": {
        "task": "acd.tasks_config.sync_acd_config",
        "schedule": float(env_str("CCWEB_ACD_CONFIG_SYNC_SECONDS", "60")),
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # Beat runs small jobs every second: log their results only when something goes wrong.
    "loggers": {
        "celery.worker.strategy": {"level": "WARNING"},
        "celery.app.trace": {"level": "WARNING"},
        "celery.beat": {"level": "WARNING"},
    },
}
