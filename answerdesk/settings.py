"""Django settings: SQLite (WAL) by default, PostgreSQL through DATABASE_URL."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
import django_stubs_ext

# Lets admin and queryset classes be subscripted at run time, as their type hints are.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent
# Runtime data (SQLite database, blob store) lives outside the package.
DATA_DIR = Path(os.environ.get("ANSWERDESK_DATA_DIR", Path.cwd() / "var")).resolve()

SECRET_KEY = os.environ.get("ANSWERDESK_SECRET_KEY", "dev-only-insecure-key-change-me")
DEBUG = os.environ.get("ANSWERDESK_DEBUG", "0") == "1"
ALLOWED_HOSTS = os.environ.get("ANSWERDESK_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "answerdesk.tickets",
    "answerdesk.mail",
    "answerdesk.knowledge",
    "answerdesk.learning",
    "answerdesk.replies",
    "answerdesk.desk",
    "answerdesk.sla",
    "answerdesk.api",
    "answerdesk.portal",
    "answerdesk.chat",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "answerdesk.desk.preferences.DeskMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "answerdesk.urls"
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
                "answerdesk.portal.context.site",
            ],
        },
    },
]
WSGI_APPLICATION = "answerdesk.wsgi.application"
ASGI_APPLICATION = "answerdesk.asgi.application"

_default_sqlite = f"sqlite:///{DATA_DIR / 'answerdesk.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", _default_sqlite), conn_max_age=0
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite creates the file but not its directory; a fresh checkout has no var/ yet.
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets readers (the web UI) run while the ingest writes; IMMEDIATE transactions take
    # the write lock up front, so two writers queue instead of failing with "database is
    # locked" on lock upgrade. synchronous=FULL: a commit is on disk when it returns, which
    # is what "stored before acknowledged" relies on.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
        ),
    }
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("ANSWERDESK_TEST_DB")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français")]
TIME_ZONE = os.environ.get("ANSWERDESK_TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True

LOGIN_URL = "desk:login"
LOGIN_REDIRECT_URL = "desk:home"
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
# Served by whitenoise from the app directories, so `serve` needs no collectstatic step
# (whitenoise still wants the collected directory to exist).
WHITENOISE_USE_FINDERS = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ANSWERDESK_LOG_LEVEL", "WARNING")},
}

# --- answerdesk -------------------------------------------------------------------------
# Content-addressed store for attachments (sha256 → file).
# Models retrained from the agents' corrections (`answerdesk nlp retrain`).
ANSWERDESK_MODEL_DIR = Path(os.environ.get("ANSWERDESK_MODEL_DIR", DATA_DIR / "models"))
ANSWERDESK_BLOB_DIR = Path(os.environ.get("ANSWERDESK_BLOB_DIR", DATA_DIR / "blobs"))
# A message larger than this is quarantined, not parsed (its raw bytes are still kept).
ANSWERDESK_MAX_MESSAGE_BYTES = int(os.environ.get("ANSWERDESK_MAX_MESSAGE_BYTES", 50 * 2**20))
# Acknowledgements (see answerdesk/mail/acknowledgement.py for the rules).
ANSWERDESK_ACK_ENABLED = os.environ.get("ANSWERDESK_ACK_ENABLED", "1") == "1"
ANSWERDESK_ACK_FOLLOW_UPS = os.environ.get("ANSWERDESK_ACK_FOLLOW_UPS", "0") == "1"
ANSWERDESK_ACK_MAX_PER_HOUR = int(os.environ.get("ANSWERDESK_ACK_MAX_PER_HOUR", 3))
ANSWERDESK_ACK_PROMISE_HOURS = int(os.environ.get("ANSWERDESK_ACK_PROMISE_HOURS", 24))
# Outbound mail: the From of automatic mail when no support address was written to, and
# the SMTP relay (none configured: mail stays queued, visible in the admin).
ANSWERDESK_DEFAULT_FROM = os.environ.get("ANSWERDESK_DEFAULT_FROM", "support@localhost")
ANSWERDESK_SMTP_HOST = os.environ.get("ANSWERDESK_SMTP_HOST", "")
ANSWERDESK_SMTP_PORT = int(os.environ.get("ANSWERDESK_SMTP_PORT", 25))
ANSWERDESK_SMTP_SECURITY = os.environ.get("ANSWERDESK_SMTP_SECURITY", "none")  # starttls, ssl
ANSWERDESK_SMTP_USER = os.environ.get("ANSWERDESK_SMTP_USER", "")
ANSWERDESK_SMTP_PASSWORD = os.environ.get("ANSWERDESK_SMTP_PASSWORD", "")
# First-response target in business hours when no SLA policy applies (answerdesk.sla), and
# the zone the business hours are read in (empty: TIME_ZONE).
ANSWERDESK_SLA_DEFAULT_HOURS = int(os.environ.get("ANSWERDESK_SLA_DEFAULT_HOURS", 24))
ANSWERDESK_BUSINESS_TIME_ZONE = os.environ.get("ANSWERDESK_BUSINESS_TIME_ZONE", "")
# Ticket references are PREFIX-000123.
ANSWERDESK_TICKET_PREFIX = os.environ.get("ANSWERDESK_TICKET_PREFIX", "AD")
# Where customers reach the public site: links to FAQ articles in acknowledgements.
# The company the portal speaks for, in its pages and mail.
# How long the customer's status and survey links work.
ANSWERDESK_STATUS_LINK_DAYS = int(os.environ.get("ANSWERDESK_STATUS_LINK_DAYS", 90))
# A satisfaction survey goes to the customer when their ticket is solved.
ANSWERDESK_SURVEY_ENABLED = os.environ.get("ANSWERDESK_SURVEY_ENABLED", "1") == "1"
# Portal submissions (contact, callback, directory, status replies) per client address and
# per email address and hour; the phone region numbers without a country code are read in.
ANSWERDESK_PORTAL_MAX_PER_HOUR = int(os.environ.get("ANSWERDESK_PORTAL_MAX_PER_HOUR", 10))
ANSWERDESK_PHONE_REGION = os.environ.get("ANSWERDESK_PHONE_REGION", "FR")
# Attachments to the contact form: how many, and how large each and together.
ANSWERDESK_PORTAL_MAX_FILES = int(os.environ.get("ANSWERDESK_PORTAL_MAX_FILES", 3))
ANSWERDESK_PORTAL_MAX_FILE_BYTES = int(
    os.environ.get("ANSWERDESK_PORTAL_MAX_FILE_BYTES", 5 * 2**20)
)
ANSWERDESK_PORTAL_MAX_TOTAL_BYTES = int(
    os.environ.get("ANSWERDESK_PORTAL_MAX_TOTAL_BYTES", 10 * 2**20)
)
ANSWERDESK_SITE_NAME = os.environ.get("ANSWERDESK_SITE_NAME", "answerdesk")
ANSWERDESK_PUBLIC_URL = os.environ.get("ANSWERDESK_PUBLIC_URL", "http://localhost:8000")

# --- live chat (answerdesk.chat, docs/chat.md) ---------------------------------------------
# The channel layer carries chat lines between the processes serving websockets: in memory
# (one process, zero services) unless Redis is given, as it must be for more than one.
# A socket's queue holds this many events before the layer drops new ones (the lines are
# stored all the same): an agent following twenty busy chats needs more than the default 100.
ANSWERDESK_REDIS_URL = os.environ.get("ANSWERDESK_REDIS_URL", "")
if ANSWERDESK_REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [ANSWERDESK_REDIS_URL], "capacity": 1000},
        }
    }
else:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "answerdesk.chat.layers.InMemoryChannelLayer",
            "CONFIG": {"capacity": 1000},
        }
    }
# With Redis, the cache (the portal's flood counters) is shared by every process too;
# without it, each process counts on its own (LocMemCache, Django's default).
if ANSWERDESK_REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": ANSWERDESK_REDIS_URL,
        }
    }
# Other sites whose pages may embed the chat widget ("https://shop.example.com", "*" for
# any); the site itself (ALLOWED_HOSTS, ANSWERDESK_PUBLIC_URL) always may.
ANSWERDESK_CHAT_ALLOWED_ORIGINS = [
    o.strip() for o in os.environ.get("ANSWERDESK_CHAT_ALLOWED_ORIGINS", "").split(",") if o.strip()
]
# A chat line's length, and the floods refused: lines per minute per connection and per
# client address, connections and new chats (or messages left) per client address.
ANSWERDESK_CHAT_MAX_CHARS = int(os.environ.get("ANSWERDESK_CHAT_MAX_CHARS", 2000))
ANSWERDESK_CHAT_LINES_PER_MINUTE = int(os.environ.get("ANSWERDESK_CHAT_LINES_PER_MINUTE", 30))
ANSWERDESK_CHAT_IP_LINES_PER_MINUTE = int(
    os.environ.get("ANSWERDESK_CHAT_IP_LINES_PER_MINUTE", 120)
)
ANSWERDESK_CHAT_IP_CONNECTIONS = int(os.environ.get("ANSWERDESK_CHAT_IP_CONNECTIONS", 20))
ANSWERDESK_CHAT_IP_CHATS_PER_HOUR = int(os.environ.get("ANSWERDESK_CHAT_IP_CHATS_PER_HOUR", 10))
