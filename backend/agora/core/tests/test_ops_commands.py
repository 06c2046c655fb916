"""Ops commands behave in ECS as the runbook runs them (issue 19, point 9)."""

import io

import pytest
from django.core.management import CommandError, call_command

from agora.accounts.models import User
from agora.catalog.models import Product
from agora.catalog.tests.factories import ProductFactory
from testing.deployment import STRIPE_ONLY, printed_settings, run_manage


@pytest.mark.django_db
def test_seed_demo_refuses_to_run_where_demo_data_is_not_allowed(settings):
    settings.DEMO_DATA_ALLOWED = False
    with pytest.raises(CommandError, match="production settings"):
        call_command("seed_demo", "--products", "3")
    assert not Product.objects.exists() and not User.objects.filter(email="shopper@example.com").exists()


def test_production_settings_refuse_demo_data_unless_the_environment_allows_it():
    env = {
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": "x" * 64,
        "SITE_URL": "https://shop.example.com",
        **STRIPE_ONLY,
        # Unreachable on purpose: the refusal must come before any database access.
        "DATABASE_URL": "postgres://u:p@127.0.0.1:1/agora",
    }
    r = run_manage("seed_demo", "--products", "1", env=env)
    assert r.returncode != 0 and "refuses to run with production settings" in r.stderr
    r = printed_settings("DEMO_DATA_ALLOWED", env={**env, "DEMO_DATA_ALLOWED": "true"})
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
