from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken


def client_for(user) -> APIClient:
    """An API client signed in as ``user`` with a fresh access token."""
    refresh = RefreshToken.for_user(user)
    refresh["sv"] = user.session_version
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {refresh.access_token}")
    return client


def admin_client_with(make_user, *codenames: str):
    """A browser session in the admin as a staff member holding only the permissions ``codenames``
    (``view_order``, ``change_vendor``…): what a limited back-office role may see and do."""
    from django.contrib.auth.models import Permission
    from django.test import Client

    user = make_user(is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    client = Client()
    client.force_login(user)
    return client
