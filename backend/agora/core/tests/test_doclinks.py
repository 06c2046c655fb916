"""The documentation link check (make test): every link resolves inside the repository."""

import textwrap
from pathlib import Path

import pytest

from agora.core import doclinks


@pytest.mark.parametrize(
    ("heading", "anchor"),
    [
        ("Cart, checkout and orders", "cart-checkout-and-orders"),
        ("Quality gates in `make test`", "quality-gates-in-make-test"),
        ("Alarms (SNS topic `agora-<env>-alarms`)", "alarms-sns-topic-agora-env-alarms"),
        ("`GET /api/v1/products/{slug}/`", "get-apiv1productsslug"),
        ("0002 — One lock order", "0002--one-lock-order"),
        ("snake_case stays", "snake_case-stays"),
    ],
)
def test_anchors_are_the_ones_github_makes(heading, anchor):
    assert doclinks.parse(f"# {heading}\n").anchors == {anchor}


def _repo(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "repo"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


GOOD_DOCS = {
    "docs/guide.md": """\
        # Guide

        ## Setup

        ## Setup

        ### The `make docs` target
        <a id="custom"></a>
        """,
    "docs/adr/README.md": "# Decisions\n\nBack to the [guide](../guide.md#setup-1).\n",
    "frontend/README.md": "Contract: [API](../docs/guide.md).\n",
    "backend/agora/core/locks.py": '"""See docs/guide.md."""\n',
}


def test_links_that_resolve_pass(tmp_path):
    root = _repo(
        tmp_path,
        {
            **GOOD_DOCS,
            "README.md": """\
                # Readme

                See [the guide](docs/guide.md), [setup](docs/guide.md#setup), [again](docs/guide.md#setup-1),
                [target](./docs/guide.md#the-make-docs-target), [custom](docs/guide.md#custom),
                [decisions](docs/adr/), [top](#readme), [ref][guide], <https://example.com/page>,
                [Stripe](https://stripe.com/docs) and [mail](mailto:ops@example.com).

                [guide]: docs/guide.md

                ```text
                [not a link](missing.md)
                ```

                And `[code](missing.md)` is code.
                """,
        },
    )
    assert doclinks.check(root) == []
    assert doclinks.main(["--root", str(root)]) == 0


def test_broken_links_are_reported_with_file_line_and_reason(tmp_path, capsys):
    root = _repo(
        tmp_path,
        {
            **GOOD_DOCS,
            "README.md": """\
                # Readme

                The contract is in `shared/API.md`.
                [gone](docs/gone.md) and [no anchor](docs/guide.md#install)
                [up](../outside.md) [root](/docs/guide.md)
                [file](file:///etc/passwd) [self](#nowhere) [image](docs/logo.png)
                """,
            "backend/agora/orders/services.py": '"""Lock order: docs/adr/0009-gone.md."""\n',
            "backend/agora/orders/tests/test_x.py": '"""Tests may name docs/missing.md."""\n',
        },
    )
    problems = [(p.path, p.line, p.message) for p in doclinks.check(root)]
    assert [(path, line) for path, line, _ in problems] == [
        ("README.md", 3),
        ("README.md", 4),
        ("README.md", 4),
        ("README.md", 5),
        ("README.md", 5),
        ("README.md", 6),
        ("README.md", 6),
        ("README.md", 6),
        ("backend/agora/orders/services.py", 1),
    ]
    messages = "\n".join(message for _, _, message in problems)
    assert "names shared/, which is not in the repository" in messages
    assert "[docs/gone.md] points to docs/gone.md, which does not exist" in messages
    assert "[docs/guide.md#install] names #install, which is not a heading or anchor of docs/guide.md" in messages
    assert "[../outside.md] points outside the repository" in messages
    assert "[/docs/guide.md] starts at the site root" in messages
    assert "[file:///etc/passwd] uses the file: scheme" in messages
    assert "[#nowhere] names #nowhere, which is not a heading or anchor of README.md" in messages
    assert "[docs/logo.png] points to docs/logo.png, which does not exist" in messages
    assert "names docs/adr/0009-gone.md, which does not exist" in messages

    assert doclinks.main(["--root", str(root)]) == 1
    assert "9 broken documentation link(s)." in capsys.readouterr().err
