"""The API reference (``docs/api.md``), rendered from the OpenAPI schema the API serves.

``manage.py api_docs`` writes it (``make docs``) and ``make test`` runs ``api_docs --check``, so
the reference a person reads in the repository is the schema of the code next to it. The
rendering is deterministic: tags, paths, parameters, status codes and shapes are sorted, and
nothing depends on the environment or the order modules were imported in.

What the schema does not say is taken from the code that decides it, never typed twice: the
token lifetimes (``SIMPLE_JWT``), the page sizes (the pagination class) and the catalogue of
error codes (the exception handler's own codes and every ``DomainError`` in an app's
``errors.py``).
"""

import importlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from agora.core.doclinks import Slugger

METHODS = ("get", "post", "put", "patch", "delete")
LOCATIONS = ("path", "query", "header", "cookie")

#: Codes the exception handler answers by itself (agora.core.exceptions), with their statuses.
FRAMEWORK_CODES = {
    "validation_error": 400,
    "not_authenticated": 401,
    "permission_denied": 403,
    "not_found": 404,
    "method_not_allowed": 405,
    "not_acceptable": 406,
    "payload_too_large": 413,
    "unsupported_media_type": 415,
    "throttled": 429,
    "server_error": 500,
    "service_unavailable": 503,
}

HEADER = (
    "<!-- Generated from the OpenAPI schema by `make docs` (backend/agora/core/apidocs.py). Do not edit:\n"
    "     change the code (serializers, extend_schema, errors.py) and run `make docs`; `make test` fails\n"
    "     while this file and the code disagree. -->"
)
ERROR_EXAMPLE = {
    "error": {
        "code": "validation_error",
        "message": "Some fields are invalid.",
        "details": {"email": ["Enter a valid email address."]},
    }
}
# drf-spectacular appends "* `value` - label" lines to enum descriptions; the type column
# already lists the values, so lines whose label only repeats the value are dropped.
_ENUM_LINE = re.compile(r"^\* `(?P<value>[^`]*)` - (?P<label>.*)$")
_CODE = re.compile(r"^[a-z][a-z_]+$")
_PLURALS = {
    kind: kind + "s"
    for kind in ("object", "JSON object", "string", "integer", "number", "boolean", "decimal string", "file")
}


# --- error codes (from the code) ---------------------------------------------------------------


@dataclass(frozen=True, order=True)
class ErrorCode:
    status: int
    code: str
    messages: tuple[str, ...]


T = TypeVar("T")


def _subclasses(cls: type[T]) -> Iterator[type[T]]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def error_codes() -> list[ErrorCode]:
    """Every (status, code) the API answers, with the default messages that introduce it.

    Every app's ``errors.py`` is imported first (as Django's autodiscovery does), so the list
    does not depend on which modules happen to be loaded. A class introduces a code when no base
    class has the same status and code; classes in test modules are ignored.
    """
    from django.apps import apps

    from agora.core.errors import DomainError
    from agora.core.exceptions import MESSAGES

    for app in apps.get_app_configs():
        if app.name.startswith("agora."):
            try:
                importlib.import_module(f"{app.name}.errors")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app.name}.errors":
                    raise
    found: dict[tuple[int, str], set[str]] = {
        (status, code): {MESSAGES[code]} for code, status in FRAMEWORK_CODES.items()
    }
    for cls in set(_subclasses(DomainError)):
        module = cls.__module__
        if not module.startswith("agora.") or ".tests" in module:
            continue
        key = (cls.status_code, cls.code)
        bases = [base for base in cls.__mro__[1:] if issubclass(base, DomainError)]
        if any((base.status_code, base.code) == key for base in bases):
            continue
        found.setdefault(key, set()).add(cls.message)
    return sorted(ErrorCode(status, code, tuple(sorted(messages))) for (status, code), messages in found.items())


# --- the schema ----------------------------------------------------------------------------------


def generate_schema() -> dict:
    """The schema exactly as ``GET /api/schema/`` serves it, as plain JSON values."""
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    schema = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(schema, renderer_context={}))


