"""The API reference (docs/api.md): generated from the OpenAPI schema, checked in make test."""

import copy
import gc

import pytest
from django.core.management import CommandError, call_command

from agora.core import apidocs
from agora.core.errors import Conflict
from testing.deployment import run_manage


@pytest.fixture(scope="module")
def schema():
    return apidocs.generate_schema()


def _render(schema) -> str:
    return apidocs.render(schema, errors=apidocs.error_codes(), conventions=apidocs.Conventions.from_settings())


def _stale(schema) -> dict:
    """The schema as it was before someone reworded the checkout's description."""
    old = copy.deepcopy(schema)
    old["paths"]["/api/v1/checkout/"]["post"]["description"] = "Places the order (the wording of last week)."
    return old


def test_api_docs_check_passes_on_a_fresh_file_and_fails_on_a_stale_one(schema, tmp_path, capsys):
    reference = tmp_path / "api.md"
    call_command("api_docs", output=reference)
    call_command("api_docs", check=True, output=reference)
    assert "matches the OpenAPI schema" in capsys.readouterr().out

    reference.write_text(_render(_stale(schema)), encoding="utf-8")
    with pytest.raises(CommandError, match=r"is out of date: run `make docs`") as failure:
        call_command("api_docs", check=True, output=reference)
    assert "the wording of last week" in str(failure.value)  # it points at the line that differs

    reference.unlink()
    with pytest.raises(CommandError, match=r"is missing: run `make docs`"):
        call_command("api_docs", check=True, output=reference)


def test_a_stale_reference_fails_the_command_line_check_with_exit_status_1(schema, tmp_path):
    reference = tmp_path / "api.md"
    reference.write_text(_render(_stale(schema)), encoding="utf-8")
    done = run_manage("api_docs", "--check", "--output", str(reference))
    assert done.returncode == 1
    assert "is out of date: run `make docs`" in done.stderr


def test_stdout_prints_the_reference_without_writing_it(tmp_path):
    reference = tmp_path / "api.md"
    done = run_manage("api_docs", "--stdout", "--output", str(reference))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("<!-- Generated from the OpenAPI schema")
    assert "### `POST /api/v1/checkout/`" in done.stdout
    assert not reference.exists()


def test_make_docs_rewrites_only_a_changed_file(tmp_path, capsys):
    reference = tmp_path / "docs" / "api.md"
    call_command("api_docs", output=reference)
    written = reference.read_text(encoding="utf-8")
    call_command("api_docs", output=reference)
    assert "is up to date" in capsys.readouterr().out
    assert reference.read_text(encoding="utf-8") == written


def test_the_reference_lists_every_operation_with_its_parameters_body_and_answers(schema):
    text = _render(schema)
    for path, item in schema["paths"].items():
        for method in item:
            assert f"### `{method.upper()} {path}`" in text
    checkout = text.split("### `POST /api/v1/checkout/`", 1)[1].split("\n### ", 1)[0]
    assert "| `Idempotency-Key` | header | string | yes |" in checkout
    assert "| `shipping_address` | object | yes |" in checkout
    assert '| `shipping_address.line2` | string | no | at most 200 characters, default `""` |' in checkout
    assert "| `payment_method` | one of `dummy`, `stripe` | yes |" in checkout
    assert "| 201 | [`CheckoutOrder`](#checkoutorder-object) |" in checkout
    assert "| 422 | [error](#errors) | `idempotency_key_reused` |" in checkout
    assert "### `CheckoutOrder` object" in text
    assert "| `price_from` | decimal string or null |" in text
    # conventions come from the settings that decide them
    assert "(valid 15 minutes)" in text and "default 20, at most 100" in text


def test_the_error_catalogue_follows_the_code():
    codes = {(e.status, e.code) for e in apidocs.error_codes()}
    assert {
        (409, "insufficient_stock"),
        (503, "payment_provider_unavailable"),
        (422, "idempotency_key_reused"),
    } <= codes
    assert (406, "not_acceptable") in codes  # answered by the exception handler itself

    class GiftCardExhausted(Conflict):
        code = "gift_card_exhausted"
        message = "This gift card has no balance left."

    class RaisedByATest(Conflict):
        code = "only_in_a_test"

    GiftCardExhausted.__module__ = "agora.orders.errors"
    try:
        catalogue = {e.code: e for e in apidocs.error_codes()}
        assert catalogue["gift_card_exhausted"].status == 409
        assert catalogue["gift_card_exhausted"].messages == ("This gift card has no balance left.",)
        assert "only_in_a_test" not in catalogue
    finally:
        del GiftCardExhausted, RaisedByATest
        gc.collect()


def test_the_reference_does_not_depend_on_the_order_of_the_schema(schema):
    shuffled = copy.deepcopy(schema)
    shuffled["paths"] = dict(reversed(shuffled["paths"].items()))
    for path, item in shuffled["paths"].items():
        shuffled["paths"][path] = dict(reversed(item.items()))
        for operation in item.values():
            operation["responses"] = dict(reversed(operation["responses"].items()))
            operation.get("parameters", []).reverse()
    shuffled["components"]["schemas"] = dict(reversed(shuffled["components"]["schemas"].items()))
    assert _render(shuffled) == _render(schema)


def test_two_headings_with_one_anchor_are_refused(schema):
    clash = copy.deepcopy(schema)
    clash["paths"]["/api/v1/checkout/"]["post"]["tags"] = ["`Cart` object"]
    with pytest.raises(ValueError, match="share the anchor #cart-object"):
        _render(clash)
