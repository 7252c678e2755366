"""Configuration classes, read from the environment.

Pick one with ``FLASK_CONFIG`` (``development``, ``testing``, ``production``); ``wsgi.py`` defaults
to development. Production fails fast, with a one-line reason, when a secret is missing.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
_INSTANCE = Path(os.environ.get("INSTANCE_PATH", BASE_DIR / "instance"))


class ConfigError(RuntimeError):
    """Raised when the configuration cannot run the app."""


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    """Values shared by every environment."""

    #: unset outside production: the instance's own random key (see ``instance_secret_key``)
    SECRET_KEY = os.environ.get("SECRET_KEY") or None
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{_INSTANCE / 'careprocure.sqlite3'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    MIGRATIONS_DIR = str(BASE_DIR / "migrations")
    INSTANCE_DIR = str(_INSTANCE)
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR", str(_INSTANCE / "uploads"))
    MAX_CONTENT_LENGTH = 20 * 1024 * 1024 + 64 * 1024  # a 20 MB file plus its multipart envelope

    # Sessions and cookies
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    WTF_CSRF_TIME_LIMIT = 8 * 3600

    # werkzeug's default (scrypt) is deliberately slow; tests lower the cost
    PASSWORD_HASH_METHOD = "scrypt"
    #: failures one (account, address) pair may make before each try waits: first
    #: LOGIN_DELAY_BASE, doubling with every further failure, at most LOGIN_DELAY_MAX
    LOGIN_FREE_FAILURES = 5
    LOGIN_DELAY_BASE = timedelta(seconds=30)
    LOGIN_DELAY_MAX = timedelta(minutes=15)
    #: failures older than this, or before the pair's last success, are forgotten
    LOGIN_FAILURE_WINDOW = timedelta(hours=24)
    #: failures from one address (any account) in LOGIN_ADDRESS_WINDOW that close it:
    #: generous, since a whole bureau may sit behind one address
    LOGIN_ADDRESS_MAX_FAILURES = int(os.environ.get("LOGIN_ADDRESS_MAX_FAILURES", "100"))
    LOGIN_ADDRESS_WINDOW = timedelta(hours=1)
    API_TOKEN_LIFETIME = timedelta(hours=int(os.environ.get("API_TOKEN_HOURS", "12")))

    #: addresses or networks of the reverse proxies whose X-Forwarded-For / -Proto are
    #: believed (comma-separated, e.g. "127.0.0.1, 10.0.0.0/8"); empty believes nobody
    TRUSTED_PROXIES = os.environ.get("TRUSTED_PROXIES", "")
    #: Strict-Transport-Security on every answer (production, always served over HTTPS)
    HSTS = False

    # i18n
    LANGUAGES = ("zh_CN", "en")
    BABEL_DEFAULT_LOCALE = os.environ.get("DEFAULT_LOCALE", "zh_CN")
    BABEL_DEFAULT_TIMEZONE = os.environ.get("TIMEZONE", "Asia/Shanghai")

    # UI
    BOOTSTRAP_SERVE_LOCAL = True
    PER_PAGE = 25
    CITY_PREFIX = os.environ.get("CITY_PREFIX", "XN")
    BUREAU_NAME = os.environ.get("BUREAU_NAME", "咸宁市民政局")
    #: OCDS identifiers are "<registered prefix>-<contract number>"
    OCDS_OCID_PREFIX = os.environ.get("OCDS_OCID_PREFIX", "ocds-xn0000")
    #: the bureau's own unified social credit code: it names the buyer in open data (the
    #: default is the demo city's, valid but fictitious)
    BUYER_CREDIT_CODE = os.environ.get("BUYER_CREDIT_CODE", "114212000075500054")
    #: /public and /public/ocds.json (公示) answer only when this is on; 404 otherwise
    PUBLIC_PAGE = _bool("PUBLIC_PAGE", False)
    #: requests of one address to the public pages per minute before 429, and the seconds a
    #: public answer is kept (server side) and may be cached (Cache-Control)
    PUBLIC_RATE_PER_MINUTE = int(os.environ.get("PUBLIC_RATE_PER_MINUTE", "60"))
    PUBLIC_CACHE_SECONDS = int(os.environ.get("PUBLIC_CACHE_SECONDS", "300"))
    #: the most inspections one Excel workbook of results holds, and of item answers (~30 an
    #: inspection): beyond, the filters must narrow the export (a city's answers in one file were
    #: 16 GB and minutes in a web worker)
    EXPORT_MAX_INSPECTIONS = int(os.environ.get("EXPORT_MAX_INSPECTIONS", "20000"))
    EXPORT_MAX_ANSWERED_INSPECTIONS = int(os.environ.get("EXPORT_MAX_ANSWERED_INSPECTIONS", "3000"))
    # above these, an export is built by the worker process, not while the user waits
    EXPORT_INLINE_MAX_INSPECTIONS = int(os.environ.get("EXPORT_INLINE_MAX_INSPECTIONS", "2000"))
    EXPORT_INLINE_MAX_ANSWERED_INSPECTIONS = int(
        os.environ.get("EXPORT_INLINE_MAX_ANSWERED_INSPECTIONS", "150"))
    # days a workbook built in the background is kept for its download
    EXPORT_KEEP_DAYS = int(os.environ.get("EXPORT_KEEP_DAYS", "7"))

    # JSON API (flask-smorest)
    API_TITLE = "CareProcure API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"

    # Outgoing mail (notifications); unset host means in-app notices only
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_SENDER = os.environ.get("MAIL_SENDER", "careprocure@localhost")
    #: where users reach the app: printed on scorecards (the verification URL) and in e-mails;
    #: `make run` sets it from HOST and PORT
    BASE_URL = os.environ.get("BASE_URL") or (
        f"http://{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '5000')}")

    MAIL_TIMEOUT = float(os.environ.get("MAIL_TIMEOUT", "10"))

    # Rules a bureau adapts
    #: % of the performance-linked installment paid per grade: excellent, good, pass, fail
    PAYMENT_SHARES = dict(zip(("excellent", "good", "pass", "fail"),
                              (int(x) for x in os.environ.get("PAYMENT_SHARES",
                                                              "100,95,85,0").split(",")),
                              strict=True))
    #: a provider may appeal a finalized result or a payment decision this many days after it
    APPEAL_WINDOW_DAYS = int(os.environ.get("APPEAL_WINDOW_DAYS", "10"))
    #: the officer answers an appeal within this many days of its opening
    APPEAL_RESOLVE_DAYS = int(os.environ.get("APPEAL_RESOLVE_DAYS", "15"))
    #: more households than this by one surveyor in a day is flagged as an anomaly
    HOUSEHOLD_SURVEYOR_DAILY_MAX = int(os.environ.get("HOUSEHOLD_SURVEYOR_DAILY_MAX", "15"))
    #: household files of more lines than this are imported by a worker process, not the request
    HOUSEHOLD_IMPORT_QUEUE_ROWS = int(os.environ.get("HOUSEHOLD_IMPORT_QUEUE_ROWS", "5000"))
    #: seconds a client is asked to wait (Retry-After) while the database is unavailable
    DB_RETRY_AFTER_SECONDS = int(os.environ.get("DB_RETRY_AFTER_SECONDS", "5"))
    #: seconds PostgreSQL lets one statement of a web request run before it stops it (0: no
    #: bound); gunicorn.conf.py sets 25 for its workers, under their 30 s timeout
    WEB_STATEMENT_TIMEOUT_SECONDS = float(os.environ.get("WEB_STATEMENT_TIMEOUT_SECONDS", "0"))
    #: a per-capita income below this % of the 低保 standard, judged not eligible, is flagged
    HOUSEHOLD_FAR_BELOW_PERCENT = int(os.environ.get("HOUSEHOLD_FAR_BELOW_PERCENT", "50"))
    #: % of each surveyor's records re-checked in a spot check, and the floor no contract goes
    #: below (the local rule: at least 30 %)
    SPOT_CHECK_PERCENT = int(os.environ.get("SPOT_CHECK_PERCENT", "30"))
    SPOT_CHECK_FLOOR_PERCENT = int(os.environ.get("SPOT_CHECK_FLOOR_PERCENT", "30"))

    #: overrides of the inspection risk weights (reports/planning/weights.py), a JSON object,
    #: e.g. {"veto_failure": 50}; keys not named keep their defaults
    INSPECTION_RISK_WEIGHTS = os.environ.get("INSPECTION_RISK_WEIGHTS", "")
    #: evidence photos taken more than this many days before or after the inspection date,
    #: more than this many metres from the home, or whose perceptual hash is at most this
    #: many bits (of 64) from a photo of another inspection are flagged (reasons to look)
    PHOTO_DAYS_FROM_INSPECTION = int(os.environ.get("PHOTO_DAYS_FROM_INSPECTION", "3"))
    PHOTO_METRES_FROM_FACILITY = int(os.environ.get("PHOTO_METRES_FROM_FACILITY", "500"))
    PHOTO_HASH_MAX_DISTANCE = int(os.environ.get("PHOTO_HASH_MAX_DISTANCE", "6"))

    # A TrueType CJK font to embed in PDFs when present; falls back to STSong-Light
    PDF_CJK_FONT = os.environ.get("PDF_CJK_FONT", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")

    @classmethod
    def check(cls) -> None:
        """Refuse configurations that cannot run safely; extended where it matters."""
        from contracts.credit_code import InvalidCreditCode, validate_credit_code

        try:
            cls.BUYER_CREDIT_CODE = validate_credit_code(cls.BUYER_CREDIT_CODE)
        except InvalidCreditCode as error:
            raise ConfigError(f"BUYER_CREDIT_CODE {cls.BUYER_CREDIT_CODE!r}: {error}.") from None
        for name in ("EXPORT_MAX_INSPECTIONS", "EXPORT_MAX_ANSWERED_INSPECTIONS"):
            if getattr(cls, name) < 1:
                raise ConfigError(f"{name} must be at least 1: no export could be made.")
        for name in ("EXPORT_INLINE_MAX_INSPECTIONS", "EXPORT_INLINE_MAX_ANSWERED_INSPECTIONS"):
            if getattr(cls, name) < 0:
                raise ConfigError(f"{name} must be 0 (every export in the background) or more.")
        if cls.EXPORT_KEEP_DAYS < 1:
            raise ConfigError("EXPORT_KEEP_DAYS must be at least 1: a workbook would be gone "
                              "before it could be downloaded.")

    @classmethod
    def secret_key(cls) -> str:
        """The key that signs sessions: the environment's, else the instance's own."""
        return cls.SECRET_KEY or os.environ.get("SECRET_KEY") or instance_secret_key(
            cls.INSTANCE_DIR)


class DevelopmentConfig(Config):
    DEBUG = _bool("FLASK_DEBUG", False)


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = secrets.token_hex(32)  # one per test run, never a value an attacker knows
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    WTF_CSRF_ENABLED = True  # tests that do not exercise CSRF fetch a token like a browser
    MAIL_SERVER = ""
    BABEL_DEFAULT_LOCALE = "en"


class ProductionConfig(Config):
    HSTS = True
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"

    @classmethod
    def check(cls) -> None:
        super().check()
        missing = [name for name in ("SECRET_KEY", "DATABASE_URL") if not os.environ.get(name)]
        if missing:
            raise ConfigError(
                f"Production needs {' and '.join(missing)} in the environment; refusing to start."
            )
        if len(os.environ["SECRET_KEY"]) < 32:
            raise ConfigError("Production needs a SECRET_KEY of at least 32 random characters.")

    @classmethod
    def secret_key(cls) -> str:
        # never the instance file: several servers must share one key, given by the operator
        return os.environ["SECRET_KEY"]


def instance_secret_key(instance_dir: str) -> str:
    """The instance's own random secret, created on first use in ``instance_dir/secret_key``.

    Never a value written in the code: a published key lets anyone sign an admin session.
    Created with a link, atomically, so that workers starting together agree on one key.
    """
    path = Path(instance_dir) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".secret_key.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass  # another process made it first; theirs is the key
        finally:
            draft.unlink()
    key = path.read_text().strip()
    if len(key) < 32:
        raise ConfigError(f"{path} holds no usable secret key; delete it to make a new one.")
    return key


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_from_env() -> type[Config]:
    name = os.environ.get("FLASK_CONFIG", "development")
    try:
        return CONFIGS[name]
    except KeyError:
        raise ConfigError(f"FLASK_CONFIG={name!r} is not one of {', '.join(CONFIGS)}.") from None
