"""The one rule for a SKU, which the vendor portal's API and the CSV import both apply.

A SKU starts with a letter or a digit and goes on with letters, digits and ``. _ - /`` (ASCII
only), at most 64 characters: what fits a label, a barcode tool and a URL unescaped. The portal's
form sends every variant's SKU back on save, so a SKU one path takes and the other refuses
would leave the product impossible to save.
"""

import re

SKU_MAX_LENGTH = 64
SKU_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._\-/]*$"  # as the API schema documents it (docs/api.md)
SKU_INVALID = "Use letters, digits and . _ - / only, starting with a letter or a digit."
SKU_RULE = "letters, digits and `. _ - /`, starting with a letter or a digit"
SKU_TOO_LONG = f"At most {SKU_MAX_LENGTH} characters."

_SKU = re.compile(SKU_PATTERN)


def sku_problem(sku: str) -> str | None:
    """Why ``sku`` is not a SKU (None when it is)."""
    if len(sku) > SKU_MAX_LENGTH:
        return SKU_TOO_LONG
    if not _SKU.fullmatch(sku):  # whole: "$" alone would also take a trailing newline
        return SKU_INVALID
    return None
