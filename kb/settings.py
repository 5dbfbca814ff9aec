"""Samepage settings, read from the environment (see README, "Configuration")."""

import importlib.metadata
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item]


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off."
        )
    SECRET_KEY = "insecure-development-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else ""
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "docs_registry.apps.SamepageAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "simple_history",
    "csp",
    "axes",
    "docs_registry",
    "sso",
    "integrations",
    "teamwork",
    "field",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Right after WhiteNoise: every answer but a static file is private, no-store.
    "docs_registry.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "docs_registry.middleware.SessionRenewalMiddleware",
    "docs_registry.middleware.ReadOnlyDatabaseMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    "docs_registry.middleware.SigninThrottleMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into its page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kb.urls"
WSGI_APPLICATION = "kb.wsgi.application"

TEMPLATES = [
    {
        # Django's, with each context taken apart after rendering (see the module).
        "BACKEND": "docs_registry.template_backend.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "docs_registry.context_processors.page",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's, with each statement's placeholders rewritten once (kb/sqlite). Its
    # test database stays in memory, as for Django's own engine, which is the only
    # one pytest-django's parallel runs recognise as SQLite.
    DATABASES["default"]["ENGINE"] = "kb.sqlite"
    DATABASES["default"].setdefault("TEST", {}).setdefault("NAME", ":memory:")
    # IMMEDIATE takes the write lock at BEGIN, so an atomic block that reads the
    # current version number and writes the next one cannot interleave with another
    # (select_for_update is a no-op on SQLite). WAL lets readers run alongside.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "docs_registry.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]

AUTHENTICATION_BACKENDS = [
    # First, so a locked-out address or account is refused before the password
    # is even checked.
    "axes.backends.AxesStandaloneBackend",
    "sso.backends.ProviderBackend",
    "sso.backends.PasswordBackend",
]

# Sign-in lockouts (README, "Sign-in lockouts"): an account is locked after
# AXES_FAILURE_LIMIT recent failures from anywhere, until the cool-off time has
# passed since its last failure (tries while locked do not extend it), or a manager
# clears it at /people/locked/. One address is paused (429) after
# SAMEPAGE_SIGNIN_ADDRESS_LIMIT recent failures, whatever usernames it tried; the
# address limit is below the account limit, so no one address locks an account.
AXES_FAILURE_LIMIT = int(os.environ.get("DJANGO_SIGNIN_FAILURE_LIMIT", "20"))
SAMEPAGE_SIGNIN_ADDRESS_LIMIT = int(
    os.environ.get("SAMEPAGE_SIGNIN_ADDRESS_LIMIT", "10")
)
AXES_COOLOFF_TIME = timedelta(
    minutes=int(os.environ.get("DJANGO_SIGNIN_LOCKOUT_MINUTES", "15"))
)
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes.W006 asks for the address among the lockout parameters: the address has
# its own, lower limit instead (SigninThrottleMiddleware, which counts across
# user agents), and an account lock from one address is what that limit prevents.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
# The client address: the connection's, or X-Forwarded-For's only when the
# connection comes from one of these proxies (addresses or networks).
SAMEPAGE_TRUSTED_PROXIES = env_list("SAMEPAGE_TRUSTED_PROXIES")
AXES_CLIENT_IP_CALLABLE = "docs_registry.signin.client_address"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# Database sessions whose renewal may fail when the database is read-only.
SESSION_ENGINE = "docs_registry.sessions"
# Signed-in sessions end after this much idle time (activity renews it, at most
# once a minute: docs_registry.middleware).
SESSION_COOKIE_AGE = 60 * int(os.environ.get("DJANGO_SESSION_IDLE_MINUTES", "480"))


# The cache (docs_registry/caching.py): each worker's own memory by default, or one
# Redis shared by every server (README, "Running several app servers").
def release() -> str:
    """What names this code in cache keys, so a deploy never reads what older code
    kept: SAMEPAGE_RELEASE, else the package version and the number of each app's
    latest migration (kept values hold every app's rows)."""
    named = os.environ.get("SAMEPAGE_RELEASE", "").strip()
    if named:
        return named
    try:
        version = importlib.metadata.version("samepage")
    except importlib.metadata.PackageNotFoundError:
        version = "unknown"
    latest = []
    for folder in sorted(BASE_DIR.glob("*/migrations")):
        numbers = [path.stem[:4] for path in folder.glob("[0-9]*.py")]
        if numbers:
            latest.append(f"{folder.parent.name}.{max(numbers)}")
    return "-".join([version, *latest])


def cache_settings(url: str, *, ttl: int, max_entries: int) -> dict:
    """CACHES["default"] for locmem:// (the default), redis://host:port/db (or
    rediss://) and dummy:// (nothing kept)."""
    # Django's backends, with keys checked at once (docs_registry.cache_backends).
    scheme = url.partition("://")[0].lower()
    common = {"TIMEOUT": ttl, "KEY_PREFIX": f"samepage:{release()}"}
    if scheme == "locmem":
        return common | {
            "BACKEND": "docs_registry.cache_backends.QuickLocMemCache",
            "LOCATION": url.partition("://")[2] or "samepage",
            "OPTIONS": {"MAX_ENTRIES": max_entries},
        }
    if scheme in {"redis", "rediss"}:
        return common | {
            # Django's RedisCache, but a Redis that cannot be reached is a cache
            # that has nothing: pages are read from the database meanwhile.
            "BACKEND": "docs_registry.cache_backends.ResilientRedisCache",
            "LOCATION": url,
            "OPTIONS": {
                "socket_connect_timeout": float(
                    os.environ.get("SAMEPAGE_CACHE_TIMEOUT", "0.25")
                ),
                "socket_timeout": float(
                    os.environ.get("SAMEPAGE_CACHE_TIMEOUT", "0.25")
                ),
            },
        }
    if scheme == "dummy":
        return common | {"BACKEND": "docs_registry.cache_backends.QuickDummyCache"}
    raise ImproperlyConfigured(
        f"SAMEPAGE_CACHE_URL must start with locmem://, redis://, rediss:// or "
        f"dummy://, not {url!r}."
    )


# Every kept entry expires after this many seconds: a backstop, since keys change
# with every write.
SAMEPAGE_CACHE_TTL = int(os.environ.get("SAMEPAGE_CACHE_TTL", "900"))
# A value larger than this once pickled is not kept; with LocMem's entry limit it
# bounds each worker's cache (README, "Memory").
SAMEPAGE_CACHE_MAX_ENTRY_BYTES = int(
    os.environ.get("SAMEPAGE_CACHE_MAX_ENTRY_BYTES", str(128 * 1024))
)
# With a shared cache (Redis), each worker also keeps a near copy of at most this
# many entries (caching.py), bounded as LocMem's are.
SAMEPAGE_NEAR_CACHE_ENTRIES = int(
    os.environ.get(
        "SAMEPAGE_NEAR_CACHE_ENTRIES",
        os.environ.get("SAMEPAGE_CACHE_MAX_ENTRIES", "1000"),
    )
)
CACHES = {
    "default": cache_settings(
        os.environ.get("SAMEPAGE_CACHE_URL")
        or os.environ.get("CACHE_URL")
        or "locmem://",
        ttl=SAMEPAGE_CACHE_TTL,
        max_entries=int(os.environ.get("SAMEPAGE_CACHE_MAX_ENTRIES", "1000")),
    )
}

# Single sign-on through the company's OpenID Connect provider (README, "Single
# sign-on (OpenID Connect)"): on when an issuer and a client id are set.
SAMEPAGE_OIDC_ISSUER = os.environ.get("SAMEPAGE_OIDC_ISSUER", "")
SAMEPAGE_OIDC_CLIENT_ID = os.environ.get("SAMEPAGE_OIDC_CLIENT_ID", "")
SAMEPAGE_OIDC_CLIENT_SECRET = os.environ.get("SAMEPAGE_OIDC_CLIENT_SECRET", "")
SAMEPAGE_OIDC_SCOPES = os.environ.get(
    "SAMEPAGE_OIDC_SCOPES", "openid email profile groups"
)
SAMEPAGE_OIDC_PROVIDER_NAME = os.environ.get(
    "SAMEPAGE_OIDC_PROVIDER_NAME", "your company account"
)
SAMEPAGE_OIDC_EMAIL_CLAIM = os.environ.get("SAMEPAGE_OIDC_EMAIL_CLAIM", "email")
SAMEPAGE_OIDC_NAME_CLAIM = os.environ.get("SAMEPAGE_OIDC_NAME_CLAIM", "name")
SAMEPAGE_OIDC_GROUPS_CLAIM = os.environ.get("SAMEPAGE_OIDC_GROUPS_CLAIM", "groups")
SAMEPAGE_OIDC_SALES_GROUPS = env_list("SAMEPAGE_OIDC_SALES_GROUPS", "sales")
SAMEPAGE_OIDC_SUPPORT_GROUPS = env_list("SAMEPAGE_OIDC_SUPPORT_GROUPS", "support")
SAMEPAGE_OIDC_MANAGER_GROUPS = env_list("SAMEPAGE_OIDC_MANAGER_GROUPS")
SAMEPAGE_OIDC_TIMEOUT = float(os.environ.get("SAMEPAGE_OIDC_TIMEOUT", "5"))
# Off: only superusers sign in with a password (the way in when the provider is
# down); everyone else signs in through the provider.
SAMEPAGE_PASSWORD_LOGIN = env_bool("SAMEPAGE_PASSWORD_LOGIN", True)
# PostgreSQL: the queries of docs_registry/prepared.py are prepared by the server
# once per session. Off behind a pooler that shares sessions between clients.
SAMEPAGE_SERVER_PREPARED = env_bool("SAMEPAGE_SERVER_PREPARED", True)


def postgresql_options(options: dict, server_prepared: bool) -> dict:
    """The connection's options, with those the URL gave kept. Prepared statements
    are planned once, for any values: otherwise the server plans each run afresh
    for its values while that plan looks cheaper, which a LIMIT given as a value
    always does (the digest's pending documents: 3 ms a run, 0.3 ms generic)."""
    if not server_prepared:
        return options
    given = options.get("options")
    generic = "-c plan_cache_mode=force_generic_plan"
    return {**options, "options": f"{given} {generic}" if given else generic}


if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"]["OPTIONS"] = postgresql_options(
        DATABASES["default"].get("OPTIONS", {}), SAMEPAGE_SERVER_PREPARED
    )

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "docs_registry:home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("DJANGO_EMAIL_USE_SSL")
# Seconds to wait for the mail server before counting the attempt as failed.
EMAIL_TIMEOUT = float(os.environ.get("DJANGO_EMAIL_TIMEOUT", "30"))
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "samepage@localhost")
# Words the glossary says to avoid: publishing needs "publish anyway" (off) or is
# refused outright (on).
SAMEPAGE_LINT_BLOCKS_PUBLISH = env_bool("SAMEPAGE_LINT_BLOCKS_PUBLISH")
# Questions open longer than this are listed as overdue on the managers' report.
SAMEPAGE_QUESTION_OVERDUE_DAYS = int(
    os.environ.get("SAMEPAGE_QUESTION_OVERDUE_DAYS", "3")
)
# Links in emails point here.
SAMEPAGE_BASE_URL = os.environ.get("SAMEPAGE_BASE_URL", "http://127.0.0.1:8000")
# `make bench` compares every page with a minimal signed-in page (/ceiling/); it is
# served only when this is on.
SAMEPAGE_BENCH_CEILING = env_bool("SAMEPAGE_BENCH_CEILING")
# Daily and weekly digests wait for this local hour (0-23); "only major changes"
# goes out at the first run after a publish.
SAMEPAGE_DIGEST_HOUR = int(os.environ.get("SAMEPAGE_DIGEST_HOUR", "7"))
# Outgoing webhooks: tries before an event is given up (a manager can send it
# again), seconds to wait for the receiver, and whether addresses on this machine
# (127.0.0.0/8, ::1) may be used, which only tests and local trials need.
SAMEPAGE_WEBHOOK_MAX_ATTEMPTS = int(
    os.environ.get("SAMEPAGE_WEBHOOK_MAX_ATTEMPTS", "8")
)
SAMEPAGE_WEBHOOK_TIMEOUT = float(os.environ.get("SAMEPAGE_WEBHOOK_TIMEOUT", "10"))
SAMEPAGE_WEBHOOK_ALLOW_LOOPBACK = env_bool("SAMEPAGE_WEBHOOK_ALLOW_LOOPBACK")

# The audit trail: reasons may be long, and history is read by date.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
SIMPLE_HISTORY_DATE_INDEX = "Composite"
SIMPLE_HISTORY_REVERT_DISABLED = True

# No inline script anywhere: every script and style comes from our own static files.
# Document images may come from any https/http address (the renderer allows them).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "https:", "http:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True

if not DEBUG:
    # Production runs behind HTTPS only (see README, "Running in production").
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)

SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("DJANGO_BEHIND_TLS_PROXY") else None
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"expected": {"()": "docs_registry.logfilters.ExpectedRefusals"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["expected"]}
    },
    "root": {
        "handlers": ["console"],
        "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO"),
    },
    # Lockouts are warnings; every successful sign-in need not be logged.
    # Django's own console handler (debug only) would print each line a second time.
    "loggers": {
        "axes": {"level": "WARNING"},
        "django": {"handlers": []},
        # Its own warnings repeat what the sso log line says.
        "mozilla_django_oidc": {"level": "ERROR"},
    },
}
