"""Settings for the newsroom CMS.

Every value comes from the environment (or an optional `.env` file beside manage.py) through
the one `env` object below. `.env.example` lists every variable.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import quote, urlsplit

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (see .env.example; `make env` writes one)."
        )
    SECRET_KEY = "development-only-insecure-key"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "csp",
    "axes",
    "taggit",
    "reversion",
    "django_countries",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "newsroom",
    "images",
    "people",
    "projects",
    "events",
    "articles",
    "wordpress",
    "api",
    "portability",
]

MIDDLEWARE = [
    "newsroom.logs.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Uploads and renditions from MEDIA_ROOT, until a proxy or object storage takes over.
    "newsroom.media.MediaFilesMiddleware",
    # The read API and oEmbed answer any origin (CORS_URLS_REGEX), kept responses and 429s too;
    # every request to them counts against the client's rate limit before the page cache.
    "corsheaders.middleware.CorsMiddleware",
    "api.throttling.RateLimitMiddleware",
    # Before the session: a kept page is served without touching the database, and what the
    # middleware below adds (CSP, frame options) is kept with it.
    "newsroom.pagecache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Answers a 404 at a story's former address with a redirect to where it is now.
    "articles.middleware.FormerAddressMiddleware",
    # WordPress's "/?p=123" on the home page, which answers 200 and so never reaches the above.
    "wordpress.middleware.WordPressQueryAddressMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsroom.urls"


def _page(name):
    """`get_absolute_url` for a record whose page is the URL `name` with the record's slug."""

    def get_absolute_url(record):
        from newsroom.links import reverse

        return reverse(name, kwargs={"slug": record.slug})

    return get_absolute_url


# The pages of artists, contributors and projects list the stories about them, so the articles
# app serves them; the people and projects apps know nothing of articles, and learn here where
# their records are shown.
ABSOLUTE_URL_OVERRIDES = {
    "people.artist": _page("articles:artist"),
    "people.contributor": _page("articles:contributor"),
    "projects.mediaproject": _page("articles:project"),
}

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
                "newsroom.context_processors.site",
            ],
            # `{% url %}` with addresses kept per process (newsroom/links.py).
            "builtins": ["newsroom.templatetags.kept_urls"],
        },
    },
]

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

WSGI_APPLICATION = "newsroom.wsgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# Connection reuse: keep a connection open for this many seconds, checked before reuse when
# CONN_HEALTH_CHECKS is on, so a restarted database costs no failed request. Opening a
# PostgreSQL connection costs about 3 ms, more than a cached page takes to serve; 0 closes it
# after each request, which PostgreSQL behind a pooler such as PgBouncer usually wants.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite for a site with several writers: readers never wait for a writer (write-ahead log),
    # a writer waits its turn instead of failing with "database is locked" (busy timeout), and
    # every transaction takes the write lock when it begins (IMMEDIATE), so a transaction that
    # reads and then writes, like the admin's edit conflict check, cannot deadlock with another.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": env.int("SQLITE_BUSY_TIMEOUT", default=20),
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    # Opened for reading and writing only if the file exists: a missing file is an error, never
    # a new empty database that every page fails on. `migrate` creates it on a fresh machine.
    _sqlite_name = str(DATABASES["default"]["NAME"])
    if _sqlite_name and _sqlite_name != ":memory:" and not _sqlite_name.startswith("file:"):
        DATABASES["default"]["NAME"] = f"file:{quote(_sqlite_name)}?mode=rw"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Caches (rendered bodies, cards, the render generation, login throttling counts). Every
# process must see the same entries, or a save clears one worker's copy and the others keep
# showing the old page. Default: a directory of files shared by all processes on this machine,
# no server needed. Several machines: CACHE_URL=redis://host:6379/0 (Django's Redis backend).
CACHE_URL = env.str("CACHE_URL", default="")
if CACHE_URL:
    CACHES = {"default": env.cache_url_config(CACHE_URL)}
    if CACHE_URL.startswith(("redis://", "rediss://")):
        CACHES["default"]["BACKEND"] = "newsroom.cache.RedisCache"
        # A Redis that stops answering costs each request at most this long, not a hang.
        options = CACHES["default"].setdefault("OPTIONS", {})
        options.setdefault("socket_connect_timeout", env.float("REDIS_TIMEOUT", default=1.0))
        options.setdefault("socket_timeout", env.float("REDIS_TIMEOUT", default=1.0))
else:
    CACHES = {
        "default": {
            "BACKEND": "newsroom.cache.FileCache",
            "LOCATION": str(BASE_DIR / env.str("CACHE_DIR", default="var/cache")),
            "OPTIONS": {"MAX_ENTRIES": env.int("CACHE_MAX_ENTRIES", default=20_000)},
        }
    }

