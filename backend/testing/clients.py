from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken


def client_for(user) -> APIClient:
    """An API client signed in as ``user`` with a fresh access token."""
    refresh = RefreshToken.for_user(user)
    refresh["sv"] = user.session_version
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {refresh.access_token}")
    return client
