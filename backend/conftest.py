import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from testing.clients import client_for
from testing.worker import WorkerProcess


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    """Each test gets its own media folder and an empty cache (the cache is a real, shared Redis)."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    cache.clear()
    yield


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def make_user(db):
    from agora.accounts.tests.factories import UserFactory

    return UserFactory


@pytest.fixture
def user(make_user):
    return make_user()


@pytest.fixture
def staff_user(make_user):
    return make_user(is_staff=True)


@pytest.fixture
def auth_client(user) -> APIClient:
    return client_for(user)


@pytest.fixture
def staff_client(staff_user) -> APIClient:
    return client_for(staff_user)


@pytest.fixture
def sent_tasks(monkeypatch):
    """Records tasks instead of publishing them. Transactional tests that do not want a worker use
    it, so a session worker started by another test cannot touch their rows while they are flushed."""
    sent: list[tuple[str, tuple]] = []

    def record(task, args, kwargs, **options) -> bool:
        sent.append((task.name, args))
        return True  # as the broker would

    monkeypatch.setattr("agora.core.tasks_util._send", record)
    return sent


@pytest.fixture
def stripe_api(settings, monkeypatch):
    """Stripe's HTTP API faked below the official library (agora/payments/tests/stripe_fake.py)."""
    from agora.payments.bulkhead import bulkhead
    from agora.payments.tests.stripe_fake import WEBHOOK_SECRET, FakeStripeAPI

    settings.PAYMENT_METHODS = ["dummy", "stripe"]
    settings.STRIPE_SECRET_KEY = "sk_test_123"  # noqa: S105 - a fake key for the fake API
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    fake = FakeStripeAPI()
    monkeypatch.setattr("agora.payments.gateways.stripe.HTTP_CLIENT", fake)
    bulkhead("stripe").reset()  # a breaker opened by another test's outage must not leak in
    return fake


_SESSION_WORKER: list[WorkerProcess] = []  # the session's worker once a test started it


@pytest.fixture(autouse=True)
def _worker_idle_before_flush(request):
    """Tests on the real worker end once it is idle, before their committed data is flushed. So
    does every other test that commits, once the session's worker runs: the tasks its commits
    send (a new product's indexing) run on that worker, and a flush racing them can deadlock.

    Autouse fixtures of plugins (pytest-django's database set-up) are set up before this one,
    so they are torn down after it.
    """
    if "celery_worker" in request.fixturenames:
        worker = request.getfixturevalue("celery_worker")
    else:
        marker = request.node.get_closest_marker("django_db")
        commits = (marker is not None and marker.kwargs.get("transaction", False)) or any(
            name in request.fixturenames for name in ("transactional_db", "live_server")
        )
        worker = _SESSION_WORKER[0] if commits and _SESSION_WORKER else None
    yield
    if worker is not None:
        worker.wait_idle()


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker, tmp_path_factory):
    """A real worker process consuming every queue from the real Redis broker, on the test database.

    Tests that use it must commit their data: mark them ``django_db(transaction=True)``.
    """
    worker = WorkerProcess(tmp_path_factory.mktemp("celery") / "worker.log", ("-P", "threads", "-c", "4"))
    worker.start()
    _SESSION_WORKER.append(worker)
    yield worker
    _SESSION_WORKER.clear()
    worker.stop()


@pytest.fixture
def connect_api(stripe_api, settings, monkeypatch):
    """Stripe Connect faked below the library (agora/payouts/tests/connect_fake.py), as the payout provider."""
    from agora.payments.bulkhead import bulkhead
    from agora.payouts.tests.connect_fake import CONNECT_WEBHOOK_SECRET, FakeConnectAPI

    settings.PAYOUT_PROVIDER = "stripe"
    settings.STRIPE_CONNECT_WEBHOOK_SECRET = CONNECT_WEBHOOK_SECRET
    fake = FakeConnectAPI()
    monkeypatch.setattr("agora.payments.gateways.stripe.HTTP_CLIENT", fake)
    bulkhead("stripe-connect").reset()
    return fake
