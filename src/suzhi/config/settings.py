"""Settings, all read from the environment so one build runs a township PC and a province cluster.

Environment: DATABASE_URL, SECRET_KEY, DEBUG, ALLOWED_HOSTS, REDIS_URL, SUZHI_DATA_DIR,
SUZHI_SESSION_IDLE_MINUTES, SUZHI_HTTPS, SUZHI_PROXY_COUNT, SUZHI_LOG_LEVEL, SUZHI_REFRESH_MIN_SECONDS,
SUZHI_REFRESH_RETRY_SECONDS, SUZHI_TASKS, SUZHI_FILES_DIR, SUZHI_FILES_MAX_PIXELS; with REDIS_URL, SUZHI_SESSION_ENGINE
(sessions in the database behind the cache by default; `django.contrib.sessions.backends.cache` keeps them in Redis
only).
"""

import os
import sys
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent  # src/suzhi
PROJECT_DIR = BASE_DIR.parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
TESTING = env_bool("SUZHI_TESTING", "pytest" in sys.modules)



def source_checkout(project_dir: Path) -> bool:
    """Whether the code runs from a source checkout (pyproject.toml and .git beside src/), not from an
    installed package: only there may commands run without a SECRET_KEY."""
    return (project_dir / "pyproject.toml").is_file() and (project_dir / ".git").exists() \
        and (project_dir / "src" / "suzhi").is_dir()


_DEV_SECRET = "django-insecure-suzhi-development-key-only-for-local-demo-and-tests"  # noqa: S105
SECRET_KEY = os.environ.get("SECRET_KEY") or _DEV_SECRET
# True when the development key stands in for a missing SECRET_KEY in a checkout: commands only, the WSGI and
# ASGI applications refuse to serve with it.
SECRET_KEY_COMMANDS_ONLY = False
if SECRET_KEY == _DEV_SECRET and not (DEBUG or TESTING):
    if os.environ.get("DEBUG", "") == "" and source_checkout(PROJECT_DIR):
        # A developer trying the commands in a checkout (`.venv/bin/suzhi plan validate …`): the development
        # key, said plainly. DEBUG=0 says production, where the key must be set; an installed package never
        # takes this branch.
        sys.stderr.write("Warning: SECRET_KEY is not set; using the development key of this source checkout "
                         "(never in production). 警告：未设置 SECRET_KEY，使用源码目录的开发密钥（不可用于生产）。\n")
        SECRET_KEY_COMMANDS_ONLY = True
    else:
        # Refuse to run a production server with a key everyone can read in the source.
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if (DEBUG or TESTING) else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

DATA_DIR = Path(os.environ.get("SUZHI_DATA_DIR") or PROJECT_DIR / "var")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
    "treebeard",
    "rules.apps.AutodiscoverRulesConfig",
    "django_tasks",
    "suzhi.core",
    "suzhi.people",
    "suzhi.campaigns",
    "suzhi.judging",
    "suzhi.certificates",
    "suzhi.training",
    "suzhi.quizzes",
    "suzhi.collections",
    "suzhi.competitions",
    "suzhi.honours",
]
# Activity kinds from other packages plug in the same way: their app, one line here (comma-separated).
INSTALLED_APPS += env_list("SUZHI_EXTRA_APPS", "")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "suzhi.core.sessions.SlidingSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "suzhi.core.middleware.UploadSizeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "suzhi.core.middleware.RequestContextMiddleware",
    "suzhi.core.middleware.PasswordChangeRequiredMiddleware",
    "suzhi.core.middleware.DomainErrorMiddleware",
]

# The plan editor posts every phase, activity, target and award of a city plan at once: 80 activities and 40
# targets are about 1,300 fields, over Django's default of 1,000 (a guard against hash-collision floods, which
# Python's randomised string hashing makes moot; the request-size limit still applies).
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# An import's uploaded file waits this long (seconds) for its confirmation (suzhi.core.uploads).
SUZHI_STAGED_UPLOAD_MAX_AGE = int(os.environ.get("SUZHI_STAGED_UPLOAD_MAX_AGE", str(24 * 3600)))
# Uploads and the spreadsheets read from them (suzhi.core.middleware, suzhi.core.excel_limits): the largest file
# (a request may be 1 MB longer for the form around it), the first sheet's block from A1 to its farthest cell,
# the unpacked size of an .xlsx/.ods and how much more than packed a part may take, and the text shared strings
# may copy into the cells (UTF-8 bytes). The 100,000-row roster import needs 100,001 rows × 11 columns, 75 MB.
SUZHI_UPLOAD_MAX_BYTES = int(os.environ.get("SUZHI_UPLOAD_MAX_MB", "20")) * 2**20
SUZHI_SHEET_MAX_ROWS = int(os.environ.get("SUZHI_SHEET_MAX_ROWS", "200000"))
SUZHI_SHEET_MAX_COLUMNS = 200
SUZHI_SHEET_MAX_CELLS = int(os.environ.get("SUZHI_SHEET_MAX_CELLS", "4000000"))
SUZHI_SHEET_MAX_UNZIPPED_BYTES = 400 * 2**20
SUZHI_SHEET_MAX_ZIP_RATIO = 200
SUZHI_SHEET_MAX_TEXT_BYTES = 200 * 2**20
# Uploaded attachments (suzhi.core.files): kept under SUZHI_FILES_DIR, outside the web root and the static files,
# served only through views that check the caller's scope first; an image may have at most this many pixels
# (a decompression bomb's header claims far more).
SUZHI_FILES_DIR = Path(os.environ.get("SUZHI_FILES_DIR") or DATA_DIR / "files")
SUZHI_FILES_MAX_PIXELS = int(os.environ.get("SUZHI_FILES_MAX_PIXELS", str(50_000_000)))

