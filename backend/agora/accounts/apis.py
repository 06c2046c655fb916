import contextlib
from typing import Any

from django.conf import settings
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from agora.accounts import selectors, services
from agora.accounts.errors import InvalidCredentials, InvalidRefreshToken, WrongCurrentPassword, WrongPassword
from agora.accounts.serializers import (
    AcceptedSerializer,
    AccountDeleteInputSerializer,
    AddressInputSerializer,
    AddressSerializer,
    DataExportSerializer,
    EmailVerifiedSerializer,
    EmailVerifyInputSerializer,
    LoginInputSerializer,
    MeUpdateInputSerializer,
    PasswordChangeInputSerializer,
    PasswordResetConfirmInputSerializer,
    PasswordResetInputSerializer,
    RefreshInputSerializer,
    RefreshOptionalInputSerializer,
    RegisterInputSerializer,
    TokenPairSerializer,
    UserSerializer,
)
from agora.accounts.services.sessions import REFRESH_LIFETIME
from agora.accounts.throttles import (
    DataExportThrottle,
    EmailVerificationThrottle,
    FailedLoginThrottle,
    PasswordResetEmailThrottle,
    PasswordResetIpThrottle,
    RecoveryConfirmThrottle,
    RegisterThrottle,
)
from agora.core.errors import ValidationFailed
from agora.core.pagination import PAGE_PARAMETERS, WindowPagination
from agora.core.schema import ERRORS, paginated
from agora.core.serializers import validated

COOKIE_MODE_DESCRIPTION = (
    " With `mode: cookie` (the storefront) the refresh token is not in the answer: it is set in the "
    "`agora_refresh` cookie (`HttpOnly; Secure; SameSite=Strict; Path=/api/v1/auth/token/refresh/`), "
    "which page script cannot read; the access token lives in memory only."
)
REFRESH_COOKIE = OpenApiParameter(
    "agora_refresh",
    OpenApiTypes.STR,
    OpenApiParameter.COOKIE,
    required=False,
    description="Cookie mode: the refresh token the sign-in set (HttpOnly, sent by the browser).",
)


def _token_response(tokens: dict[str, str], mode: str, code: int = status.HTTP_200_OK) -> Response:
    if mode != "cookie":
        return Response(tokens, status=code)
    response = Response({"access": tokens["access"]}, status=code)
    response.set_cookie(
        settings.AUTH_REFRESH_COOKIE_NAME,
        tokens["refresh"],
        max_age=int(REFRESH_LIFETIME.total_seconds()),
        path=settings.AUTH_REFRESH_COOKIE_PATH,
        secure=settings.AUTH_REFRESH_COOKIE_SECURE,
        httponly=True,
        samesite="Strict",
    )
    return response


def _clear_refresh_cookie(response: Response) -> Response:
    response.set_cookie(
        settings.AUTH_REFRESH_COOKIE_NAME,
        "",
        max_age=0,
        expires="Thu, 01 Jan 1970 00:00:00 GMT",
        path=settings.AUTH_REFRESH_COOKIE_PATH,
        secure=settings.AUTH_REFRESH_COOKIE_SECURE,
        httponly=True,
        samesite="Strict",
    )
    return response


class RegisterApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [RegisterThrottle]

    @extend_schema(
        tags=["auth"],
        request=RegisterInputSerializer,
        responses={201: UserSerializer, **ERRORS(400, 429)},
        description="Creates the account and emails a link that verifies the address.",
    )
    def post(self, request):
        data = validated(RegisterInputSerializer, request.data)
        user = services.user_register(**data)
        return Response(UserSerializer(user).data, status=status.HTTP_201_CREATED)


