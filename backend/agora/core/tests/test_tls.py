"""The database connection in AWS verifies RDS's certificate and host name (issue 19, point 7):
DATABASE_URL carries sslmode=verify-full and sslrootcert=<the RDS CA bundle shipped in the image>."""

import datetime as dt
import json
import re
from pathlib import Path

from cryptography import x509

from testing.deployment import STRIPE_ONLY, run_python

BACKEND = Path(__file__).resolve().parents[3]
BUNDLE = BACKEND / "certs" / "rds-ca-bundle.pem"
IMAGE_PATH = "/app/backend/certs/rds-ca-bundle.pem"  # the Dockerfile copies backend/ to /app/backend/


def test_the_rds_ca_bundle_holds_the_current_roots_of_our_region():
    certs = x509.load_pem_x509_certificates(BUNDLE.read_bytes())
    now = dt.datetime.now(dt.UTC)
    subjects = {c.subject.rfc4514_string(): c for c in certs}
    ours = [s for s in subjects if "CN=Amazon RDS eu-west-1 Root CA RSA2048 G1" in s]
    assert ours, "the CA of the instance's rds-ca-rsa2048-g1 certificate is missing"
    for cert in certs:
        assert cert.not_valid_after_utc > now, f"expired: {cert.subject.rfc4514_string()}"
        constraints = cert.extensions.get_extension_for_class(x509.BasicConstraints).value
        assert constraints.ca, f"not a CA: {cert.subject.rfc4514_string()}"
        assert "Amazon" in cert.subject.rfc4514_string()


def test_sslmode_and_root_certificate_reach_the_database_driver():
    url = f"postgres://agora_app:pw@agora-prod.abc.eu-west-1.rds.amazonaws.com:5432/agora?sslmode=verify-full&sslrootcert={IMAGE_PATH}"
    code = "import json, django; django.setup(); from django.conf import settings; print(json.dumps(settings.DATABASES['default']['OPTIONS']))"
    env = {
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": "x" * 64,
        "SITE_URL": "https://shop.example.com",
        **STRIPE_ONLY,
        "DATABASE_URL": url,
    }
    r = run_python("-c", code, env=env)
    assert r.returncode == 0, r.stderr
    options = json.loads(r.stdout.strip().splitlines()[-1])
    assert options["sslmode"] == "verify-full" and options["sslrootcert"] == IMAGE_PATH


def test_the_image_ships_the_bundle_where_the_url_points():
    dockerfile = (BACKEND.parent / "Dockerfile").read_text()
    assert re.search(r"^COPY backend/ /app/backend/", dockerfile, re.M)
    ignored = (BACKEND.parent / ".dockerignore").read_text().split()
    assert not any(p in ("backend/certs", "*.pem", "**/*.pem") for p in ignored)
