"""Riverains settings. Everything that differs between deployments comes from the environment
(see README, "Configuration"); defaults are safe for a laptop demo, never for production."""
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from .env import env, env_bool, env_int, env_list, env_required

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", False)
# Tests and the demo set DJANGO_DEBUG or RIVERAINS_DEV; production must give its own key.
DEV = DEBUG or env_bool("RIVERAINS_DEV", False)
# Superusers can change every territory: in production the admin wants their second factor.
ADMIN_REQUIRE_TWO_FACTOR = env_bool("ADMIN_REQUIRE_TWO_FACTOR", not DEV)
SECRET_KEY = env("SECRET_KEY") or (
    "dev-only-not-secret-0123456789abcdefghijklmnopqrstuvwxyz" if DEV else env_required("SECRET_KEY")
)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver" if DEV else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Absolute address of the site, used in feeds, e-mails and anything read outside a request.
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "riverains.apps.RiverainsAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    # Before django_tasks_db: its db_worker command is replaced by riverains.taskworker's.
    "riverains.apps.RiverainsConfig",
    "django_tasks",
    "django_tasks_db",
    "ninja",  # Swagger UI's files for /api/v1/docs, served by the app (its CSP allows no CDN)
    "riverains.ratelimit",  # rate limits counted in the database, shared by every process
    "territories",
    "notices",
    "public",
    "api",
    "console",
    "relay",
    "reports",
    "zones",
    "voice",
    "textline",  # SMS keywords (INFO, ODEUR…, ABO, STOP, AIDE) on the territory's number
    "demo",
    "stats",
]

MIDDLEWARE = [
    "riverains.middleware.ProxiedClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "riverains.middleware.UrlLanguageMiddleware",
    # Database restarting or unreachable: a 503 "réessayez dans quelques instants", not a 500.
    "riverains.middleware.DatabaseUnavailableMiddleware",
    "django.middleware.common.CommonMiddleware",
    # The read API and the feeds: readable from any origin (GET only), with their licence.
    "riverains.opendata.OpenDataHeadersMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Every console URL (any app's): signed in and past the second factor, never stored by a cache.
    "console.middleware.ConsoleAccessMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, so that it sees failed logins after authentication ran.
    "axes.middleware.AxesMiddleware",
    # Counts public page views in the cache, without cookies or personal data (see stats/).
    "stats.middleware.PageViewCounter",
]

ROOT_URLCONF = "riverains.urls"
WSGI_APPLICATION = "riverains.wsgi.application"

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
                "public.context_processors.site",
            ],
            # {% colon %} and the time filters, in every template without a {% load %}.
            "builtins": ["riverains.templatetags.riverains"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets the worker write while web processes read; IMMEDIATE avoids "database is locked"
    # when two writers upgrade their lock at once.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
elif DATABASES["default"]["ENGINE"].endswith("postgresql") and env_bool("DATABASE_PREPARED_STATEMENTS", True):
    # PostgreSQL: parameters bound on the server, and a statement a connection has run five
    # times is prepared, so it is planned once per connection instead of at every request.
    # Planning was most of PostgreSQL's work for a resident's report (bench/RESULTS.md: its CPU
    # per report halved). Set DATABASE_PREPARED_STATEMENTS=0 behind a transaction-mode pooler
    # that cannot keep prepared statements (PgBouncer before 1.21); the shipped set-up has none.
    DATABASES["default"]["OPTIONS"] = {"server_side_binding": True, "prepare_threshold": 5}
# Lets several test runs share one PostgreSQL server without fighting over one test database.
if env("DATABASE_TEST_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": env("DATABASE_TEST_NAME")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": (
        {"BACKEND": "riverains.cache.ReusingRedisCache", "LOCATION": env("REDIS_URL")}
        if env("REDIS_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "riverains"}
    )
}

# Whether every web process sees the same cache: public pages then keep their fingerprint there
# (see notices/reads.py) instead of asking the database at each request.
SHARED_CACHE = bool(env("REDIS_URL"))

TASKS = {
    "default": {
        "BACKEND": env("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default", "relay", "voice"],
    }
}

# Housekeeping run by `manage.py run_scheduler`: (management command, every N seconds).
SCHEDULER_JOBS = [
    ("regenerate_bulletins", 300),  # "ce soir" becomes "cette nuit": re-spoken when the words change
    ("purge_unconfirmed", 3600),  # subscriptions never confirmed (here only: run_relay only sends)
    ("purge_report_emails", 3600),  # reporters' e-mail addresses past their retention
    ("anonymise_reports", 3600),  # old reports keep no comment, pseudonym nor exact position
    ("forget_old_callers", 3600),  # old calls keep no caller's hash (same retention as reports)
    ("flush_page_views", 60),  # audience counters, from the cache into daily rows
    ("requeue_lost_tasks", 60),  # tasks left RUNNING by a task worker that died (riverains.taskworker)
    ("refresh_zones", 3600),  # wind forecasts and perception zones of current notices
    ("purge_rate_limits", 3600),  # rate-limit counters whose window has ended
    ("purge_idempotency_keys", 3600),  # the API's Idempotency-Key records, kept 24 hours
]

# nginx's log of the public pages it served from its micro-cache (deploy/nginx/riverains.conf):
# the application never sees those requests. When set, the scheduler counts them every minute,
# just before flush_page_views (`count_cached_views`). The scheduler rather than a systemd timer:
# it already runs every minute in one long-lived process, and without REDIS_URL the counters it
# adds are in that process's memory, where flush_page_views finds them next.
NGINX_CACHED_LOG = env("NGINX_CACHED_LOG", "")
# Where count_cached_views remembers how far it read (StateDirectory= of the scheduler unit).
NGINX_CACHED_LOG_STATE = env("NGINX_CACHED_LOG_STATE", "/var/lib/riverains/nginx-cached-log.json")
if NGINX_CACHED_LOG:
    SCHEDULER_JOBS.insert(SCHEDULER_JOBS.index(("flush_page_views", 60)), ("count_cached_views", 60))

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "console:login"
LOGIN_REDIRECT_URL = "console:home"
LOGOUT_REDIRECT_URL = "public:home"

# Login throttling: 5 failures lock the (username, address) pair for 30 minutes.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# REMOTE_ADDR is already the client's address (ProxiedClientAddressMiddleware).
AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)