# When the cache fails (newsroom/cache.py), pages are served without it and each process
# leaves it alone for this many seconds before it tries again.
CACHE_RETRY_SECONDS = env.int("CACHE_RETRY_SECONDS", default=5)

# The read API (api/): the most requests one client (by address, see TRUSTED_PROXY_COUNT) may
# make to /api/ and /oembed/, as "number/second|minute|hour|day"; past it, 429 with
# Retry-After. Empty: no limit.
API_RATE_LIMIT = env.str("API_RATE_LIMIT", default="300/minute")
REST_FRAMEWORK = {
    # Read-only and public: no session, no CSRF, nobody signed in.
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Counted by api.throttling.RateLimitMiddleware, so kept responses count too.
    "DEFAULT_THROTTLE_CLASSES": [],
    "DEFAULT_THROTTLE_RATES": {"api": API_RATE_LIMIT or None},
    "NUM_PROXIES": env.int("TRUSTED_PROXY_COUNT", default=0) or None,
    "URL_FORMAT_OVERRIDE": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": f"{env.str('SITE_NAME', default='Newsroom')} API",
    "DESCRIPTION": "Published stories, artists, contributors, projects and tags, read-only.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI's files come from the site itself (drf-spectacular-sidecar): the CSP holds.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
# Cross-origin reads (django-cors-headers) of the API and oEmbed only, from any site, without
# cookies.
CORS_URLS_REGEX = r"^/(api|oembed)/"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified", "Retry-After", "Link"]

# The page cache (newsroom/pagecache.py): whole public pages for anonymous readers, in the cache
# above, purged by tag when what they show changes (newsroom/tagcache.py). PAGE_CACHE_SECONDS=0
# turns it off. The CDN settings only shape the Cache-Control header and the purge hook.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=600)
PAGE_CACHE_BROWSER_SECONDS = env.int("PAGE_CACHE_BROWSER_SECONDS", default=0)
PAGE_CACHE_CDN_SECONDS = env.int("PAGE_CACHE_CDN_SECONDS", default=60)
PAGE_CACHE_STALE_SECONDS = env.int("PAGE_CACHE_STALE_SECONDS", default=30)
PAGE_CACHE_EXCLUDE = ["/admin/", "/preview/", "/healthz", "/bench/"]
# Records of these apps are cache tags: loading one while a page renders makes the page depend
# on it, and saving or deleting one purges what depends on it.
CACHE_TAGGED_APPS = ["articles", "people", "projects", "images", "taggit", "events"]
# A CDN in front: pages list their tags in CDN_TAG_HEADER (Cache-Tag, Surrogate-Key), and each
# purged tag is sent to CDN_PURGE_URL with {tag} filled in, e.g.
# https://cdn.example/purge/{tag}. Empty: no header, no purge requests.
CDN_PURGE_URL = env.str("CDN_PURGE_URL", default="")
CDN_PURGE_METHOD = env.str("CDN_PURGE_METHOD", default="POST")
CDN_PURGE_HEADERS = env.dict("CDN_PURGE_HEADERS", default={})
CDN_TAG_HEADER = env.str("CDN_TAG_HEADER", default="Cache-Tag" if CDN_PURGE_URL else "")

# Routes /bench/floor/, a fixed page the HTTP benchmark compares pages with. Benchmarks only.
BENCH_FLOOR = env.bool("BENCH_FLOOR", default=False)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="America/New_York")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / env.str("STATIC_ROOT", default="staticfiles")
MEDIA_URL = env.str("MEDIA_URL", default="/media/")
MEDIA_ROOT = BASE_DIR / env.str("MEDIA_ROOT", default="media")
# Static files: in production `collectstatic` (make serve runs it) writes them to STATIC_ROOT
# with content-hashed, compressed copies, which WhiteNoise serves with far-future cache headers.
# In development (DEBUG) WhiteNoise serves them straight from the app folders instead.
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
WHITENOISE_USE_FINDERS = DEBUG


# Object storage: with AWS_STORAGE_BUCKET_NAME set, uploads and renditions go to that bucket
# through django-storages' S3 backend (AWS S3, or any S3-compatible service at
# AWS_S3_ENDPOINT_URL), and readers load them from the bucket's public address or from
# AWS_S3_CUSTOM_DOMAIN (a CDN in front of it). Credentials come the usual boto3 way
# (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, or the machine's role). MEDIA_URL becomes that
# public address, which puts its host in the CSP's img-src below.
def _s3_media(bucket):
    region = env.str("AWS_S3_REGION_NAME", default="") or "us-east-1"
    endpoint = env.str("AWS_S3_ENDPOINT_URL", default="").rstrip("/")
    # Amazon's own endpoint takes bucket host names; other services mostly take bucket paths.
    style = env.str("AWS_S3_ADDRESSING_STYLE", default="" if endpoint else "virtual") or "path"
    if style not in ("path", "virtual"):
        raise ImproperlyConfigured("AWS_S3_ADDRESSING_STYLE must be 'path' or 'virtual'.")
    endpoint = endpoint or f"https://s3.{region}.amazonaws.com"
    domain = env.str("AWS_S3_CUSTOM_DOMAIN", default="").strip("/")
    options = {
        "bucket_name": bucket,
        "endpoint_url": endpoint,
        "region_name": region,
        "addressing_style": style,
        "custom_domain": domain or None,
        "querystring_auth": False,  # public, cacheable addresses for renditions
        "file_overwrite": False,  # a second upload of photo.jpg gets a name of its own
        "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
    }
    if domain:
        base = f"https://{domain}/"
    elif style == "path":
        base = f"{endpoint}/{bucket}/"
    else:
        parts = urlsplit(endpoint)
        base = f"{parts.scheme}://{bucket}.{parts.netloc}/"
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}, base


AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"], MEDIA_URL = _s3_media(AWS_STORAGE_BUCKET_NAME)

# Uploaded photos larger than this are refused with a form error.
MAX_IMAGE_UPLOAD_BYTES = env.int("MAX_IMAGE_UPLOAD_BYTES", default=8 * 1024 * 1024)
# Images: uploads with more pixels than this are refused (decoding them would take too much
# memory), and the size check runs while the upload streams in, before anything is spooled.
MAX_IMAGE_PIXELS = env.int("MAX_IMAGE_PIXELS", default=40_000_000)
FILE_UPLOAD_HANDLERS = [
    "images.uploads.ImageSizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=5 * 1024 * 1024)
# The longest article body the form accepts, in characters (a 10,000-word story is about 60,000;
# every body operation is linear, but Markdown's link scanning makes the worst shapes cost
# about 10 µs a character, see make bench).
# Keep it well under DATA_UPLOAD_MAX_MEMORY_SIZE: a form-encoded character can take 9 bytes.
MAX_BODY_CHARS = env.int("MAX_BODY_CHARS", default=200_000)

SITE_NAME = env.str("SITE_NAME", default="Newsroom")

SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
if env.bool("BEHIND_HTTPS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Article bodies: the players [embed] may show, by origin (exactly these may be framed, see
# frame-src below), and whether links to other sites in bodies carry rel="nofollow".
EMBED_FRAME_ORIGINS = [
    "https://www.youtube-nocookie.com",
    "https://player.vimeo.com",
    "https://open.spotify.com",
    "https://w.soundcloud.com",
    "https://embed.music.apple.com",
]
BODY_LINKS_NOFOLLOW = env.bool("BODY_LINKS_NOFOLLOW", default=False)


# Content-Security-Policy (django-csp) on every page, the admin included: scripts, styles and
# fonts from the site itself only, images also from the media host (when MEDIA_URL is absolute,
# e.g. object storage or a CDN) and CSP_IMG_ORIGINS, frames from the [embed] players alone.
# Should any markup slip past the escaping and the sanitizer, the browser still runs nothing
# the site did not serve itself.
def _origin(url):
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


CSP_IMG_ORIGINS = [
    origin for origin in [_origin(MEDIA_URL), *env.list("CSP_IMG_ORIGINS", default=[])] if origin
]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, *dict.fromkeys(CSP_IMG_ORIGINS)],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": list(EMBED_FRAME_ORIGINS) or [NONE],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
if env.str("CSP_REPORT_URI", default=""):
    # Where browsers report what the policy refused (Sentry's security endpoint takes these).
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["report-uri"] = [env.str("CSP_REPORT_URI")]

# Sign-in throttling (django-axes): after AXES_FAILURE_LIMIT failed admin sign-ins for one
# user name from one address, that pair is refused for AXES_COOLOFF_MINUTES, with a page that
# says so; a successful sign-in clears the count. Attempts are kept in the database, so every
# process sees them. Behind proxies, TRUSTED_PROXY_COUNT says how many hops of
# X-Forwarded-For to trust for the client's address (django-ipware reads it).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0) or None
if AXES_IPWARE_PROXY_COUNT:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")

# Logs go to standard error as one JSON object a line: a line per request from
# newsroom.logs.RequestLogMiddleware (at INFO, whatever LOG_LEVEL says) and errors with their
# tracebacks (Django logs every 500 on django.request).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "newsroom.logs.JSONFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
    "loggers": {
        "newsroom.requests": {"level": env.str("REQUEST_LOG_LEVEL", default="INFO")},
    },
}

# Errors also go to Sentry when SENTRY_DSN is set (nothing is sent otherwise).
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
        send_default_pii=False,
    )

# Share links to an article's preview (for a draft or scheduled story) stop working after this
# many seconds; changing the article's preview key revokes them sooner.
SHARE_PREVIEW_SECONDS = env.int("SHARE_PREVIEW_SECONDS", default=7 * 24 * 60 * 60)
