"""Custos settings, read only through typed environment helpers (django-environ).

The defaults give the embedded set-up: SQLite under var/, evidence under var/evidence/, mail to
the console. `CUSTOS_ENV=production` refuses to start with an insecure value (see
`_refuse_insecure_production`).
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("CUSTOS_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()

CUSTOS_ENV = env.str("CUSTOS_ENV", default="development")
PRODUCTION = CUSTOS_ENV == "production"
if CUSTOS_ENV not in {"development", "test", "production"}:
    raise ImproperlyConfigured("CUSTOS_ENV must be development, test or production.")

# The insecure default is only ever used outside production; see _refuse_insecure_production.
INSECURE_SECRET_KEY = "custos-insecure-development-key-do-not-use-in-production-0000000000"  # noqa: S105
SECRET_KEY = env.str("SECRET_KEY", default=INSECURE_SECRET_KEY)
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "common",
    "accounts",
    "audit",
    "incidents",
    "evidence",
    "cases",
    "intel",
    "exposure",
    "threats",
    "force",
    "stats",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.MFARequiredMiddleware",
    "accounts.middleware.ReadOnlyRoleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "audit.middleware.RequestContextMiddleware",
    # Axes must be last: it turns a lockout raised by authenticate() into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "custos.urls"
WSGI_APPLICATION = "custos.wsgi.application"
ASGI_APPLICATION = "custos.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.roles",
            ],
        },
    },
]
# Form widgets are rendered with USWDS classes by overriding Django's widget templates once,
# in templates/django/forms/ (the TemplatesSetting renderer looks there first).
FORM_RENDERER = "common.forms.CustosFormRenderer"

# Database: SQLite under var/ by default, PostgreSQL when DATABASE_URL names it.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'custos.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default keeps everything under var/; make sure it exists.
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # IMMEDIATE transactions take the write lock at BEGIN, so two writers cannot both read the
    # same audit-chain head and fork the chain; WAL lets readers continue meanwhile.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses a locked-out user before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]
if CUSTOS_ENV == "test":
    PASSWORD_HASHERS = ["common.hashers.TestArgon2PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lockout after repeated failures (django-axes), counted per username and per IP address.
AXES_FAILURE_LIMIT = env.int("CUSTOS_LOCKOUT_FAILURES", default=5)
AXES_COOLOFF_TIME = env.float("CUSTOS_LOCKOUT_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

# Idle session timeout: each request pushes the expiry forward, so the limit is on idleness.
SESSION_COOKIE_AGE = env.int("CUSTOS_SESSION_IDLE_MINUTES", default=30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

OTP_TOTP_ISSUER = env.str("CUSTOS_OTP_ISSUER", default="Custos")

# Language: the public tip form and its messages exist in English and Spanish.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"  # Store UTC; pages show the office's local time.
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# With DEBUG, WhiteNoise serves from the source folders; otherwise `custos serve` collects first.
WHITENOISE_USE_FINDERS = DEBUG

# Evidence storage: local files by default, an S3-compatible store when CUSTOS_EVIDENCE_S3_BUCKET
# is set. Only evidence/storage.py knows which one is in use.
EVIDENCE_ROOT = Path(env.str("CUSTOS_EVIDENCE_ROOT", default=str(VAR_DIR / "evidence")))
EVIDENCE_S3_BUCKET = env.str("CUSTOS_EVIDENCE_S3_BUCKET", default="")
EVIDENCE_S3_ENDPOINT_URL = env.str("CUSTOS_EVIDENCE_S3_ENDPOINT_URL", default="")
EVIDENCE_S3_REGION = env.str("CUSTOS_EVIDENCE_S3_REGION", default="us-east-1")
EVIDENCE_S3_ACCESS_KEY_ID = env.str("CUSTOS_EVIDENCE_S3_ACCESS_KEY_ID", default="")
EVIDENCE_S3_SECRET_ACCESS_KEY = env.str("CUSTOS_EVIDENCE_S3_SECRET_ACCESS_KEY", default="")
EVIDENCE_MAX_BYTES = env.int("CUSTOS_EVIDENCE_MAX_BYTES", default=4 * 1024**3)
# Resumable (tus) uploads one user may have open at once: staging disk is bounded (decision 0010).
CUSTOS_MAX_OPEN_UPLOADS = env.int("CUSTOS_MAX_OPEN_UPLOADS", default=5)
if EVIDENCE_S3_BUCKET:
    _evidence_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": EVIDENCE_S3_BUCKET,
            "endpoint_url": EVIDENCE_S3_ENDPOINT_URL or None,
            "region_name": EVIDENCE_S3_REGION,
            "access_key": EVIDENCE_S3_ACCESS_KEY_ID or None,
            "secret_key": EVIDENCE_S3_SECRET_ACCESS_KEY or None,
            # django-storages overwrites by default; evidence originals are write-once.
            "file_overwrite": False,
            "default_acl": None,
            "querystring_auth": True,
        },
    }
else:
    _evidence_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(EVIDENCE_ROOT), "base_url": None},
    }
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "media")},
    },
    "evidence": _evidence_storage,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Background work: django-tasks with its database backend; `manage.py db_worker` runs it.
TASKS = {
    "default": {
        "BACKEND": env.str("CUSTOS_TASKS_BACKEND", default="django_tasks_db.DatabaseBackend")
    }
}

# Mail: console by default; EMAIL_URL (smtp://host:port) for a real server.
_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "")
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="custos@localhost")
# Absolute links in emails (emails carry a link, never a narrative).
CUSTOS_BASE_URL = env.str("CUSTOS_BASE_URL", default="http://127.0.0.1:8000")

# Field-level encryption key for roster PII, and the key for keyed hashes used in matching.
# Comma-separated keys: the first encrypts, all decrypt, so keys can be rotated.
FIELD_ENCRYPTION_KEYS = env.list("CUSTOS_FIELD_ENCRYPTION_KEYS", default=[])
MATCHING_HMAC_KEY = env.str("CUSTOS_MATCHING_HMAC_KEY", default="")

# The default cache lives in the database, so every server process shares it: the public tip
# form's per-address rate limit must hold across gunicorn workers. CACHE_URL=redis://… also works.
CACHES = {
    "default": env.cache("CACHE_URL", default="dbcache://custos_cache"),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


def _refuse_insecure_production() -> None:
    """Refuse to start production with DEBUG, a default secret or no allowed hosts."""
    problems = []
    if DEBUG:
        problems.append("DEBUG must be off")
    if SECRET_KEY == INSECURE_SECRET_KEY or len(SECRET_KEY) < 50:
        problems.append("SECRET_KEY must be set to a long random value")
    if not ALLOWED_HOSTS:
        problems.append("ALLOWED_HOSTS must name the hosts Custos answers on")
    if len(FIELD_ENCRYPTION_KEYS) == 0:
        problems.append("CUSTOS_FIELD_ENCRYPTION_KEYS must be set")
    if len(MATCHING_HMAC_KEY) < 32:
        problems.append("CUSTOS_MATCHING_HMAC_KEY must be set (32 characters or more)")
    if problems:
        raise ImproperlyConfigured("Insecure production settings: " + "; ".join(problems) + ".")


if PRODUCTION:
    _refuse_insecure_production()
else:
    # Development and tests derive stable throwaway keys; production must set its own.
    if not FIELD_ENCRYPTION_KEYS:
        FIELD_ENCRYPTION_KEYS = ["dev-field-key-" + SECRET_KEY]
    if not MATCHING_HMAC_KEY:
        MATCHING_HMAC_KEY = "dev-matching-key-" + SECRET_KEY