# How many reverse proxies we run in front of the application (1 with the shipped nginx).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AXES_LOCKOUT_TEMPLATE = "console/lockout.html"

# Console sessions: 8 hours at most, and closed with the browser.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
OTP_TOTP_ISSUER = "Riverains"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
# Languages of a notice's structured summary (category, site, times, perceptions, what to do),
# rendered from the gettext catalogues in locale/ beside the operator's French text (issue 16).
# Not in LANGUAGES: only the summary is translated in these, so there is no /ar/… site.
# Each with its own name, as a language menu shows it.
SUMMARY_LANGUAGES = [("en", "English"), ("ar", "العربية"), ("es", "Español"), ("pt", "Português"), ("tr", "Türkçe")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEV
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# In development WhiteNoise serves straight from the apps' static folders, no collectstatic.
WHITENOISE_USE_FINDERS = DEV
WHITENOISE_AUTOREFRESH = DEV

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Riverains <ne-pas-repondre@riverains.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# E-mail through a provider's API (README, "E-mail through a provider"): EMAIL_BACKEND set to
# anymail.backends.mailgun.EmailBackend, and these (ANYMAIL_MAILGUN_API_KEY…, or their _FILE).
ANYMAIL = {
    name: env(f"ANYMAIL_{name}")
    for name in ("MAILGUN_API_KEY", "MAILGUN_SENDER_DOMAIN", "MAILGUN_API_URL")
    if env(f"ANYMAIL_{name}")
}
# The demo's catcher keeps what would leave (e-mail, SMS, push, webhooks) in this Maildir, shown
# on the console's demo inbox (demo.catcher, demo.inbox). Development only: never in production.
DEMO_INBOX_DIR = env("DEMO_INBOX_DIR", str(BASE_DIR / "demo-inbox")) if DEV else ""

# Leaflet draws the map from these tiles; pages are complete without them.
MAP_TILE_URL = env("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env(
    "MAP_TILE_ATTRIBUTION", '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
)

# Public pages may be cached this long by browsers, proxies and CDNs (seconds).
PUBLIC_CACHE_SECONDS = env_int("PUBLIC_CACHE_SECONDS", 5)
# An open territory page asks whether anything changed this often (a 304 when nothing did).
PUBLIC_LIVE_REFRESH_SECONDS = env_int("PUBLIC_LIVE_REFRESH_SECONDS", 30)

# Content-Security-Policy: no inline script anywhere; map tiles from the configured host.
_tile_origin = "/".join(MAP_TILE_URL.split("/")[:3]).replace("{s}.", "")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", _tile_origin],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# The embeddable widget opts out per view (xframe_options_exempt and its own CSP).
X_FRAME_OPTIONS = "DENY"
if not DEV:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
