"""Configuration classes, read from the environment.

Pick one with ``FLASK_CONFIG`` (``development``, ``testing``, ``production``); ``wsgi.py`` defaults
to development. Production fails fast, with a one-line reason, when a secret is missing.
"""

from __future__ import annotations

import os
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

    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret")
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
    LOGIN_MAX_FAILURES = 5
    LOGIN_FAILURE_WINDOW = timedelta(minutes=15)
    API_TOKEN_LIFETIME = timedelta(hours=int(os.environ.get("API_TOKEN_HOURS", "12")))

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
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")

    MAIL_TIMEOUT = float(os.environ.get("MAIL_TIMEOUT", "10"))

    # Rules a bureau adapts
    #: % of the performance-linked installment paid per grade: excellent, good, pass, fail
    PAYMENT_SHARES = dict(zip(("excellent", "good", "pass", "fail"),
                              (int(x) for x in os.environ.get("PAYMENT_SHARES",
                                                              "100,95,85,0").split(",")),
                              strict=True))
    #: more households than this by one surveyor in a day is flagged as an anomaly
    HOUSEHOLD_SURVEYOR_DAILY_MAX = int(os.environ.get("HOUSEHOLD_SURVEYOR_DAILY_MAX", "15"))
    #: a per-capita income below this % of the 低保 standard, judged not eligible, is flagged
    HOUSEHOLD_FAR_BELOW_PERCENT = int(os.environ.get("HOUSEHOLD_FAR_BELOW_PERCENT", "50"))
    #: % of each surveyor's records re-checked in a spot check, and the floor no contract goes
    #: below (the local rule: at least 30 %)
    SPOT_CHECK_PERCENT = int(os.environ.get("SPOT_CHECK_PERCENT", "30"))
    SPOT_CHECK_FLOOR_PERCENT = int(os.environ.get("SPOT_CHECK_FLOOR_PERCENT", "30"))

    # A TrueType CJK font to embed in PDFs when present; falls back to STSong-Light
    PDF_CJK_FONT = os.environ.get("PDF_CJK_FONT", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")

    @classmethod
    def check(cls) -> None:
        """Refuse configurations that cannot run safely; overridden where it matters."""


class DevelopmentConfig(Config):
    DEBUG = _bool("FLASK_DEBUG", False)


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    WTF_CSRF_ENABLED = True  # tests that do not exercise CSRF fetch a token like a browser
    MAIL_SERVER = ""
    BABEL_DEFAULT_LOCALE = "en"


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"

    @classmethod
    def check(cls) -> None:
        missing = [name for name in ("SECRET_KEY", "DATABASE_URL") if not os.environ.get(name)]
        if missing:
            raise ConfigError(
                f"Production needs {' and '.join(missing)} in the environment; refusing to start."
            )


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
