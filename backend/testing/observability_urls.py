"""The project's URLs plus views that raise like a bug would, with personal data at hand."""

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from config.urls import urlpatterns as project_urlpatterns


class FailingCheckout(APIView):
    """Reads the database and the cache, then fails with the customer's e-mail in the message."""

    permission_classes = [AllowAny]
    authentication_classes = []

    def post(self, request):
        email = request.data.get("email", "")
        get_user_model().objects.filter(email=email).exists()
        cache.get(f"checkout:{email}")
        if request.data.get("ok"):
            return Response({"ok": True})
        raise RuntimeError(f"payment provider rejected the order of {email}")


urlpatterns = [path("api/v1/test-observability/checkout/", FailingCheckout.as_view()), *project_urlpatterns]