class TokenApi(APIView):
    """Sign in with email and password; failed attempts are throttled per account and per address."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [FailedLoginThrottle]

    @extend_schema(
        tags=["auth"],
        request=LoginInputSerializer,
        responses={200: TokenPairSerializer, **ERRORS(400, 401, 429)},
        description="Signs in. The answer is `{access, refresh}` (v1, for apps and integrations)."
        + COOKIE_MODE_DESCRIPTION,
    )
    def post(self, request):
        data = validated(LoginInputSerializer, request.data)
        mode = data.pop("mode")
        try:
            # DRF's Request (it proxies the HttpRequest): django-axes, which guards the admin's
            # sign-in, then leaves the API's sign-in to FailedLoginThrottle.
            tokens = services.user_login(request=request, **data)
        except InvalidCredentials:
            FailedLoginThrottle().record_failure(request)
            raise
        return _token_response(tokens, mode)


class TokenRefreshApi(APIView):
    """Exchange a refresh token for a new pair; the old refresh token stops working (rotation)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        tags=["auth"],
        request=RefreshOptionalInputSerializer,
        parameters=[REFRESH_COOKIE],
        responses={200: TokenPairSerializer, **ERRORS(400, 401)},
        description="Rotates the refresh token: the presented one stops working. With `refresh` in the "
        "body the answer is `{access, refresh}` (v1); without it the `agora_refresh` cookie is used and "
        "renewed, and the answer is `{access}` (cookie mode).",
    )
    def post(self, request):
        data = validated(RefreshOptionalInputSerializer, request.data)
        raw = data.get("refresh")
        mode = "json"
        if raw is None:
            raw, mode = request.COOKIES.get(settings.AUTH_REFRESH_COOKIE_NAME), "cookie"
        if not raw:
            raise InvalidRefreshToken()
        return _token_response(services.token_refresh(refresh=raw), mode)

    @extend_schema(
        tags=["auth"],
        parameters=[REFRESH_COOKIE],
        request=None,
        responses={204: OpenApiResponse(description="Signed out: the cookie's refresh token is revoked and cleared")},
        description="Cookie mode sign-out (the cookie is only sent to this path): revokes the cookie's "
        "refresh token and clears the cookie. Answers 204 even without a valid cookie.",
    )
    def delete(self, request):
        raw = request.COOKIES.get(settings.AUTH_REFRESH_COOKIE_NAME)
        if raw:
            # An invalid or expired cookie is signed out all the same.
            with contextlib.suppress(ValidationFailed):
                services.token_revoke(refresh=raw)
        return _clear_refresh_cookie(Response(status=status.HTTP_204_NO_CONTENT))


class LogoutApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        tags=["auth"],
        request=RefreshInputSerializer,
        responses={204: OpenApiResponse(description="Signed out"), **ERRORS(400)},
        description="Revokes the presented refresh token (json mode; cookie mode signs out with "
        "DELETE /api/v1/auth/token/refresh/).",
    )
    def post(self, request):
        data = validated(RefreshInputSerializer, request.data)
        services.token_revoke(refresh=data["refresh"])
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- recovery ----------------------------------------------------------------------------------

RESET_ACCEPTED = "If an account uses this address, we have emailed it a link to choose a new password."


class PasswordResetApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [PasswordResetIpThrottle, PasswordResetEmailThrottle]

    @extend_schema(
        tags=["auth"],
        request=PasswordResetInputSerializer,
        responses={202: AcceptedSerializer, **ERRORS(400, 429)},
        description="Emails a single-use link (valid PASSWORD_RESET_TIMEOUT, 24 h) if an active account "
        "uses the address. Always 202 with the same answer: it never tells whether the address has an "
        "account. Throttled per client and per address.",
    )
    def post(self, request):
        data = validated(PasswordResetInputSerializer, request.data)
        services.password_reset_request(email=data["email"])
        return Response({"detail": RESET_ACCEPTED}, status=status.HTTP_202_ACCEPTED)


class PasswordResetConfirmApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [RecoveryConfirmThrottle]

    @extend_schema(
        tags=["auth"],
        request=PasswordResetConfirmInputSerializer,
        responses={204: OpenApiResponse(description="Password set; every session was signed out"), **ERRORS(400, 429)},
        description="Sets a new password with the `uid` and `token` of the emailed link (its URL fragment). "
        "The link works once and expires; every refresh token of the account is revoked.",
    )
    def post(self, request):
        data = validated(PasswordResetConfirmInputSerializer, request.data)
        services.password_reset_confirm(**data)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordChangeApi(APIView):
    permission_classes = [IsAuthenticated]
    throttle_classes = [FailedLoginThrottle]

    @extend_schema(
        tags=["account"],
        request=PasswordChangeInputSerializer,
        responses={200: TokenPairSerializer, **ERRORS(400, 401, 429)},
        description="Changes the password (the current one is required; wrong guesses are throttled like "
        "sign-ins). Every session of the account is revoked; the answer carries new tokens for this one."
        + COOKIE_MODE_DESCRIPTION,
    )
    def post(self, request):
        data = validated(PasswordChangeInputSerializer, request.data)
        mode = data.pop("mode")
        try:
            tokens = services.password_change(user=request.user, **data)
        except WrongCurrentPassword:
            FailedLoginThrottle().record_failure(request)
            raise
        return _token_response(tokens, mode)


class EmailVerifyApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [RecoveryConfirmThrottle]

    @extend_schema(
        tags=["auth"],
        request=EmailVerifyInputSerializer,
        responses={200: EmailVerifiedSerializer, **ERRORS(400, 429)},
        description="Verifies the address with the `token` of the emailed link (its URL fragment); "
        "works without signing in, and again after it worked.",
    )
    def post(self, request):
        data = validated(EmailVerifyInputSerializer, request.data)
        user = services.email_verify(token=data["token"])
        return Response({"email": user.email, "email_verified": True})


class EmailVerificationResendApi(APIView):
    permission_classes = [IsAuthenticated]
    throttle_classes = [EmailVerificationThrottle]

    @extend_schema(
        tags=["account"],
        request=None,
        responses={202: AcceptedSerializer, **ERRORS(401, 409, 429)},
        description="Emails a new verification link to the caller's address (409 if already verified).",
    )
    def post(self, request):
        services.email_verification_send(user=request.user)
        return Response({"detail": f"We have emailed a new link to {request.user.email}."}, status=202)


# --- the caller ----------------------------------------------------------------------------------


class MeApi(APIView):
    permission_classes = [IsAuthenticated]

    def get_throttles(self):
        # Deleting asks for the password: wrong guesses are throttled like sign-ins, or a stolen
        # access token could try passwords without end.
        return [FailedLoginThrottle()] if self.request.method == "DELETE" else []

    @extend_schema(tags=["account"], responses={200: UserSerializer, **ERRORS(401)})
    def get(self, request):
        return Response(UserSerializer(request.user).data)

    @extend_schema(
        tags=["account"], request=MeUpdateInputSerializer, responses={200: UserSerializer, **ERRORS(400, 401)}
    )
    def patch(self, request):
        data = validated(MeUpdateInputSerializer, request.data, partial=True)
        user = services.user_update(user=request.user, data=data)
        return Response(UserSerializer(user).data)

    @extend_schema(
        tags=["account"],
        request=AccountDeleteInputSerializer,
        responses={204: OpenApiResponse(description="Deleted and anonymised"), **ERRORS(400, 401, 409, 429)},
        description="Deletes the caller's account (the password confirms it): name, email, addresses, cart "
        "and the contact details and address of their orders are erased; orders, sub-orders and payments "
        "stay, anonymised, for the books. Every session ends. 409 for the owner of a vendor, and 409 "
        "`orders_in_progress` while an order is still to be delivered (a paid sub-order neither shipped nor "
        "cancelled) or has a return not settled (requested, approved and not refunded, or disputed): its "
        "`details.orders` lists their numbers, and nothing is erased. Wrong passwords are throttled like "
        "sign-ins (429).",
    )
    def delete(self, request):
        data = validated(AccountDeleteInputSerializer, request.data)
        try:
            services.account_delete(user=request.user, password=data["password"])
        except WrongPassword:
            FailedLoginThrottle().record_failure(request)
            raise
        return _clear_refresh_cookie(Response(status=status.HTTP_204_NO_CONTENT))


