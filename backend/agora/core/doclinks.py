"""Checks the repository's Markdown links: `make test` runs it (`python -m agora.core.doclinks`).

A reader who clones Agora must be able to follow every link in its docs, so:

* a relative link must resolve to a file or folder inside the repository (never above it), and
  a ``#fragment`` must name a heading (GitHub's anchor for it) or an explicit ``id``/``name``
  anchor of the target Markdown file;
* a link from the site root (``/docs/api.md``) or to another scheme (``file:``) is refused: it
  only works in one viewer;
* ``https://``/``http://`` links to other sites and ``mailto:`` are allowed (not fetched: the
  check runs offline); the project's own docs are linked relatively, never by URL;
* nothing may send readers to ``shared/``, the design folder that is not part of the repository;
* a ``docs/….md`` path named in the backend's source (``See docs/adr/0002-lock-order.md``) must
  exist, so renaming a doc cannot orphan the comments that point to it.

Only the standard library at import time: ``apidocs`` uses the slugger in production images,
where markdown-it-py (a development dependency) is not installed.
"""

import argparse
import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

REPO_DIR = Path(__file__).resolve().parents[3]

#: The Markdown files whose links are checked, relative to the repository root.
DOCUMENTS = ("README.md", "docs/**/*.md", "frontend/README.md", "infra/README.md", "backend/**/README.md")
#: Source files whose ``docs/….md`` mentions must exist.
SOURCES = ("backend/agora/**/*.py", "backend/config/**/*.py")
SKIP_DIRS = {"node_modules", ".venv", "site-packages", ".git"}
#: Tests build broken docs on purpose; migrations are history.
SKIP_SOURCE_DIRS = {"tests", "migrations"}

EXTERNAL_SCHEMES = {"http", "https", "mailto"}
SHARED = re.compile(r"(?<![\w./-])shared/")
DOC_MENTION = re.compile(r"(?<![\w./-])(docs/[\w./-]+\.md)")
HTML_TARGET = re.compile(r"""\b(?:href|src)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
HTML_ANCHOR = re.compile(r"""<a\s[^>]*\b(?:id|name)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)


class Slugger:
    """GitHub's heading anchors (github-slugger): lower case, punctuation and symbols dropped,
    spaces turned into hyphens; a repeated heading gets ``-1``, ``-2``… in document order."""

    def __init__(self) -> None:
        self._seen: dict[str, int] = {}

    @staticmethod
    def base(text: str) -> str:
        kept = (
            ch
            for ch in text.lower()
            if ch in "- " or unicodedata.category(ch)[0] in "LMN" or unicodedata.category(ch) == "Pc"
        )
        return "".join(kept).replace(" ", "-")

    def slug(self, text: str) -> str:
        base = slug = self.base(text)
        while slug in self._seen:
            self._seen[base] += 1
            slug = f"{base}-{self._seen[base]}"
        self._seen[slug] = 0
        return slug


@dataclass(frozen=True, order=True)
class Problem:
    path: str  # relative to the repository root
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True)
class _Link:
    target: str
    line: int


@dataclass
class _Document:
    anchors: set[str]
    links: list[_Link]


def _parser() -> "MarkdownIt":
    from markdown_it import MarkdownIt  # development dependency: only the check needs it

    class EveryLink(MarkdownIt):
        def validateLink(self, url: str) -> bool:  # noqa: N802  (markdown-it's name)
            return True  # file:, javascript:… are links to report, not text to skip

    return EveryLink("commonmark").enable(["table", "strikethrough"])


def _inline_text(token: "Token") -> str:
    """The text GitHub derives a heading's anchor from: text and code, without markup or tags."""
    parts = []
    for child in token.children or ():
        if child.type in ("text", "code_inline") or child.type == "image":
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts)


def _walk(tokens: "Sequence[Token]") -> Iterator[tuple["Token", int]]:
    """Every token with its 1-based line (inline children: counted from their block's line)."""
    line = 1
    for token in tokens:
        if token.map:
            line = token.map[0] + 1
        yield token, line
        here = line
        for child in token.children or ():
            yield child, here
            if child.type in ("softbreak", "hardbreak"):
                here += 1


