from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from agora.core import apidocs

DEFAULT_OUTPUT = Path(settings.BASE_DIR).parent / "docs" / "api.md"


def _first_difference(old: str, new: str) -> str:
    old_lines, new_lines = old.splitlines(), new.splitlines()
    for number, (was, now) in enumerate(zip(old_lines, new_lines, strict=False), start=1):
        if was != now:
            return f"line {number}: the file has {was[:100]!r}, the schema gives {now[:100]!r}"
    number = min(len(old_lines), len(new_lines)) + 1
    return f"line {number}: " + ("the file goes on" if len(old_lines) > len(new_lines) else "the file ends early")


class Command(BaseCommand):
    help = (
        "Render the API reference (docs/api.md) from the OpenAPI schema. --check fails when the file differs "
        "from the schema (make test); --stdout prints it instead of writing it."
    )
    # Only the URLconf and the serializers are read: no database, no system checks.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="default: docs/api.md")
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--check", action="store_true", help="exit 1 if the file is not what the schema gives")
        # Not `stdout`: BaseCommand takes that option as the stream to write to.
        mode.add_argument(
            "--stdout", dest="to_stdout", action="store_true", help="print the reference instead of writing it"
        )

    def handle(self, *args, output: Path, check: bool, to_stdout: bool, **options):
        text = apidocs.build()
        if to_stdout:
            self.stdout.write(text, ending="")
            return
        name = self._name(output)
        current = output.read_text(encoding="utf-8") if output.is_file() else None
        if check:
            if current is None:
                raise CommandError(f"{name} is missing: run `make docs`")
            if current != text:
                raise CommandError(
                    f"{name} is out of date: run `make docs` and commit it ({_first_difference(current, text)})"
                )
            self.stdout.write(f"{name} matches the OpenAPI schema.")
            return
        if current == text:
            self.stdout.write(f"{name} is up to date.")
            return
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(f"wrote {name}"))

    @staticmethod
    def _name(output: Path) -> str:
        try:
            return output.resolve().relative_to(DEFAULT_OUTPUT.parent.parent.resolve()).as_posix()
        except ValueError:
            return str(output)
