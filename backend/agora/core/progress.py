"""Progress of long management commands: a bar for a person at a terminal, lines for a log.

A progress bar redraws one line with carriage returns; in a log (ECS tasks log to CloudWatch,
CI captures output) that is an unreadable run of fragments. Without a terminal on stderr, or
when asked (``--no-progress``), the commands print a plain line every 10 % instead.
"""

import sys
from collections.abc import Callable

from tqdm import tqdm


class LineProgress:
    def __init__(self, *, total: int, desc: str, unit: str, write: Callable[[str], object], initial: int = 0):
        self.total, self.desc, self.unit, self.write = total, desc, unit, write
        self.done = initial
        self.next_percent = 10

    def __enter__(self) -> "LineProgress":
        self.write(f"{self.desc}: {self.done}/{self.total} {self.unit}s")
        return self

    def update(self, n: int = 1) -> None:
        self.done += n
        percent = 100 * self.done // self.total if self.total else 100
        if percent >= self.next_percent:
            self.write(f"{self.desc}: {self.done}/{self.total} {self.unit}s ({percent} %)")
            self.next_percent = percent - percent % 10 + 10

    def __exit__(self, *exc) -> None:
        return None


def progress(
    *, total: int, desc: str, unit: str, write: Callable[[str], object], bar: bool | None = None, initial: int = 0
):
    """A tqdm bar when ``bar`` (default: stderr is a terminal), else a LineProgress via ``write``."""
    if bar is None:
        bar = sys.stderr.isatty()
    if bar:
        return tqdm(total=total, initial=initial, unit=unit, desc=desc)
    return LineProgress(total=total, desc=desc, unit=unit, write=write, initial=initial)