def parse(text: str) -> _Document:
    """Anchors a Markdown text defines and the links it makes (code blocks and code spans are
    text, not links)."""
    tokens = _parser().parse(text)
    slugger = Slugger()
    anchors: set[str] = set()
    links: list[_Link] = []
    heading_open = False
    for token, line in _walk(tokens):
        kind = token.type
        if kind == "heading_open":
            heading_open = True
        elif kind == "inline" and heading_open:
            anchors.add(slugger.slug(_inline_text(token)))
            heading_open = False
        if kind == "link_open":
            links.append(_Link(str(token.attrGet("href") or ""), line))
        elif kind == "image":
            links.append(_Link(str(token.attrGet("src") or ""), line))
        elif kind in ("html_block", "html_inline"):
            anchors.update(HTML_ANCHOR.findall(token.content))
            links.extend(_Link(target, line) for target in HTML_TARGET.findall(token.content))
    return _Document(anchors=anchors, links=links)


class Checker:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self._documents: dict[Path, _Document] = {}

    def _document(self, path: Path) -> _Document:
        if path not in self._documents:
            self._documents[path] = parse(path.read_text(encoding="utf-8"))
        return self._documents[path]

    def _relative(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def check_file(self, path: Path) -> list[Problem]:
        path = path.resolve()
        name = self._relative(path)
        text = path.read_text(encoding="utf-8")
        problems = [
            Problem(
                name, number, "names shared/, which is not in the repository: link docs/api.md or docs/architecture.md"
            )
            for number, line in enumerate(text.splitlines(), start=1)
            if SHARED.search(line)
        ]
        for link in self._document(path).links:
            message = self._link_problem(path, link.target)
            if message:
                problems.append(Problem(name, link.line, f"[{link.target}] {message}"))
        return problems

    def _link_problem(self, source: Path, target: str) -> str | None:
        if not target.strip():
            return "is empty"
        parts = urlsplit(target)
        if parts.scheme:
            if parts.scheme.lower() in EXTERNAL_SCHEMES:
                return None
            return f"uses the {parts.scheme}: scheme: link a file of the repository relatively, or an https:// page"
        if parts.netloc:
            return "is protocol-relative: write https://"
        path, fragment = unquote(parts.path), unquote(parts.fragment)
        if path.startswith("/"):
            return "starts at the site root, which only one viewer understands: link relative to this file"
        resolved = (source.parent / path).resolve() if path else source
        if resolved != self.root and self.root not in resolved.parents:
            return "points outside the repository"
        if not resolved.exists():
            return f"points to {self._relative(resolved)}, which does not exist"
        if fragment:
            if resolved.is_dir() or resolved.suffix.lower() != ".md":
                return "has an anchor, but its target is not a Markdown file"
            if fragment not in self._document(resolved).anchors:
                return f"names #{fragment}, which is not a heading or anchor of {self._relative(resolved)}"
        return None

    def check_source(self, path: Path) -> list[Problem]:
        problems = []
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for mention in DOC_MENTION.findall(line):
                if not (self.root / mention).is_file():
                    problems.append(Problem(self._relative(path), number, f"names {mention}, which does not exist"))
        return problems


def _files(root: Path, patterns: Iterable[str], skip: set[str] = SKIP_DIRS) -> list[Path]:
    found = set()
    for pattern in patterns:
        for path in root.glob(pattern):
            if path.is_file() and not skip.intersection(path.relative_to(root).parts):
                found.add(path)
    return sorted(found)


def check(
    root: Path = REPO_DIR, documents: Iterable[str] = DOCUMENTS, sources: Iterable[str] = SOURCES
) -> list[Problem]:
    """Every problem found, sorted by file and line; an empty list when every link resolves."""
    checker = Checker(root)
    problems: list[Problem] = []
    for path in _files(checker.root, documents):
        problems.extend(checker.check_file(path))
    for path in _files(checker.root, sources, SKIP_DIRS | SKIP_SOURCE_DIRS):
        problems.extend(checker.check_source(path))
    return sorted(problems)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Check that every Markdown link of the repository resolves.")
    parser.add_argument("--root", type=Path, default=REPO_DIR, help="the repository root")
    args = parser.parse_args(argv)
    problems = check(args.root)
    for problem in problems:
        print(problem, file=sys.stderr)  # noqa: T201 - a command-line check reports on stderr
    if problems:
        print(f"{len(problems)} broken documentation link(s).", file=sys.stderr)  # noqa: T201
        return 1
    print(f"Documentation links: {len(_files(args.root.resolve(), DOCUMENTS))} files checked, all resolve.")  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
