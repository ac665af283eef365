"""Settings for the cooperative trade platform.

Everything that differs between a laptop, CI and production comes from the
environment (django-environ); `.env.example` documents every variable.
"""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

from config.cache import caches_from_environment

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(env.str("DJANGO_ENV_FILE", default=str(BASE_DIR / ".env")), overwrite=False)

# Production unless told otherwise: `make run`, `make test` and .env.example turn debug on
# explicitly, so a server started without configuration never runs in debug mode.
DEBUG = env.bool("DJANGO_DEBUG", default=False)

# A development key is only acceptable while DEBUG is on; outside debug the site refuses to start
# without one of its own.
_DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-0123456789"  # noqa: S105
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=_DEV_SECRET_KEY if DEBUG else "")
if not SECRET_KEY or (not DEBUG and SECRET_KEY == _DEV_SECRET_KEY):
    raise environ.ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be set to a secret of your own when DJANGO_DEBUG is false "
        "(for development, set DJANGO_DEBUG=true, as `make run` and `make test` do)."
    )

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "background",
    "accounts",
    "catalog",
    "marketplace",
    "fairs",
    "cms",
    "demo",
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.routable_page",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "config.health.HealthMiddleware",  # /healthz and /readyz, before host and HTTPS checks
    "config.unavailable.DatabaseUnavailableMiddleware",  # 503 "try again" while the database is away
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Anonymous pages from the cache (docs/caching.md): below CSRF, above authentication.
    "catalog.page_cache.middleware.PageCacheMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "marketplace.context_processors.cart",
                # After Django's own CSRF processor, which it overrides for pages being cached.
                "catalog.page_cache.csrf_placeholder",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the dev server read while a long import writes.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault(
        "init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
    # Writers queue for SQLite's one write lock by polling it, which is not first come, first
    # served: with 8 busy writers a waiter can lose for more than the default 5 s and get
    # "database is locked" (bench_checkout showed it). Wait longer rather than fail.
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 30)
else:
    # A server that does not answer must not hold a request (and its worker) for long.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault(
        "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5)
    )
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # JIT compiles any plan it expects to be long; the site's queries are short, and a
        # search page paid 20 ms of compiling for nothing (docs/search.md).
        DATABASES["default"]["OPTIONS"].setdefault("options", "-c jit=off")
# In production each web or worker process keeps its connection for up to a minute instead of
# opening one per request; the health check (one round trip when a request first uses it) replaces
# a connection the server dropped, as after a restart, so requests recover by themselves.
# config/unavailable.py answers 503 while the database cannot be reached. With debug on (runserver,
# the tests) the default stays 0: runserver makes a thread per request, which would leave a
# connection behind each time (Django's documentation, "Persistent connections").
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0 if DEBUG else 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages: Vietnamese first, English second.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAIL_I18N_ENABLED = True
# The project's own strings first, so they win; then the Vietnamese that Wagtail's own catalogues
# lack (locale/wagtail/README.md), which `makemessages` must not see as obsolete project strings.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale" / "wagtail"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"


def _folder(name: str, default: Path) -> Path:
    """A folder from the environment. Empty, as .env.example leaves them, means the default (env.path
    would take it for the current directory, and collectstatic would write into it)."""
    return Path(env.str(name, default="").strip() or default).absolute()


