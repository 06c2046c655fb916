"""The one place settings read the environment (django-environ)."""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent  # backend/
REPO_DIR = BASE_DIR.parent

env = environ.Env()
# A developer's .env at the repository root; real deployments inject variables.
_dotenv = REPO_DIR / ".env"
if _dotenv.is_file():
    env.read_env(str(_dotenv), overwrite=False)

DEFAULT_SECRET_KEY = "insecure-local-development-key-change-me"  # noqa: S105 - refused in production
DJANGO_ENV = env.str("DJANGO_ENV", default="local")  # local | test | production
IS_PRODUCTION = DJANGO_ENV == "production"
# ISO 4217 currencies whose minor unit is not a hundredth (Stripe's zero-decimal list, and the
# three-decimal dinars and rials): refused as AGORA_CURRENCY (settings/__init__.py).
NOT_TWO_DECIMAL_CURRENCIES = frozenset(
    [
        "BIF",
        "CLP",
        "DJF",
        "GNF",
        "ISK",
        "JPY",
        "KMF",
        "KRW",
        "MGA",
        "PYG",
        "RWF",
        "UGX",
        "UYI",
        "VND",
        "VUV",
        "XAF",
        "XOF",
        "XPF",
        "BHD",
        "IQD",
        "JOD",
        "KWD",
        "LYD",
        "OMR",
        "TND",
    ]
)
