"""Settings for the CITIES4CSR portal, read only from the environment (django-environ)."""

from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import environ
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
PRODUCTION = DJANGO_ENV == "production"

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str(
    "SECRET_KEY",
    default="" if PRODUCTION else "development-only-secret-key-change-me-in-production-0123456789",
)
if not SECRET_KEY:
    raise environ.ImproperlyConfigured("SECRET_KEY must be set when DJANGO_ENV=production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "django_celery_beat",
    "portal",
    "partners",
    "meetings",
    "reviews",
    "iap",
    "news",
    "progress",
    "search.apps.SiteSearchConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "portal.middleware.RequestBodyLimitMiddleware",  # before anything reads the body
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.middleware.UserLanguageMiddleware",  # the profile's language over the browser's
    "portal.middleware.UserTimezoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

# Browsers load only the portal's own scripts, styles, images and fonts: no inline script
# or style, no plug-ins, no framing. `data:` images are Bootstrap's own icons, drawn as SVG
# inside its stylesheet (the menu button, the arrows of select boxes, ticked boxes).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "object-src": [NONE],
        "base-uri": [SELF],
    },
}
# Other sites learn nothing of the portal's addresses (which name networks and cities).
SECURE_REFERRER_POLICY = "same-origin"

ROOT_URLCONF = "cities4csr.urls"
WSGI_APPLICATION = "cities4csr.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "partners.context_processors.portal",
            ],
            "builtins": ["rules.templatetags.rules"],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/cities4csr"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# A test run of its own database, so that two runs on one machine never share one.
DATABASES["default"]["TEST"] = {"NAME": env.str("TEST_DATABASE_NAME", default=None)}
# One connection per worker kept open (a new one costs more than most pages), checked
# before each request reuses it, so a restarted database costs one failed check, not a 500.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=300))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
# Behind PgBouncer in transaction mode a cursor cannot outlive its transaction.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool(
    "DATABASE_DISABLE_SERVER_SIDE_CURSORS", default=False
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "partners.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 3

#: Reverse proxies in front of the portal, each appending to X-Forwarded-For; with 0 the
#: header is ignored and the connection's own address is the client's.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# django-axes: lock an e-mail-and-address pair after repeated failures, with the e-mail
# in one spelling and the address the trusted proxies saw (partners.throttle).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "partners.throttle.lockout_username"
AXES_CLIENT_IP_CALLABLE = "partners.throttle.client_address"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True