STATIC_ROOT = _folder("STATIC_ROOT", BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = _folder("MEDIA_ROOT", BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
    # Private files (signed agreements; later invoices and statements): never under MEDIA_URL,
    # only through views that check who asks (catalog/storage.py). Outside MEDIA_ROOT by default.
    "private": {
        "BACKEND": env.str("PRIVATE_STORAGE_BACKEND", default="catalog.storage.PrivateFileSystemStorage")
    },
}
PRIVATE_MEDIA_ROOT = _folder("PRIVATE_MEDIA_ROOT", BASE_DIR / "private-media")
if STORAGES["private"]["BACKEND"] == "storages.backends.s3.S3Storage":
    # A bucket (or a location in one) of its own, private: files are read through signed,
    # short-lived URLs made by the storage, never through a public address.
    STORAGES["private"]["OPTIONS"] = {
        "bucket_name": env.str("PRIVATE_STORAGE_BUCKET"),
        "location": env.str("PRIVATE_STORAGE_LOCATION", default="private"),
        "default_acl": "private",
        "querystring_auth": True,
        "querystring_expire": 300,
        "file_overwrite": False,
    }
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# The cache also holds the log-in and sign-up rate limits (below) and cached pages: every web process
# must share it, so production sets REDIS_URL (redis://host:6379/1); local memory is per process.
# A Redis cache serves pages without Redis while it is down (config/cache.py).
CACHES = {"default": caches_from_environment(env)}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    _redis_timeout = env.float("REDIS_TIMEOUT", default=0.5)
    CACHES["default"]["BACKEND"] = "config.cache.FaultTolerantRedisCache"
    CACHES["default"].setdefault("OPTIONS", {}).update(
        socket_connect_timeout=_redis_timeout, socket_timeout=_redis_timeout
    )

# Whole anonymous pages (home, catalogue, cooperatives, products, fairs, search) are kept in the
# cache above for this many seconds, and retired at once when a page is published or unpublished,
# stock, a price or a certificate changes (docs/caching.md). 0 turns the page cache off; it is off
# by default in debug mode, so template edits show at once.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=0 if DEBUG else 300)
# With the local-memory cache (no REDIS_URL) every process keeps its own pages; a change replaces
# this file so that the other processes on the machine retire theirs too (catalog/page_cache/).
PAGE_CACHE_STAMP_FILE = env.path("PAGE_CACHE_STAMP_FILE", default=BASE_DIR / "var" / "page-cache-stamp")
# Fragments that are the same for every visitor (product cards) stay in the same cache for this many
# seconds, under the page cache's generation, so they retire with the cached pages; they serve
# logged-in visitors and uncached pages too, so they do not follow PAGE_CACHE_SECONDS. 0 turns them
# off; off in debug mode, so template edits show at once (catalog/page_cache/fragments.py).
FRAGMENT_CACHE_SECONDS = env.int("FRAGMENT_CACHE_SECONDS", default=0 if DEBUG else 300)

# Accounts through django-allauth (accounts/adapter.py, accounts/forms.py, templates/account/).
# People log in with their email; there is no username.
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {
    "login": "accounts.forms.EmailLoginForm",
    "signup": "accounts.forms.BuyerSignupForm",
    "reset_password": "accounts.forms.EmailResetPasswordForm",
    "reset_password_from_key": "accounts.forms.NewPasswordForm",
}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
# Unverified buyers can browse and log in, but cannot register for fairs or ask for meetings
# (accounts/permissions.py). Sign-up itself ends on "check your email" whether or not the address
# already had an account, so it never tells which addresses are registered (accounts/views.py).
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_SESSION_REMEMBER = True
# A logged-in person sent to log in (a buyer opening /admin/) must see the form to log in as someone
# else: allauth's default would send them back to `next`, which sends them here again, forever.
# Sign-up still sends logged-in people home (accounts/views.py).
ACCOUNT_AUTHENTICATED_LOGIN_REDIRECTS = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
# Per IP and per email address: after 5 failed log-ins for one address in 5 minutes, even the right
# password is refused until the window passes. The other limits are allauth's defaults.
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key", "login": "30/m/ip", "signup": "20/m/ip"}
# Behind a reverse proxy every request comes from the proxy's address: the rate limits per IP need
# the number of proxies in front that set X-Forwarded-For.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Sàn HTX <no-reply@example.org>")

# Background work: django-tasks. On the embedded default tasks run immediately,
# so nothing requires a worker; production sets TASKS_BACKEND to the database backend.
TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", default="django_tasks.backends.immediate.ImmediateBackend")
    }
}

# Retries and jobs of background work (background/, docs/tasks.md): a failed task is tried again
# after TASK_RETRY_BACKOFF_SECONDS, then twice as long each time, up to TASK_RETRY_ATTEMPTS attempts
# in all (a task may set its own). A job someone waits on (a scheduling run) that is still queued, or
# running past its time budget, after JOB_STALE_MINUTES no longer blocks a new one.
TASK_RETRY_ATTEMPTS = env.int("TASK_RETRY_ATTEMPTS", default=5)
TASK_RETRY_BACKOFF_SECONDS = env.int("TASK_RETRY_BACKOFF_SECONDS", default=30)
JOB_STALE_MINUTES = env.int("JOB_STALE_MINUTES", default=30)
# A bank statement uploaded in the admin that is larger than this (bytes) is imported by the task
# worker, and its result shown later on the upload page; smaller ones are imported at once.
STATEMENT_IMPORT_BACKGROUND_BYTES = env.int("STATEMENT_IMPORT_BACKGROUND_BYTES", default=256 * 1024)

