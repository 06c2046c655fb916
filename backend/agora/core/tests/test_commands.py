import pytest
from django.core.management import CommandError, call_command

from agora.accounts.models import User


@pytest.mark.django_db
def test_create_staff_user_is_idempotent_and_keeps_password():
    call_command("create_staff_user", email="Boss@Example.com", password="a-long-passphrase")
    call_command("create_staff_user", email="boss@example.com", password="another-passphrase")
    user = User.objects.get()
    assert user.is_staff and user.is_superuser and user.check_password("a-long-passphrase")
    call_command("create_staff_user", email="boss@example.com", password="another-passphrase", reset_password=True)
    user.refresh_from_db()
    assert user.check_password("another-passphrase")


@pytest.mark.django_db
def test_create_staff_user_validates_input():
    with pytest.raises(CommandError):
        call_command("create_staff_user", email="x@example.com", password="short")
    with pytest.raises(CommandError):
        call_command("create_staff_user", password="a-long-passphrase", email="")
    assert not User.objects.exists()


@pytest.mark.django_db
def test_check_services_prints_each_dependency_and_fails_when_one_is_down(settings, capsys):
    call_command("check_services")
    out = capsys.readouterr().out
    for name in ("database", "cache", "broker", "search"):
        assert name in out
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/1"
    with pytest.raises(CommandError, match="broker"):
        call_command("check_services")