ROOT_URLCONF = "suzhi.config.urls"
WSGI_APPLICATION = "suzhi.config.wsgi.application"
ASGI_APPLICATION = "suzhi.config.asgi.application"

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
                "suzhi.core.context_processors.navigation",
            ],
        },
    }
]

# Database: SQLite (WAL, busy timeout) by default, anything dj-database-url knows via DATABASE_URL.
_default_sqlite = f"sqlite:///{DATA_DIR / 'suzhi.sqlite3'}"
if not os.environ.get("DATABASE_URL"):
    DATA_DIR.mkdir(parents=True, exist_ok=True)  # a fresh checkout has no var/ yet
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL") or _default_sqlite, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
    }
else:
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "suzhi.core.auth_backend.UsernameOrPhoneBackend",
    "rules.permissions.ObjectPermissionBackend",
]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:login"

if TESTING:
    # Tests create many users; the slow default hasher is not what they measure.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "suzhi.core.passwords.ComplexityValidator", "OPTIONS": {"min_length": 8, "min_classes": 3}},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# 等保 2.0: idle sessions end; requests slide the expiry (suzhi.core.sessions: the session is written again at
# most once a minute, not on every request).
SESSION_IDLE_MINUTES = int(os.environ.get("SUZHI_SESSION_IDLE_MINUTES", "30"))
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_TOUCH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
LOGIN_LOCKOUT_FAILURES = 5
LOGIN_LOCKOUT_MINUTES = 15

# HTTPS hardening is on whenever DEBUG is off, unless an intranet site explicitly runs plain HTTP.
HTTPS = env_bool("SUZHI_HTTPS", not (DEBUG or TESTING))
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if HTTPS:
    SECURE_SSL_REDIRECT = env_bool("SUZHI_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SUZHI_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
PROXY_COUNT = int(os.environ.get("SUZHI_PROXY_COUNT", "0"))
NINJA_NUM_PROXIES = PROXY_COUNT or None

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_ROOT = DATA_DIR / "media"
# The plan files `suzhi demo` loads (the seed's Dunhuang plan first).
PLANS_DIR = Path(os.environ.get("SUZHI_PLANS_DIR") or PROJECT_DIR / "plans")
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if (DEBUG or TESTING)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    # Sessions in the database behind the cache: read from Redis, written to both (at most once a minute, see
    # suzhi.core.sessions), so a restart of Redis logs nobody out. `...backends.cache` keeps them in Redis only.
    SESSION_ENGINE = os.environ.get("SUZHI_SESSION_ENGINE", "django.contrib.sessions.backends.cached_db")
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Background work (django-tasks): a thread pool inside the web process by default (one server, a
# township); tests run tasks at once; a province sets SUZHI_TASKS=rq and runs RQ workers on Redis.
# Recomputations of the same contest's ranks or campaign's targets start at least this far apart (seconds).
SUZHI_REFRESH_MIN_SECONDS = 0 if TESTING else float(os.environ.get("SUZHI_REFRESH_MIN_SECONDS", "20"))
# A recomputation asked for and not done this long after it was queued is queued again (suzhi.core.tasks); by
# default its spacing plus a minute.
SUZHI_REFRESH_RETRY_SECONDS = (float(os.environ["SUZHI_REFRESH_RETRY_SECONDS"])
                               if os.environ.get("SUZHI_REFRESH_RETRY_SECONDS") else None)
if TESTING:
    TASKS: dict[str, dict[str, object]] = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
elif os.environ.get("SUZHI_TASKS") == "rq":
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {"default": {"URL": REDIS_URL or "redis://127.0.0.1:6379/0"}}
    # `suzhi rqworker default` runs the worker that also sweeps (suzhi.core.queue_worker) on django-tasks' jobs.
    RQ = {"WORKER_CLASS": "suzhi.core.queue_worker.SweepingWorker", "JOB_CLASS": "django_tasks_rq.Job"}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
else:
    TASKS = {"default": {"BACKEND": "suzhi.core.tasks.ThreadPoolBackend", "OPTIONS": {"MAX_WORKERS": 2}}}

NINJA_PAGINATION_PER_PAGE = 20
NINJA_PAGINATION_MAX_PER_PAGE_SIZE = 200

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact": {"()": "suzhi.core.logging.RedactPersonalDataFilter"},
        "access": {"()": "suzhi.core.logging.AccessLogFilter"},
    },
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("SUZHI_LOG_LEVEL", "INFO")},
    # runserver's request lines, without query strings (which carry what was searched for).
    "loggers": {
        "django.server": {"handlers": ["console"], "filters": ["access"], "level": "INFO", "propagate": False},
        # A line per task start and end buries what matters (failures are still logged, at WARNING and above).
        "django_tasks": {"level": os.environ.get("SUZHI_TASKS_LOG_LEVEL", "WARNING")},
    },
}

SUZHI = {
    "APP_NAME": _("Suzhi quality-improvement platform"),
}
