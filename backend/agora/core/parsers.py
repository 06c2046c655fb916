"""The API's JSON body parser."""

from typing import Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, with a body nested deeper than Python's decoder recurses (about a
    thousand levels: ``[[[[…`` in a few kilobytes) refused as invalid JSON, a 400, instead of
    the decoder's RecursionError reaching the client as a 500."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - nested too deeply") from None
