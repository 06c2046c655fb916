import pytest
from django.core.management import CommandError, call_command

from agora.accounts.models import User


@pytest.mark.django_db
def test_create_staff_user_is_idempotent_and_keeps_password(monkeypatch):
    monkeypatch.setenv("STAFF_PASSWORD", "a-long-passphrase")
    call_command("create_staff_user", email="Boss@Example.com")
    monkeypatch.setenv("STAFF_PASSWORD", "another-passphrase")
    call_command("create_staff_user", email="boss@example.com")
    user = User.objects.get()
    assert user.is_staff and user.is_superuser and user.check_password("a-long-passphrase")
    call_command("create_staff_user", email="boss@example.com", reset_password=True)
    user.refresh_from_db()
    assert user.check_password("another-passphrase")


@pytest.mark.django_db
def test_create_staff_user_validates_input(monkeypatch):
    monkeypatch.setenv("STAFF_PASSWORD", "short")
    with pytest.raises(CommandError):
        call_command("create_staff_user", email="x@example.com")
    monkeypatch.setenv("STAFF_PASSWORD", "a-long-passphrase")
    with pytest.raises(CommandError):
        call_command("create_staff_user", email="")
    with pytest.raises(CommandError, match="not-an-email is not an e-mail address"):
        call_command("create_staff_user", "--email", "not-an-email")
    assert not User.objects.exists()


class _Spinning(BaseException):
    """Raised by the stand-in publisher once the loop has published without waiting between."""


@pytest.mark.parametrize("every", ["nan", "inf", "-1"])
def test_publish_queue_metrics_refuses_an_interval_that_is_not_a_positive_number(monkeypatch, every):
    published: list[int] = []

    def publish():
        published.append(1)
        if len(published) > 3:
            raise _Spinning
        return {}

    monkeypatch.setattr("agora.core.management.commands.publish_queue_metrics.publish_queue_depths", publish)
    with pytest.raises(CommandError, match="--every"):
        call_command("publish_queue_metrics", "--every", every)
    assert published == []


@pytest.mark.django_db
def test_create_staff_user_takes_the_password_from_the_secret_never_the_command_line(monkeypatch):
    """The runbook creates a new staff user in ECS with only --email: the password comes from the
    STAFF_PASSWORD secret injected into the management task, never from --overrides."""
    monkeypatch.delenv("STAFF_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="STAFF_PASSWORD"):
        call_command("create_staff_user", "--email", "ops@example.com")
    with pytest.raises(CommandError, match="unrecognized arguments: --password"):
        call_command("create_staff_user", "--email", "ops@example.com", "--password", "a-long-passphrase")
    monkeypatch.setenv("STAFF_PASSWORD", "not-configured")  # Terraform's placeholder
    with pytest.raises(CommandError, match="STAFF_PASSWORD"):
        call_command("create_staff_user", "--email", "ops@example.com")
    monkeypatch.setenv("STAFF_PASSWORD", "Correct-Horse-Battery-9")
    call_command("create_staff_user", "--email", "ops@example.com")
    assert User.objects.get(email="ops@example.com").check_password("Correct-Horse-Battery-9")


@pytest.mark.django_db
def test_check_services_prints_each_dependency_and_fails_when_one_is_down(settings, capsys):
    call_command("check_services")
    out = capsys.readouterr().out
    for name in ("database", "cache", "broker", "search"):
        assert name in out
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/1"
    with pytest.raises(CommandError, match="broker"):
        call_command("check_services")
