import pytest


@pytest.fixture
def sent_tasks(monkeypatch):
    """Records tasks instead of publishing them. Transactional tests that do not want a worker use
    it, so a session worker started by another test cannot touch their rows while they are flushed."""
    sent: list[tuple[str, tuple]] = []
    monkeypatch.setattr("agora.core.tasks_util._send", lambda task, args, kwargs: sent.append((task.name, args)))
    return sent