@dataclass(frozen=True)
class Conventions:
    """Facts the schema does not carry, read from the settings that decide them."""

    access_token_minutes: int
    refresh_token_days: int
    page_size: int
    max_page_size: int
    page_query_param: str
    page_size_query_param: str

    @classmethod
    def from_settings(cls) -> "Conventions":
        from django.conf import settings
        from django.utils.module_loading import import_string
        from rest_framework_simplejwt.settings import api_settings as jwt

        paginator = import_string(settings.REST_FRAMEWORK["DEFAULT_PAGINATION_CLASS"])
        return cls(
            access_token_minutes=int(jwt.ACCESS_TOKEN_LIFETIME.total_seconds() // 60),
            refresh_token_days=int(jwt.REFRESH_TOKEN_LIFETIME.total_seconds() // 86400),
            page_size=paginator.page_size,
            max_page_size=paginator.max_page_size,
            page_query_param=paginator.page_query_param,
            page_size_query_param=paginator.page_size_query_param,
        )


def build() -> str:
    """docs/api.md for the code as it is now."""
    return render(generate_schema(), errors=error_codes(), conventions=Conventions.from_settings())


# --- Markdown helpers ----------------------------------------------------------------------------


def _cell(text: str) -> str:
    """Text fit for one table cell: one line, pipes escaped, paragraphs kept apart."""
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    return "<br><br>".join(paragraphs).replace("|", "\\|")


def _table(header: Iterable[str], rows: Iterable[Iterable[str]]) -> list[str]:
    header = list(header)
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines


def _code(value: Any) -> str:
    text = value if isinstance(value, str) and value else json.dumps(value, ensure_ascii=False)
    return f"``{text}``" if "`" in text else f"`{text}`"


def _clean(description: str | None) -> str:
    """A schema description without drf-spectacular's enum lines that only repeat the values."""
    if not description:
        return ""
    kept = []
    for line in description.strip().splitlines():
        match = _ENUM_LINE.match(line.strip())
        if match and match["label"].strip().lower() == match["value"].lower():
            continue
        kept.append(line.rstrip())
    return "\n".join(kept).strip()


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


# --- rendering -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    spec: dict

    @property
    def title(self) -> str:
        return f"`{self.method.upper()} {self.path}`"


class Renderer:
    def __init__(self, schema: dict, errors: list[ErrorCode], conventions: Conventions) -> None:
        self.schema = schema
        self.components: dict[str, dict] = schema.get("components", {}).get("schemas", {})
        self.errors = errors
        self.conventions = conventions
        self.operations = sorted(
            (
                Operation(method, path, spec)
                for path, item in schema.get("paths", {}).items()
                for method, spec in item.items()
                if method in METHODS
            ),
            key=lambda op: (op.path, METHODS.index(op.method)),
        )
        self.tags = sorted({self._tag(op) for op in self.operations})
        self.shapes = sorted(self._response_shapes())
        self.lines: list[str] = []
        self.headings: list[str] = []

    # -- structure

    @staticmethod
    def _tag(op: Operation) -> str:
        return (op.spec.get("tags") or ["other"])[0]

    @staticmethod
    def _tag_title(tag: str) -> str:
        return tag[:1].upper() + tag[1:]

    def _heading(self, level: int, text: str) -> None:
        self.headings.append(text)
        self.lines += [f"{'#' * level} {text}", ""]

    @staticmethod
    def _shape_title(name: str) -> str:
        return f"`{name}` object"  # not just the name: the shape Cart and the tag cart would share #cart

    @staticmethod
    def anchor(text: str) -> str:
        return Slugger.base(text.replace("`", ""))

    def _link(self, text: str, heading: str) -> str:
        return f"[{text}](#{self.anchor(heading)})"

    def _op_link(self, path: str, method: str = "post") -> str:
        op = next((o for o in self.operations if o.path == path and o.method == method), None)
        return self._link(f"{method.upper()} {path}", op.title) if op else f"`{method.upper()} {path}`"

    def _paragraph(self, *texts: str) -> None:
        text = " ".join(t for t in texts if t)
        if text:
            self.lines += [text, ""]

    # -- types

    def _is_enum(self, name: str) -> bool:
        return "enum" in self.components.get(name, {})

    def _is_error(self, schema: dict) -> bool:
        return _ref_name(schema.get("$ref", "")) == "Error"

    def _refs(self, schema: Any) -> Iterator[str]:
        if isinstance(schema, dict):
            if "$ref" in schema:
                yield _ref_name(schema["$ref"])
            for value in schema.values():
                yield from self._refs(value)
        elif isinstance(schema, list):
            for value in schema:
                yield from self._refs(value)

    def _response_shapes(self) -> set[str]:
        """Object components reachable from a success or error answer, the error envelope aside
        (the conventions describe it)."""
        todo = [
            name
            for op in self.operations
            for response in op.spec.get("responses", {}).values()
            for name in self._refs(response.get("content", {}))
        ]
        seen: set[str] = set()
        while todo:
            name = todo.pop()
            if name in seen or name in ("Error", "ErrorBody") or self._is_enum(name) or name not in self.components:
                continue
            seen.add(name)
            todo.extend(self._refs(self.components[name]))
        return seen

    def _enum(self, values: list) -> str:
        shown = [_code(v) if v is not None else "null" for v in values]
        return "one of " + ", ".join(shown)

    def type_of(self, schema: dict, *, link: bool = True) -> str:
        """A short, readable type: ``decimal string``, ``array of [`ProductSummary`](#…)``, …"""
        nullable = " or null" if schema.get("nullable") else ""
        if "$ref" in schema:
            name = _ref_name(schema["$ref"])
            target = self.components.get(name, {})
            if "enum" in target:
                return self._enum(target["enum"]) + nullable
            if name in ("Error", "ErrorBody"):
                return self._link("error", "Errors") + nullable
            if link and name in self.shapes:
                return self._link(f"`{name}`", self._shape_title(name)) + nullable
            return f"object `{name}`{nullable}"
        if "allOf" in schema and len(schema["allOf"]) == 1:
            return self.type_of(schema["allOf"][0], link=link) + nullable
        if "oneOf" in schema:
            choices = []
            for choice in schema["oneOf"]:
                if _ref_name(choice.get("$ref", "")) == "NullEnum" or choice.get("enum") == [None]:
                    choices.append("null")
                elif choice.get("type") == "string" and choice.get("maxLength") == 0:
                    choices.append("empty string")
                else:
                    choices.append(self.type_of(choice, link=link))
            if nullable and "null" not in choices:
                choices.append("null")
            return " or ".join(choices)
        if "enum" in schema:
            return self._enum(schema["enum"]) + nullable
        kind = schema.get("type")
        if kind == "array":
            item = self.type_of(schema.get("items", {}), link=link)
            return f"array of {_PLURALS.get(item, item)}{nullable}"
        if kind == "object" or (kind is None and "properties" in schema):
            return ("object" if schema.get("properties") else "JSON object") + nullable
        if kind == "string":
            fmt = schema.get("format")
            named = {
                "decimal": "decimal string",
                "binary": "file",
                "date-time": "date-time string",
                "date": "date string",
                "email": "email string",
                "uri": "URL string",
                "uuid": "UUID string",
            }
            return named.get(fmt or "", f"string ({fmt})" if fmt else "string") + nullable
        if kind in ("integer", "number", "boolean"):
            return kind + nullable
        return "any JSON value" + nullable

    @staticmethod
    def constraints(schema: dict) -> str:
        parts = []
        low, high = schema.get("minLength"), schema.get("maxLength")
        if low is not None and high is not None:
            parts.append(f"{low} to {high} characters")
        elif high is not None:
            parts.append(f"at most {high} characters")
        elif low:
            parts.append(f"at least {low} character" + ("s" if low > 1 else ""))
        low, high = schema.get("minimum"), schema.get("maximum")
        if low is not None and high is not None:
            parts.append(f"{low} to {high}")
        elif low is not None:
            parts.append(f"≥ {low}")
        elif high is not None:
            parts.append(f"≤ {high}")
        if schema.get("maxItems") is not None:
            parts.append(f"at most {schema['maxItems']} items")
        if schema.get("minItems"):
            parts.append(f"at least {schema['minItems']} items")
        if schema.get("pattern") and schema.get("format") != "decimal":
            parts.append(f"pattern {_code(schema['pattern'])}")
        if schema.get("format") == "decimal" and schema.get("pattern"):
            match = re.search(r"\\d\{0,(\d+)\}\(\?:\\\.\\d\{0,(\d+)\}\)", schema["pattern"])
            if match:
                parts.append(f"at most {match[1]} digits before the point and {match[2]} after")
        if "default" in schema:
            parts.append(f"default {_code(schema['default'])}")
        return ", ".join(parts)

    def _resolve(self, schema: dict) -> dict:
        """The object schema behind a property (through ``$ref`` and a one-item ``allOf``)."""
        if "$ref" in schema:
            return self.components.get(_ref_name(schema["$ref"]), {})
        if "allOf" in schema and len(schema["allOf"]) == 1:
            return self._resolve(schema["allOf"][0])
        return schema

    def _input_rows(self, schema: dict, prefix: str = "", seen: tuple[str, ...] = ()) -> Iterator[list[str]]:
        """Request body fields, nested objects flattened (``shipping_address.city``, ``variants[].sku``)."""
        obj = self._resolve(schema)
        required = set(obj.get("required", ()))
        for name, prop in obj.get("properties", {}).items():
            if prop.get("readOnly"):
                continue
            field = f"{prefix}{name}"
            target = self._resolve(prop)
            items = self._resolve(target.get("items", {})) if target.get("type") == "array" else None
            nested, suffix = (items, "[]") if items and items.get("properties") else (target, "")
            ref = _ref_name(prop.get("$ref", "") or (prop.get("items") or {}).get("$ref", ""))
            expandable = bool(nested.get("properties")) and ref not in seen
            kind = self.type_of(prop, link=False)
            if expandable and "`" in kind:
                kind = "array of objects" if suffix else "object"
            notes = [_clean(prop.get("description"))]
            if prop.get("writeOnly"):
                notes.append("Write-only: never shown in an answer.")
            yield [f"`{field}`", kind, "yes" if name in required else "no", self.constraints(prop), " ".join(notes)]
            if expandable:
                yield from self._input_rows(nested, f"{field}{suffix}.", (*seen, ref))

    def _security(self, op: Operation) -> str:
        requirements = op.spec.get("security", self.schema.get("security", []))
        with_token = [r for r in requirements if r]
        anonymous = any(not r for r in requirements)
        if with_token and anonymous:
            return "optional (anonymous callers are served; with a bearer token the request is the user's)."
        if with_token:
            return "required (bearer token)."
        return "none."

    # -- sections

    def render(self) -> str:
        self.lines = [HEADER, ""]
        info = self.schema.get("info", {})
        self._heading(1, "Agora HTTP API reference")
        self._paragraph(
            f"{info.get('title', 'API')} {info.get('version', '')}, OpenAPI {self.schema.get('openapi', '3')}.",
            "This page is generated from the schema the API serves at `GET /api/schema/` (the interactive",
            "version is `GET /api/docs/`), so it describes exactly what the code answers.",
            _clean(info.get("description")),
        )
        self._contents()
        self._conventions()
        for tag in self.tags:
            self._heading(2, self._tag_title(tag))
            for op in self.operations:
                if self._tag(op) == tag:
                    self._operation(op)
        self._shapes()
        self._check_anchors()
        while self.lines and not self.lines[-1]:
            self.lines.pop()
        return "\n".join(self.lines) + "\n"

    def _contents(self) -> None:
        self._heading(2, "Contents")
        lines = [f"- {self._link('Conventions', 'Conventions')}: requests, authentication, errors, pagination, money"]
        for tag in self.tags:
            ops = [op for op in self.operations if self._tag(op) == tag]
            links = ", ".join(self._link(op.title.strip("`"), op.title) for op in ops)
            lines.append(f"- {self._link(self._tag_title(tag), self._tag_title(tag))}: {links}")
        lines.append(f"- {self._link('Response shapes', 'Response shapes')}: the objects the answers are made of")
        self.lines += [*lines, ""]

    def _conventions(self) -> None:
        c = self.conventions
        self._heading(2, "Conventions")
        self._heading(3, "Requests")
        self._paragraph(
            "Every path ends with a slash. Bodies are JSON in UTF-8 (`Content-Type: application/json`),",
            "file uploads are `multipart/form-data`. An input object refuses fields it does not know",
            "(a misspelt or read-only field is a 400, not silently ignored). The API grows by adding",
            "endpoints and fields: a request valid under v1 stays valid. An object the caller may not",
            "see answers 404, never 403, so nothing leaks across vendors or customers.",
        )
        self._heading(3, "Authentication")
        schemes = self.schema.get("components", {}).get("securitySchemes", {})
        bearer = [name for name, s in sorted(schemes.items()) if s.get("scheme") == "bearer"]
        self._paragraph(
            "Send `Authorization: Bearer <access token>`" + (f" (scheme `{bearer[0]}`)." if bearer else "."),
            f"{self._op_link('/api/v1/auth/token/')} trades an email and password for an access token",
            f"(valid {c.access_token_minutes} minutes) and a refresh token (valid {c.refresh_token_days} days);",
            f"{self._op_link('/api/v1/auth/token/refresh/')} returns a new pair and the old refresh token",
            f"stops working, as it does after {self._op_link('/api/v1/auth/logout/')}.",
            "Each operation below says whether it needs a token: *required*, *optional* (anonymous",
            "callers are served; with a token the request is the user's) or *none*. Guests identify",
            "their cart with the `X-Cart-Token` header and a guest order with `X-Order-Token`.",
        )
        self._heading(3, "Errors")
        body = self.components.get("ErrorBody", {}).get("properties", {})
        self._paragraph(
            "Every error, from any layer (validation, authentication, permissions, 404, throttling,",
            "domain rules, unhandled exceptions), has one shape:",
        )
        self.lines += ["```json", json.dumps(ERROR_EXAMPLE), "```", ""]
        fields = ", ".join(f"`{name}` ({self.type_of(prop)})" for name, prop in body.items())
        self._paragraph(
            (f"`error` holds {fields}. " if fields else "")
            + "`code` is stable and is what a client branches on; `message` is for people; `details`",
            "says which field or value was wrong (for validation errors: field name → list of",
            "messages, nested fields as nested objects). Bad input is always a 4xx in this shape and",
            "changes nothing; a 500 is a bug. Throttled requests (429) carry a `Retry-After` header and",
            "`details.retry_after` in seconds.",
        )
        self._paragraph("The codes, with the messages that introduce them:")
        self.lines += _table(
            ["status", "code", "default messages"],
            ([str(e.status), f"`{e.code}`", "<br>".join(e.messages)] for e in self.errors),
        )
        self.lines.append("")
        self._heading(3, "Pagination")
        pages = [name for name in self.shapes if name.startswith("Paginated")]
        self._paragraph(
            'Lists answer a page: `{"count", "next", "previous", "results"}` (`next`/`previous`',
            f"are URLs or null). Ask for one with `?{c.page_query_param}=N`; `?{c.page_size_query_param}=M`",
            f"sets its size (default {c.page_size}, at most {c.max_page_size}: larger values are clamped,",
            "not refused). A page past the end answers 404 `not_found`."
            + (
                " Paginated shapes: " + ", ".join(self._link(f"`{n}`", self._shape_title(n)) for n in pages) + "."
                if pages
                else ""
            ),
        )
        self._heading(3, "Money")
        self._paragraph(
            'Amounts are decimal strings with two decimals (`"19.99"`), never floats, next to a',
            "`currency` field (ISO 4217, e.g. `EUR`). Types below say *decimal string*; totals are",
            "computed by the server (half-up to cents), and a client displays them as given.",
        )

    def _operation(self, op: Operation) -> None:
        spec = op.spec
        self._heading(3, op.title)
        self._paragraph(_clean(spec.get("description") or spec.get("summary")))
        self._paragraph(f"**Authentication:** {self._security(op)}")
        parameters = sorted(
            spec.get("parameters", []),
            key=lambda p: (LOCATIONS.index(p["in"]) if p.get("in") in LOCATIONS else 9, p.get("name", "")),
        )
        if parameters:
            self.lines += ["**Parameters**", ""]
            self.lines += _table(
                ["name", "in", "type", "required", "constraints", "description"],
                (
                    [
                        f"`{p['name']}`",
                        p["in"],
                        self.type_of(p.get("schema", {})),
                        "yes" if p.get("required") else "no",
                        self.constraints(p.get("schema", {})),
                        _clean(p.get("description")),
                    ]
                    for p in parameters
                ),
            )
            self.lines.append("")
        self._request_body(spec.get("requestBody"))
        self.lines += ["**Responses**", ""]
        self.lines += _table(["status", "body", "meaning"], self._response_rows(spec.get("responses", {})))
        self.lines.append("")

    def _request_body(self, body: dict | None) -> None:
        if not body:
            return
        required = "required" if body.get("required") else "optional"
        for media, content in sorted(body.get("content", {}).items()):
            schema = content.get("schema", {})
            self.lines += [f"**Request body** (`{media}`, {required})", ""]
            rows = list(self._input_rows(schema))
            if rows:
                self.lines += _table(["field", "type", "required", "constraints", "description"], rows)
            else:
                self.lines.append(f"Any {self.type_of(schema, link=False)}: the schema does not list its fields.")
            self.lines.append("")
            if rows:
                break  # the other media types of one serializer carry the same fields

    def _response_rows(self, responses: dict) -> Iterator[list[str]]:
        for status in sorted(responses, key=lambda s: (not s.isdigit(), s)):
            response = responses[status]
            bodies = [
                self.type_of(content.get("schema", {})) for _, content in sorted(response.get("content", {}).items())
            ]
            description = _clean(response.get("description"))
            parts = [part.strip() for part in description.split("/")]
            if parts and all(_CODE.match(part) for part in parts):
                description = ", ".join(f"`{part}`" for part in parts)
            yield [status, " or ".join(dict.fromkeys(bodies)) or "no body", description]

    def _shapes(self) -> None:
        self._heading(2, "Response shapes")
        self._paragraph(
            "Fields are always present unless marked *may be absent*; *or null* says a present field",
            "may be null. Clients should ignore fields they do not know: new ones are added.",
        )
        for name in self.shapes:
            shape = self.components[name]
            self._heading(3, self._shape_title(name))
            self._paragraph(_clean(shape.get("description")))
            properties = shape.get("properties", {})
            if not properties:
                self._paragraph(f"A {self.type_of(shape)}.")
                continue
            required = set(shape.get("required", ()))
            rows = (
                [
                    f"`{field}`",
                    self.type_of(prop),
                    " ".join(
                        t
                        for t in (_clean(prop.get("description")), "" if field in required else "*May be absent.*")
                        if t
                    ),
                ]
                for field, prop in properties.items()
            )
            self.lines += [*_table(["field", "type", "description"], rows), ""]

    def _check_anchors(self) -> None:
        """Links are written with the plain anchor of their heading: two headings with one anchor
        would make GitHub number the second, so they are refused here."""
        slugger = Slugger()
        for heading in self.headings:
            if slugger.slug(heading.replace("`", "")) != self.anchor(heading):
                raise ValueError(f"two headings share the anchor #{self.anchor(heading)}: rename one")


def render(schema: dict, *, errors: list[ErrorCode], conventions: Conventions) -> str:
    return Renderer(schema, errors, conventions).render()
