"""Ops commands behave in ECS as the runbook runs them (issue 19, point 9)."""

import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from agora.accounts.models import User
from agora.catalog.models import Product
from agora.catalog.tests.factories import ProductFactory
from agora.core.tests.test_infrastructure import STRIPE_ONLY

BACKEND = Path(__file__).resolve().parents[3]


@pytest.mark.django_db
def test_seed_demo_refuses_to_run_where_demo_data_is_not_allowed(settings):
    settings.DEMO_DATA_ALLOWED = False
    with pytest.raises(CommandError, match="production settings"):
        call_command("seed_demo", "--products", "3")
    assert not Product.objects.exists() and not User.objects.filter(email="shopper@example.com").exists()


def test_production_settings_refuse_demo_data_unless_the_environment_allows_it():
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": "x" * 64,
        **STRIPE_ONLY,
        # Unreachable on purpose: the refusal must come before any database access.
        "DATABASE_URL": "postgres://u:p@127.0.0.1:1/agora",
    }
    r = subprocess.run(
        [sys.executable, "manage.py", "seed_demo", "--products", "1"],
        cwd=BACKEND,
        env=env,
        capture_output=True,
        text=True,
    )
    assert r.returncode != 0 and "refuses to run with production settings" in r.stderr
    code = "import django; django.setup(); from django.conf import settings; print(settings.DEMO_DATA_ALLOWED)"
    r = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BACKEND,
        env={**env, "DEMO_DATA_ALLOWED": "true"},
        capture_output=True,
        text=True,
    )
    assert r.stdout.strip() == "True", r.stderr  # dev and staging opt in


@pytest.mark.django_db
def test_search_rebuild_in_a_log_prints_lines_not_a_progress_bar(capsys):
    """ECS runs the runbook's command without a terminal, into CloudWatch: no carriage-return bar."""
    ProductFactory.create_batch(3)
    out = io.StringIO()
    call_command("search_rebuild", stdout=out)  # pytest's captured stderr is not a terminal
    captured = capsys.readouterr()
    assert "\r" not in captured.err and "\r" not in out.getvalue()
    assert "it/s" not in captured.err and "product/s" not in captured.err
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("search_rebuild (postgres): 0/3 products")
    assert "3/3 products (100 %)" in lines[-2]
    assert lines[-1] == "Indexed 3 products with the postgres backend."


@pytest.mark.django_db
def test_search_rebuild_no_progress_flag_also_prints_lines(capsys):
    ProductFactory.create_batch(2)
    out = io.StringIO()
    call_command("search_rebuild", "--no-progress", stdout=out)
    assert "\r" not in capsys.readouterr().err
    assert "2/2 products (100 %)" in out.getvalue()
