"""Settings of WIPP, read from the environment (12-factor).

Embedded defaults (SQLite, local files, the database task backend) run a city's pilot on one
machine; a province sets DATABASE_URL to PostgreSQL and WIPP_S3_* to its object store.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("WIPP_DEBUG", default=False)
# Development defaults of the keys: with DEBUG off, apps.core.checks refuses to start on them.
DEVELOPMENT_SECRET_KEY = "dev-only-insecure-key-change-me-in-production"
DEVELOPMENT_FIELD_KEY = "wipp-development-field-key-not-for-production"
DEVELOPMENT_BLIND_INDEX_KEY = "wipp-development-blind-index-key"
SECRET_KEY = env.str("WIPP_SECRET_KEY", default=DEVELOPMENT_SECRET_KEY)
ALLOWED_HOSTS = env.list("WIPP_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("WIPP_CSRF_TRUSTED_ORIGINS", default=[])
VAR_DIR = Path(env.str("WIPP_VAR_DIR", default=str(BASE_DIR / "var")))

# Keys for personal data at rest (Fernet) and for blind indexes (HMAC). Production sets both;
# the first key of WIPP_FIELD_KEYS encrypts, all of them decrypt (key rotation).
FIELD_ENCRYPTION_KEYS = env.list("WIPP_FIELD_KEYS", default=[DEVELOPMENT_FIELD_KEY])
BLIND_INDEX_KEY = env.str("WIPP_BLIND_INDEX_KEY", default=DEVELOPMENT_BLIND_INDEX_KEY)
# Audit log (apps.audit.sequencer): HMAC keys of the chain and its checkpoints, kept outside the
# database; the first signs, all verify (rotation). Checkpoints go to a directory the database
# cannot reach and, with a bucket configured, to S3 under object lock. Retention >= 183 days
# (Cybersecurity Law art. 21: at least six months).
DEVELOPMENT_AUDIT_KEY = "wipp-development-audit-key-not-for-production"
WIPP_AUDIT_KEYS = env.list("WIPP_AUDIT_KEYS", default=[DEVELOPMENT_AUDIT_KEY])
WIPP_AUDIT_CHECKPOINT_DIR = env.str(
    "WIPP_AUDIT_CHECKPOINT_DIR", default=str(VAR_DIR / "audit-checkpoints")
)
WIPP_AUDIT_CHECKPOINT_S3_BUCKET = env.str("WIPP_AUDIT_CHECKPOINT_S3_BUCKET", default="")
WIPP_AUDIT_CHECKPOINT_S3_ENDPOINT_URL = env.str("WIPP_AUDIT_CHECKPOINT_S3_ENDPOINT_URL", default="")
WIPP_AUDIT_CHECKPOINT_S3_REGION = env.str("WIPP_AUDIT_CHECKPOINT_S3_REGION", default="us-east-1")
WIPP_AUDIT_CHECKPOINT_S3_RETENTION_DAYS = env.int(
    "WIPP_AUDIT_CHECKPOINT_S3_RETENTION_DAYS", default=400
)
WIPP_AUDIT_RETENTION_DAYS = env.int("WIPP_AUDIT_RETENTION_DAYS", default=183)
WIPP_AUDIT_SEQUENCER_BATCH = env.int("WIPP_AUDIT_SEQUENCER_BATCH", default=5000)
# A sequencer run writes a checkpoint only when the last one is this old (seconds) or this many
# entries were chained since (apps.audit.sequencer).
WIPP_AUDIT_CHECKPOINT_MIN_INTERVAL = env.int("WIPP_AUDIT_CHECKPOINT_MIN_INTERVAL", default=900)
WIPP_AUDIT_CHECKPOINT_MIN_ENTRIES = env.int("WIPP_AUDIT_CHECKPOINT_MIN_ENTRIES", default=100_000)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "apps.core",
    "apps.audit",
    "apps.batches",
    "apps.jurisdictions",
    "apps.accounts",
    "apps.evidence",
    "apps.projects",
    "apps.calls",
    "apps.applications",
    "apps.screening",
    "apps.deadlines",
    "apps.findings",
    "apps.checklists",
    "apps.review",
    "apps.determination",
    "apps.qualifications",
    "apps.procurement",
    "apps.contracts",
    "apps.training",
    "apps.implementation",
    "apps.acceptance",
    "apps.archive",
    "apps.rectification",
    "apps.supervision",
    "apps.online",
    "apps.imports",
    "apps.integrations",
    "apps.dashboards",
    "apps.operations",
    # Demo data (README's run command); no app imports it.
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Every error answer of an /api/ path as problem details (DRF's and everyone else's).
    "apps.core.rest.problems.ApiProblemMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "apps.core.middleware.SessionRenewMiddleware",
    "apps.core.middleware.SecurityHeadersMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "apps.core.middleware.RequestContextMiddleware",
    "apps.accounts.middleware.RefusalAuditMiddleware",
    "apps.accounts.middleware.SecondFactorRequiredMiddleware",
    "apps.accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    # Last: wraps only the view, like ATOMIC_REQUESTS, and only for methods that may write.
    "apps.core.middleware.AtomicWriteRequestsMiddleware",
]

ROOT_URLCONF = "wipp.urls"
WSGI_APPLICATION = "wipp.wsgi.application"

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
                "apps.accounts.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'wipp.sqlite3'}"),
}
# Requests that may write run in one transaction (apps.core.middleware.
# AtomicWriteRequestsMiddleware); GET/HEAD/OPTIONS run in none, so that on SQLite — where a
# transaction opens with BEGIN IMMEDIATE, taking the one write lock — reading a page never
# queues behind a write. WAL lets readers go on while a writer holds the lock.
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's backend with interactive writers before background ones (apps.core.db.writers).
    DATABASES["default"]["ENGINE"] = "apps.core.db.sqlite3"
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# Passwords (ASVS 5.0 6.2, 等保 8.1.4.1 a): length, common passwords and context words for
# everyone; the 等保 composition rule and periodic change for the roles listed ("*": all, empty:
# none) — ASVS 5.0 advises against both, so external parties are left out by default.
WIPP_GOVERNMENT_ROLES_DEFAULT = [
    "office",
    "member_unit",
    "hrss",
    "si_agency",
    "user_admin",
    "system_admin",
    "security_admin",
    "audit_admin",
]
WIPP_PASSWORD_MIN_LENGTH = env.int("WIPP_PASSWORD_MIN_LENGTH", default=12)
WIPP_PASSWORD_COMPOSITION_ROLES = env.list(
    "WIPP_PASSWORD_COMPOSITION_ROLES", default=WIPP_GOVERNMENT_ROLES_DEFAULT
)
WIPP_PASSWORD_MAX_AGE_DAYS = env.int("WIPP_PASSWORD_MAX_AGE_DAYS", default=90)
WIPP_PASSWORD_MAX_AGE_ROLES = env.list(
    "WIPP_PASSWORD_MAX_AGE_ROLES", default=WIPP_GOVERNMENT_ROLES_DEFAULT
)
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "apps.accounts.password_validation.ContextSimilarityValidator",
        "OPTIONS": {"site_words": ["wipp", "工伤预防", "gongshang"]},
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": WIPP_PASSWORD_MIN_LENGTH},
    },
    {"NAME": "apps.accounts.password_validation.CharacterClassesValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Idle timeout: the session cookie is renewed on every request and expires after this many
# minutes without one.
SESSION_IDLE_MINUTES = env.int("WIPP_SESSION_IDLE_MINUTES", default=30)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
# Renewed at most every WIPP_SESSION_RENEW_SECONDS (apps.core.middleware.
# SessionRenewMiddleware), not on every request: a page read then writes nothing.
SESSION_SAVE_EVERY_REQUEST = False
WIPP_SESSION_RENEW_SECONDS = env.int("WIPP_SESSION_RENEW_SECONDS", default=60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("WIPP_SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_FAILURE_VIEW = "apps.core.rest.problems.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env.bool("WIPP_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("WIPP_HSTS_SECONDS", default=0)
# Reverse proxies (addresses or CIDR ranges) whose X-Forwarded-For, X-Forwarded-Proto and
# X-Request-ID are believed: the audit log and the lockout counters then record the client's
# address, not the proxy's (apps.core.middleware.client_ip). Empty: no proxy is trusted.
WIPP_TRUSTED_PROXIES = env.list("WIPP_TRUSTED_PROXIES", default=[])
if WIPP_TRUSTED_PROXIES:
    # The proxy (deploy/nginx-wipp.conf) overwrites X-Forwarded-Proto on every request.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# django-axes (ASVS 6.3.1, 等保 8.1.4.1 b): an account is locked after WIPP_LOGIN_FAILURE_LIMIT
# failures *from the same address* — so nobody can lock someone else out at will from
# elsewhere — and an address after WIPP_LOGIN_FAILURE_LIMIT_PER_ADDRESS failures on any
# accounts, so one address cannot spray every account. The address limit is high because
# offices share one NAT address. The handler applies each limit to its own parameter set.
AXES_FAILURE_LIMIT = env.int("WIPP_LOGIN_FAILURE_LIMIT", default=5)
WIPP_LOGIN_FAILURE_LIMIT_PER_ADDRESS = env.int("WIPP_LOGIN_FAILURE_LIMIT_PER_ADDRESS", default=30)
AXES_COOLOFF_TIME = env.float("WIPP_LOCKOUT_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_HANDLER = "apps.accounts.lockout.WippAxesHandler"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# The same client address as the audit log (trusted proxies, WIPP_TRUSTED_PROXIES).
AXES_CLIENT_IP_CALLABLE = "apps.core.middleware.client_ip"

# Security events (refusals, OTP failures, lockouts) are counted per user, address and kind;
# the first of each window goes to the audit log at once, the rest in one summary entry.
WIPP_SECURITY_EVENT_WINDOW_SECONDS = env.int("WIPP_SECURITY_EVENT_WINDOW_SECONDS", default=600)

# Roles whose users must pass a TOTP second factor (product: an office may choose).
SECOND_FACTOR_REQUIRED_ROLES = env.list("WIPP_SECOND_FACTOR_ROLES", default=[])
OTP_TOTP_ISSUER = "WIPP"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules/bootstrap/dist"),
    ("vendor/bootstrap-icons", BASE_DIR / "node_modules/bootstrap-icons/font"),
    ("vendor/htmx", BASE_DIR / "node_modules/htmx.org/dist"),
    ("vendor/echarts", BASE_DIR / "node_modules/echarts/dist"),
]
WHITENOISE_USE_FINDERS = True

MEDIA_ROOT = VAR_DIR / "media"
S3_BUCKET = env.str("WIPP_S3_BUCKET", default="")
if S3_BUCKET:
    EVIDENCE_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env.str("WIPP_S3_ENDPOINT_URL", default=None),
            "access_key": env.str("WIPP_S3_ACCESS_KEY", default=None),
            "secret_key": env.str("WIPP_S3_SECRET_KEY", default=None),
            "region_name": env.str("WIPP_S3_REGION", default="us-east-1"),
            "file_overwrite": False,
            "default_acl": None,
            "querystring_auth": True,
        },
    }
else:
    EVIDENCE_STORAGE = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "evidence")},
    }
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT)},
    },
    "evidence": EVIDENCE_STORAGE,
    # Hashed, compressed names from `collectstatic` (far-future caching); with DEBUG on the
    # plain names are served. The tests use the plain storage (tests/conftest.py).
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Downloads sent by nginx (X-Accel-Redirect to this internal prefix, local evidence store) or
# by S3 (redirect to a URL pre-signed for this many seconds) instead of through Python
# (apps.operations.downloads, deploy/nginx-wipp.conf). Empty / 0: streamed by the app.
WIPP_DOWNLOAD_ACCEL_PREFIX = env.str("WIPP_DOWNLOAD_ACCEL_PREFIX", default="")
WIPP_DOWNLOAD_S3_PRESIGNED_SECONDS = env.int("WIPP_DOWNLOAD_S3_PRESIGNED_SECONDS", default=0)
# The archive's zips (apps.archive) live in the default storage (MEDIA_ROOT or S3): on local disk
# nginx sends them through this internal prefix mapped onto MEDIA_ROOT (deploy/nginx-wipp.conf).
WIPP_ARCHIVE_ACCEL_PREFIX = env.str("WIPP_ARCHIVE_ACCEL_PREFIX", default="")
# Largest upload accepted (bytes); each evidence purpose may set a smaller limit.
EVIDENCE_MAX_UPLOAD_BYTES = env.int("WIPP_EVIDENCE_MAX_UPLOAD_BYTES", default=200 * 1024 * 1024)
# ZIP containers (.docx, .xlsx, .zip) are refused as zip bombs past these limits
# (apps.evidence.content_checks): total unpacked size, unpacked/packed ratio (once more than
# the floor is unpacked) and number of members.
EVIDENCE_ZIP_MAX_UNCOMPRESSED_BYTES = env.int(
    "WIPP_EVIDENCE_ZIP_MAX_UNCOMPRESSED_BYTES", default=200 * 1024 * 1024
)
EVIDENCE_ZIP_MAX_RATIO = env.int("WIPP_EVIDENCE_ZIP_MAX_RATIO", default=100)
EVIDENCE_ZIP_RATIO_FLOOR_BYTES = 10 * 1024 * 1024
EVIDENCE_ZIP_MAX_MEMBERS = env.int("WIPP_EVIDENCE_ZIP_MAX_MEMBERS", default=10_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Deadlines (HB §11, §13, §23; SZ 6.5): reminder lead time, calendar cache, and whether a due
# date falling on a holiday rolls over to the next working day (off: SPEC counts as written).
WIPP_DEADLINE_REMIND_DAYS = env.int("WIPP_DEADLINE_REMIND_DAYS", default=2)
WIPP_CALENDAR_CACHE_SECONDS = env.int("WIPP_CALENDAR_CACHE_SECONDS", default=60)
WIPP_DEADLINE_ROLL_OVER_HOLIDAYS = env.bool("WIPP_DEADLINE_ROLL_OVER_HOLIDAYS", default=False)

# E-mail for reminders: off unless an SMTP host is configured.
EMAIL_HOST = env.str("WIPP_EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("WIPP_EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("WIPP_EMAIL_USER", default="")
EMAIL_HOST_PASSWORD = env.str("WIPP_EMAIL_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("WIPP_EMAIL_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("WIPP_EMAIL_FROM", default="wipp@localhost")

# Training attendance (issue 14; SPEC §5 — each a product choice, documented in the README).
# Radius around a venue within which a check-in counts, unless the session sets its own.
WIPP_TRAINING_DEFAULT_RADIUS_M = env.int("WIPP_TRAINING_DEFAULT_RADIUS_M", default=300)
# Minutes before the scheduled start and after the scheduled end within which a check-in or
# check-out is accepted without a finding; the hours still count only within the schedule.
WIPP_TRAINING_WINDOW_MINUTES = env.int("WIPP_TRAINING_WINDOW_MINUTES", default=30)
# Length of one class hour (学时) in minutes: the seeds give none, 45 and 60 are both in use.
WIPP_TRAINING_CLASS_HOUR_MINUTES = env.int("WIPP_TRAINING_CLASS_HOUR_MINUTES", default=45)
# Whether time earned at a check-in/out that raised a finding counts before the finding is
# resolved or dismissed (default: it does not).
WIPP_TRAINING_COUNT_FLAGGED = env.bool("WIPP_TRAINING_COUNT_FLAGGED", default=False)
# Rectification orders (HB §20): who confirms the agency's remedy before the order closes —
# "evaluator" (the project's evaluation agency; SPEC §11, product) or "raiser" (the member unit
# or evaluation agency that raised the order).
WIPP_RECTIFICATION_CONFIRMER = env.str("WIPP_RECTIFICATION_CONFIRMER", default="evaluator")
# Face verification: the verifier class (apps.training.faces) and the largest template distance
# that is a match (dlib ResNet: 0.6 is the model's published operating point; 0.5 is stricter).
WIPP_TRAINING_FACE_VERIFIER = env.str(
    "WIPP_TRAINING_FACE_VERIFIER", default="apps.training.faces.DlibFaceVerifier"
)
WIPP_TRAINING_FACE_MAX_DISTANCE = env.float("WIPP_TRAINING_FACE_MAX_DISTANCE", default=0.5)
# Perceptual-hash (pHash, 64 bits) distance at or below which two photos are the same photo.
WIPP_TRAINING_PHOTO_REUSE_MAX_BITS = env.int("WIPP_TRAINING_PHOTO_REUSE_MAX_BITS", default=4)
# Days after the project's end (its last session) that face photos and templates are kept.
WIPP_TRAINING_FACE_RETENTION_DAYS = env.int("WIPP_TRAINING_FACE_RETENTION_DAYS", default=365)
# A roster row whose sex or birth date contradicts the ID number: refused (True), or imported
# with a finding for the office to follow (False, default).
WIPP_TRAINING_ROSTER_MISMATCH_BLOCKS = env.bool(
    "WIPP_TRAINING_ROSTER_MISMATCH_BLOCKS", default=False
)
# Version of the face-recognition notice trainees consent to (PIPL art. 17, 29).
WIPP_TRAINING_FACE_NOTICE_VERSION = env.str("WIPP_TRAINING_FACE_NOTICE_VERSION", default="2026-1")

# Online platforms (issue 14 item 7): rows per pushed batch, pushes per client, and the
# supervision parameters that apply where the project has none of its own
# (apps.online.supervision).
WIPP_ONLINE_BATCH_MAX_ROWS = env.int("WIPP_ONLINE_BATCH_MAX_ROWS", default=1000)
WIPP_ONLINE_THROTTLE_RATE = env.str("WIPP_ONLINE_THROTTLE_RATE", default="120/min")
WIPP_ONLINE_CAPTURE_INTERVAL_SECONDS = env.int("WIPP_ONLINE_CAPTURE_INTERVAL_SECONDS", default=600)
WIPP_ONLINE_FAST_FORWARD_BLOCKED = env.bool("WIPP_ONLINE_FAST_FORWARD_BLOCKED", default=True)
WIPP_ONLINE_IDLE_CUTOFF_SECONDS = env.int("WIPP_ONLINE_IDLE_CUTOFF_SECONDS", default=300)

# Session recordings (issue 14 item 8): where resumable uploads collect their chunks until
# they are complete, how long an unfinished one is kept, the frame rate asked of a recording
# where the procurement states none (HB §10 gives 1080p but no frame rate), the shortest
# uncovered stretch of a session that is a gap, and how long after a session's end its
# coverage is checked (time to upload).
WIPP_RECORDING_UPLOAD_DIR = env.str("WIPP_RECORDING_UPLOAD_DIR", default=str(VAR_DIR / "uploads"))
WIPP_RECORDING_UPLOAD_EXPIRY_HOURS = env.int("WIPP_RECORDING_UPLOAD_EXPIRY_HOURS", default=72)
WIPP_RECORDING_MIN_FRAME_RATE = env.float("WIPP_RECORDING_MIN_FRAME_RATE", default=25.0)
WIPP_RECORDING_GAP_TOLERANCE_SECONDS = env.int("WIPP_RECORDING_GAP_TOLERANCE_SECONDS", default=120)
WIPP_RECORDING_CHECK_AFTER_HOURS = env.int("WIPP_RECORDING_CHECK_AFTER_HOURS", default=24)

# Camera test (issue 14 item 1): seconds the HEAD request or TCP connect to the stream the agency
# gave may take before the camera counts as unreachable (the ffprobe read of its resolution
# gets three times this).
WIPP_IMPLEMENTATION_CAMERA_TIMEOUT_SECONDS = env.float(
    "WIPP_IMPLEMENTATION_CAMERA_TIMEOUT_SECONDS", default=3.0
)

# Open Contracting Data Standard: the ocid prefix registered for this publisher.
WIPP_OCDS_PREFIX = env.str("WIPP_OCDS_PREFIX", default="ocds-wipp00")

# The task worker's heartbeat (apps.operations.tasks): a task run every this many seconds;
# /healthz fails once the last one is older than the maximum age (0: the worker is not checked).
WIPP_WORKER_HEARTBEAT_SECONDS = env.int("WIPP_WORKER_HEARTBEAT_SECONDS", default=60)
WIPP_WORKER_HEARTBEAT_MAX_AGE_SECONDS = env.int(
    "WIPP_WORKER_HEARTBEAT_MAX_AGE_SECONDS", default=300
)
# Backups (manage.py backup/restore): PostgreSQL client programs of the server's major version
# (default: the matching /usr/lib/postgresql/<major>/bin, else PATH).
WIPP_PG_BIN_DIR = env.str("WIPP_PG_BIN_DIR", default="")

TASKS = {
    "default": {
        "BACKEND": env.str("WIPP_TASK_BACKEND", default="django_tasks_db.DatabaseBackend"),
    }
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "apps.accounts.api.authentication.ApiClientKeyAuthentication",
        "apps.core.rest.authentication.CsrfCodedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "apps.core.rest.filters.UpdatedSinceFilter",
        "apps.core.rest.filters.WippOrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "apps.core.rest.pagination.WippPageNumberPagination",
    "PAGE_SIZE": 50,
    # Per API key (apps.core.rest.throttling); counters in Django's cache.
    "DEFAULT_THROTTLE_CLASSES": ["apps.core.rest.throttling.ApiClientRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "api_client": env.str("WIPP_API_THROTTLE_RATE", default="1200/min"),
    },
    "DEFAULT_SCHEMA_CLASS": "apps.core.rest.schema.WippAutoSchema",
    "DEFAULT_VERSIONING_CLASS": None,
    "EXCEPTION_HANDLER": "apps.core.rest.errors.wipp_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "WIPP API — 工伤预防项目管理平台",
    "DESCRIPTION": (
        "Region-scoped REST API for online training platforms, check-in devices and data "
        "exchange. Machine clients authenticate with `Authorization: Api-Key <key>`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "RoleEnum": "apps.accounts.roles.Role.choices",
        "FindingStatusEnum": "apps.findings.models.FindingStatus.choices",
    },
}

# Logs: one line per record with the request id (the X-Request-ID answered, the audit entry's
# request) and the client's address. To standard error by default — under systemd that is the
# journal; WIPP_LOG_FILE writes a file rotated at WIPP_LOG_MAX_BYTES, WIPP_LOG_BACKUPS kept.
WIPP_LOG_FILE = env.str("WIPP_LOG_FILE", default="")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request": {"()": "apps.operations.request_log.RequestContextFilter"}},
    "formatters": {
        "line": {
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s %(client_ip)s] "
            "%(message)s"
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request"],
            "formatter": "line",
        },
        **(
            {
                "file": {
                    "class": "logging.handlers.RotatingFileHandler",
                    "filename": WIPP_LOG_FILE,
                    "maxBytes": env.int("WIPP_LOG_MAX_BYTES", default=20 * 1024 * 1024),
                    "backupCount": env.int("WIPP_LOG_BACKUPS", default=10),
                    "encoding": "utf-8",
                    "filters": ["request"],
                    "formatter": "line",
                }
            }
            if WIPP_LOG_FILE
            else {}
        ),
    },
    "root": {
        "handlers": ["file"] if WIPP_LOG_FILE else ["console"],
        "level": env.str("WIPP_LOG_LEVEL", default="WARNING"),
    },
}
