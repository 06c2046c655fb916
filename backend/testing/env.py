"""pytest plugin (loaded with ``-p testing.env`` before Django): finds PostgreSQL and Redis.

Order: ``DATABASE_URL``/``REDIS_URL`` if set (``make test`` starts throwaway servers and sets
them; CI sets them to service containers) → testcontainers if a Docker engine answers → a clear
error saying how to start them. Tests never fall back to SQLite or a fake Redis.
"""

import os

import pytest

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ["DJANGO_ENV"] = "test"

_containers: list = []


def docker_answers() -> bool:
    try:
        import docker

        docker.from_env(timeout=2).ping()
    except Exception:  # noqa: BLE001 - no engine, no socket, no permission: all mean "no"
        return False
    return True


def _start_containers() -> None:
    from testcontainers.postgres import PostgresContainer
    from testcontainers.redis import RedisContainer

    pg = PostgresContainer("postgres:15-alpine", username="agora", password="agora", dbname="agora")
    pg.start()
    _containers.append(pg)
    redis = RedisContainer("redis:7-alpine")
    redis.start()
    _containers.append(redis)
    host, port = pg.get_container_host_ip(), pg.get_exposed_port(5432)
    os.environ["DATABASE_URL"] = f"postgres://agora:agora@{host}:{port}/agora"
    rhost, rport = redis.get_container_host_ip(), redis.get_exposed_port(6379)
    os.environ["REDIS_URL"] = f"redis://{rhost}:{rport}/0"
    os.environ["CELERY_BROKER_URL"] = f"redis://{rhost}:{rport}/1"


if not (os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL")):
    if docker_answers():
        _start_containers()
    else:
        raise pytest.UsageError(
            "Tests need a real PostgreSQL and Redis. Run `make test` (it starts throwaway servers), "
            "or `scripts/with-test-services.sh .venv/bin/pytest ...`, or set DATABASE_URL and REDIS_URL, "
            "or start a Docker engine so testcontainers can."
        )
os.environ.setdefault("CELERY_BROKER_URL", os.environ["REDIS_URL"].rsplit("/", 1)[0] + "/1")


def pytest_unconfigure(config):
    for container in reversed(_containers):
        container.stop()
