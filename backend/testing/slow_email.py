"""A slow email backend for crash tests: it marks a send as started (with the sending process's
pid), takes ``AGORA_TEST_MAIL_DELAY`` seconds, then writes one ``.eml`` file per delivered
message. A process killed mid-send leaves a ``.sending`` marker and no ``.eml``."""

import json
import os
import time
import uuid
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


class SlowFileBackend(BaseEmailBackend):
    def send_messages(self, messages):
        out = Path(os.environ["AGORA_TEST_MAIL_DIR"])
        delay = float(os.environ.get("AGORA_TEST_MAIL_DELAY", "1"))
        for message in messages:
            token = uuid.uuid4().hex
            marker = out / f"{token}.sending"
            marker.write_text(str(os.getpid()))
            time.sleep(delay)
            # Written aside and renamed: a reader never sees a half-written message.
            partial = out / f"{token}.part"
            partial.write_text(json.dumps({"to": message.to, "subject": message.subject}))
            partial.rename(out / f"{token}.eml")
            marker.unlink()
        return len(messages)


def delivered(directory: Path) -> list[dict]:
    return [json.loads(p.read_text()) for p in directory.glob("*.eml")]


def sending_pids(directory: Path) -> set[int]:
    pids = set()
    for marker in directory.glob("*.sending"):
        try:
            pids.add(int(marker.read_text()))
        except (FileNotFoundError, ValueError):  # finished (or being written) meanwhile
            continue
    return pids