# The e-trading floor (marketplace/): how long an unpaid card or transfer order holds its stock,
# and the platform's commission on each order's goods, in percent (decimals allowed, e.g. 2.5).
CARD_PAYMENT_HOLD_MINUTES = env.int("CARD_PAYMENT_HOLD_MINUTES", default=30)
TRANSFER_PAYMENT_HOLD_HOURS = env.int("TRANSFER_PAYMENT_HOLD_HOURS", default=24)
PLATFORM_COMMISSION_PERCENT = env.str("PLATFORM_COMMISSION_PERCENT", default="0")

# Catalogue search (catalog/search/): the engine that answers searches. The database engine
# is always kept up to date, whichever answers.
SEARCH_ENGINE = env.str("SEARCH_ENGINE", default="database")
# Past this many matching listings the database engine stops counting: the total shows as
# "10.000+" and the facet counts are estimated from a sample ("≈ 1.200"), as Elasticsearch's
# track_total_hits does (docs/search.md).
SEARCH_EXACT_COUNT_LIMIT = env.int("SEARCH_EXACT_COUNT_LIMIT", default=10_000)
# The Elasticsearch 9 engine (SEARCH_ENGINE=elasticsearch): the cluster, the alias searches go
# through (each rebuild makes a new <alias>-v<timestamp> index behind it), the request timeout in
# seconds after which a search falls back to the database engine, and replicas per index.
ELASTICSEARCH_URL = env.str("ELASTICSEARCH_URL", default="")
ELASTICSEARCH_INDEX = env.str("ELASTICSEARCH_INDEX", default="catalog-products")
ELASTICSEARCH_TIMEOUT = env.float("ELASTICSEARCH_TIMEOUT", default=5.0)
ELASTICSEARCH_REPLICAS = env.int("ELASTICSEARCH_REPLICAS", default=0)
if SEARCH_ENGINE == "elasticsearch" and not ELASTICSEARCH_URL:
    raise environ.ImproperlyConfigured("SEARCH_ENGINE=elasticsearch needs ELASTICSEARCH_URL.")

# Card payments through Stripe (marketplace/payments/card.py). Offered only when the three keys
# are set; STRIPE_API_BASE points the client at a local stand-in (localstripe, as `make run` and
# the tests do), and STRIPE_JS_URL the checkout page's Stripe.js at its stand-in's copy.
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env.str("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="https://api.stripe.com")
STRIPE_JS_URL = env.str("STRIPE_JS_URL", default="https://js.stripe.com/v3/")
_stripe_keys = {
    "STRIPE_SECRET_KEY": STRIPE_SECRET_KEY,
    "STRIPE_PUBLISHABLE_KEY": STRIPE_PUBLISHABLE_KEY,
    "STRIPE_WEBHOOK_SECRET": STRIPE_WEBHOOK_SECRET,
}
# Half a configuration would quietly switch card payment off: refuse it instead.
if any(_stripe_keys.values()) and not all(_stripe_keys.values()):
    raise environ.ImproperlyConfigured(
        "Card payments need all of STRIPE_SECRET_KEY, STRIPE_PUBLISHABLE_KEY and STRIPE_WEBHOOK_SECRET; "
        "missing: " + ", ".join(name for name, value in _stripe_keys.items() if not value)
    )

# Wagtail
WAGTAIL_SITE_NAME = "Sàn Hợp tác xã Việt Nam"
WAGTAILADMIN_BASE_URL = env.str("SITE_BASE_URL", default="http://127.0.0.1:8000")
# The admin logs in through the site's log-in (allauth), with its rate limits; config/urls.py sends
# /admin/login/ there too.
WAGTAILADMIN_LOGIN_URL = LOGIN_URL
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "pdf", "xlsx"]
WAGTAIL_ENABLE_UPDATE_CHECK = False
# Slugs stay ASCII ("mut-gung-deo"), as the services make them, so URLs never show %-escapes.
WAGTAIL_ALLOW_UNICODE_SLUGS = False
# No avatars from gravatar.com: it would learn a hash of every staff member's email.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# Images: explicit limits; no SVG. HEIC is read through pillow-heif.
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
WAGTAILIMAGES_EXTENSIONS = ["jpg", "jpeg", "png", "webp", "heic"]
WAGTAILIMAGES_IMAGE_FORM_BASE = "catalog.forms.SafeImageForm"

# Security. Production (DEBUG off) gets the full set; `check --deploy` runs in CI.
SECURE_CONTENT_TYPE_NOSNIFF = True
# Wagtail marks its own preview views SAMEORIGIN, so everything else can refuse framing.
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

# Platform
SITE_BASE_URL = WAGTAILADMIN_BASE_URL
OCOP_EXPIRY_NOTICE_DAYS = 90
