"""Catalog domain errors and the messages tests check."""

from agora.core.errors import Conflict, PayloadTooLarge, UnsupportedMediaType, ValidationFailed

UNKNOWN_CATEGORY = "Unknown category."
SKU_TAKEN = "This SKU is already used by another of your variants."
SKU_REPEATED = "This SKU appears more than once."
SKU_TAKEN_BY_VENDOR = "This vendor already uses this SKU for another variant."
UNKNOWN_VARIANT = "This variant does not belong to the product."
VARIANT_REPEATED = "This variant appears more than once."
CURRENCY_FIXED = "This shop sells in {currency} only: send {currency} or leave currency out."
NEEDS_VARIANT = "A product needs at least one variant before it can be reviewed."
IMAGE_NOT_AN_IMAGE = "The file is not a JPEG, PNG or WebP image."
IMAGE_TOO_MANY_PIXELS = "The image has too many pixels."
IMAGE_LIMIT = "This product already has the maximum number of images."
CSV_NOT_CSV = "The file is not a UTF-8 CSV file."
CSV_BAD_HEADER = "The header row must be exactly: {columns}."
CSV_NO_ROWS = "The file has a header but no rows."
CSV_TOO_MANY_ROWS = "The file has more than {limit} rows."


class StockChanged(Conflict):
    code = "stock_changed"
    message = (
        "The stock of some variants changed since you loaded them (orders came in). Nothing was saved: "
        "review the current stock and save again."
    )


class TransitionNotAllowed(Conflict):
    code = "invalid_transition"
    message = "The product cannot move to that status from its current one."


class ProductArchived(Conflict):
    code = "product_archived"
    message = "This product is archived: it can no longer be edited or given images, only deleted."


class ImageTooLarge(PayloadTooLarge):
    message = "The image is larger than the allowed size."


class NotAnImage(UnsupportedMediaType):
    message = IMAGE_NOT_AN_IMAGE


class ImportFileTooLarge(PayloadTooLarge):
    message = "The import file is larger than the allowed size."


class InvalidImportFile(ValidationFailed):
    message = "The import file was refused."