# Throttling in the cache (partners.throttle), whichever account is tried.
LOGIN_ATTEMPTS_PER_ADDRESS = env.int("LOGIN_ATTEMPTS_PER_ADDRESS", default=20)  # per 15 min
PASSWORD_RESETS_PER_ADDRESS = env.int("PASSWORD_RESETS_PER_ADDRESS", default=10)  # per hour
PASSWORD_RESETS_PER_ACCOUNT = env.int("PASSWORD_RESETS_PER_ACCOUNT", default=3)  # per hour
THROTTLE_KEY_PREFIX = "throttle"

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("it", _("Italian")),
    ("bg", _("Bulgarian")),
    ("lv", _("Latvian")),
    ("hr", _("Croatian")),
    ("pt", _("Portuguese")),
    ("es", _("Spanish")),
    ("hu", _("Hungarian")),
    ("sk", _("Slovak")),
    ("fr", _("French")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Brussels")

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
#: Largest uploaded document or photo accepted anywhere in the portal, in megabytes.
MAX_UPLOAD_MB = env.int("MAX_UPLOAD_MB", default=20)
WHITENOISE_USE_FINDERS = not PRODUCTION
FILE_UPLOAD_PERMISSIONS = 0o640
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024


def object_storage(url: str) -> dict:
    """The uploaded files' storage for `s3://bucket/prefix?endpoint_url=…&region_name=…`.

    Credentials come from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, as boto3 reads them,
    never from the URL. Files stay private: the portal's own views check who asks and
    stream them, so the bucket needs no public access and no ACL.
    """

    def refuse(problem: str):
        return environ.ImproperlyConfigured(
            f"MEDIA_STORAGE_URL {problem}; expected "
            "s3://bucket/prefix?endpoint_url=https://s3.example.org&region_name=eu-west-1"
        )

    try:
        parts = urlsplit(url)
        bucket, port = parts.hostname, parts.port
        query = parse_qsl(parts.query, keep_blank_values=True, strict_parsing=bool(parts.query))
    except ValueError as exc:
        raise refuse(f"cannot be read ({exc})") from None
    if parts.scheme != "s3":
        raise refuse(f"has the scheme {parts.scheme!r}, not 's3'")
    if "@" in parts.netloc:
        raise refuse("holds credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY instead")
    if not bucket or port is not None or parts.netloc != bucket:
        raise refuse("does not name a bucket (lower case, no port) after s3://")
    names = [name for name, _ in query]
    unknown = sorted(set(names) - {"endpoint_url", "region_name", "addressing_style"})
    if unknown:
        raise refuse(f"has unknown parameters: {', '.join(unknown)}")
    options = dict(query)
    if len(options) != len(names) or not all(options.values()):
        raise refuse("repeats a parameter or leaves one empty")
    endpoint = urlsplit(options.get("endpoint_url", "https://s3.amazonaws.com"))
    if endpoint.scheme not in {"http", "https"} or not endpoint.hostname:
        raise refuse("has an endpoint_url that is not an http(s) address")
    if options.get("addressing_style", "auto") not in {"auto", "path", "virtual"}:
        raise refuse("has an addressing_style other than auto, path or virtual")
    if parts.fragment:
        raise refuse("ends with a #fragment")
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "location": parts.path.strip("/"),
            "endpoint_url": options.get("endpoint_url"),
            "region_name": options.get("region_name"),
            "addressing_style": options.get("addressing_style"),
            "default_acl": None,  # the bucket's own policy: private
            "querystring_auth": True,  # any address handed out is signed and expires
            "file_overwrite": False,  # as on disk, a second file of one name never replaces
        },
    }


#: Uploaded files on S3-compatible object storage when set, on the local disk otherwise.
MEDIA_STORAGE_URL = env.str("MEDIA_STORAGE_URL", default="")
STORAGES = {
    "default": (
        object_storage(MEDIA_STORAGE_URL)
        if MEDIA_STORAGE_URL
        else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    ),
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="CITIES4CSR portal <portal@example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env.str("CACHE_URL", default=REDIS_URL),
        "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="cities4csr"),
    }
}
# Sessions are read from the cache and written through to the database.
SESSION_ENGINE = "portal.sessions"
# Rendered pages are kept per person until something they show changes (portal.pagecache);
# what changes with time alone is rebuilt after this many seconds. 0 turns the cache off.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=60)
PAGE_CACHE_PREFIX = env.str("PAGE_CACHE_PREFIX", default="1")
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "UTC"
CELERY_ENABLE_UTC = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Every periodic job of the portal. Each is a sweep over database rows, so a missed
# or doubled tick only delays or repeats a no-op; the rows say what is still to do.
CELERY_BEAT_SCHEDULE = {
    "portal-send-pending-mail": {
        "task": "portal.tasks.send_pending_mail",
        "schedule": 60.0,
    },
    "meetings-send-due-reminders": {
        "task": "meetings.tasks.send_due_reminders",
        "schedule": 60.0,
    },
    "progress-send-obligation-reminders": {
        "task": "progress.tasks.send_obligation_reminders",
        "schedule": 60.0 * 60,
    },
    "news-publish-scheduled-articles": {
        "task": "news.tasks.publish_scheduled_articles",
        "schedule": 60.0,
    },
    "reviews-end-peer-reviews": {
        "task": "reviews.tasks.end_peer_reviews",
        "schedule": 60.0 * 60,
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"
