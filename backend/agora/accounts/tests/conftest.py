import pytest


@pytest.fixture
def ask_reset(api_client, sent_tasks):
    """Asks for a password reset link and runs the task the answer queued, as the worker would
    (the API answers at once; the worker looks the address up and writes the email)."""
    from celery import current_app

    def ask(email: str, client=None, **extra):
        sent_tasks.clear()
        response = (client or api_client).post("/api/v1/auth/password/reset/", {"email": email}, format="json", **extra)
        for name, args in list(sent_tasks):
            if name == "agora.accounts.tasks.password_reset_send":
                current_app.tasks[name](*args)
        return response

    return ask