class DataExportApi(APIView):
    permission_classes = [IsAuthenticated]

    def get_throttles(self):
        return [DataExportThrottle()] if self.request.method == "POST" else []

    @extend_schema(
        tags=["account"],
        operation_id="me_export_list",
        responses={200: DataExportSerializer(many=True), **ERRORS(401)},
        description="The caller's recent data exports with their status; a ready one has a `download_url`.",
    )
    def get(self, request):
        return Response(DataExportSerializer(selectors.data_export_list(user=request.user), many=True).data)

    @extend_schema(
        tags=["account"],
        request=None,
        responses={202: DataExportSerializer, **ERRORS(401, 429)},
        description="Asks for a copy of everything the shop keeps about the caller (account, addresses, "
        "orders, cart, vendor membership, emails sent). A worker prepares a JSON file and emails a link; "
        "it can be downloaded for DATA_EXPORT_TTL_DAYS (7). While one is being prepared, asking again "
        "returns it.",
    )
    def post(self, request):
        export = services.data_export_request(user=request.user)
        return Response(DataExportSerializer(export).data, status=status.HTTP_202_ACCEPTED)


class DataExportDownloadApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["account"],
        responses={
            (200, "application/json"): OpenApiResponse(OpenApiTypes.OBJECT, description="The archive (a download)"),
            **ERRORS(401, 404),
        },
    )
    def get(self, request, pk: int):
        export = selectors.data_export_ready_get(user=request.user, pk=pk)
        response = FileResponse(
            export.file.open("rb"),
            as_attachment=True,
            filename=f"agora-data-{export.ready_at:%Y-%m-%d}.json",
            content_type="application/json",
        )
        response["Cache-Control"] = "no-store"
        return response


class AddressListApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["account"],
        operation_id="me_addresses_list",
        parameters=PAGE_PARAMETERS,
        responses={200: paginated(AddressSerializer, "PaginatedAddressList"), **ERRORS(401, 404)},
        description="The caller's saved addresses, the default one first, then oldest first; paginated like "
        "every list (`?page_size=` up to 100).",
    )
    def get(self, request):
        paginator = WindowPagination()
        book: Any = selectors.address_list(user=request.user)  # a Windowed list, not a queryset
        page: list[Any] | None = paginator.paginate_queryset(book, request, view=self)
        return paginator.get_paginated_response(AddressSerializer(page, many=True).data)

    @extend_schema(
        tags=["account"], request=AddressInputSerializer, responses={201: AddressSerializer, **ERRORS(400, 401)}
    )
    def post(self, request):
        data = validated(AddressInputSerializer, request.data)
        address = services.address_create(user=request.user, data=data)
        return Response(AddressSerializer(address).data, status=status.HTTP_201_CREATED)


class AddressDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["account"], responses={200: AddressSerializer, **ERRORS(401, 404)})
    def get(self, request, pk: int):
        return Response(AddressSerializer(selectors.address_get(user=request.user, pk=pk)).data)

    @extend_schema(
        tags=["account"],
        request=AddressInputSerializer(partial=True),
        responses={200: AddressSerializer, **ERRORS(400, 401, 404)},
    )
    def patch(self, request, pk: int):
        address = selectors.address_get(user=request.user, pk=pk)
        data = validated(AddressInputSerializer, request.data, partial=True)
        return Response(AddressSerializer(services.address_update(address=address, data=data)).data)

    @extend_schema(tags=["account"], responses={204: OpenApiResponse(description="Deleted"), **ERRORS(401, 404)})
    def delete(self, request, pk: int):
        services.address_delete(address=selectors.address_get(user=request.user, pk=pk))
        return Response(status=status.HTTP_204_NO_CONTENT)
