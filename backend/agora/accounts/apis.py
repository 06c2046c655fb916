from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.views import TokenRefreshView

from agora.accounts import selectors, services
from agora.accounts.errors import InvalidCredentials
from agora.accounts.serializers import (
    AddressInputSerializer,
    AddressSerializer,
    LoginInputSerializer,
    MeUpdateInputSerializer,
    RefreshInputSerializer,
    RegisterInputSerializer,
    TokenPairSerializer,
    UserSerializer,
)
from agora.accounts.throttles import FailedLoginThrottle, RegisterThrottle
from agora.core.schema import ERRORS


class RegisterApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [RegisterThrottle]

    @extend_schema(tags=["auth"], request=RegisterInputSerializer, responses={201: UserSerializer, **ERRORS(400, 429)})
    def post(self, request):
        data = RegisterInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.user_register(**data.validated_data)
        return Response(UserSerializer(user).data, status=status.HTTP_201_CREATED)


class TokenApi(APIView):
    """Sign in with email and password; failed attempts are throttled per account and per address."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [FailedLoginThrottle]

    @extend_schema(
        tags=["auth"], request=LoginInputSerializer, responses={200: TokenPairSerializer, **ERRORS(400, 401, 429)}
    )
    def post(self, request):
        data = LoginInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            # authenticate() hands the Django HttpRequest (under DRF's Request) to the backends
            tokens = services.user_login(request=request._request, **data.validated_data)
        except InvalidCredentials:
            FailedLoginThrottle().record_failure(request)
            raise
        return Response(tokens)


class TokenRefreshApi(TokenRefreshView):
    """Exchange a refresh token for a new pair; the old refresh token stops working (rotation)."""

    authentication_classes = ()

    @extend_schema(tags=["auth"], responses={200: TokenPairSerializer, **ERRORS(400, 401)})
    def post(self, request, *args, **kwargs):
        RefreshInputSerializer(data=request.data).is_valid(raise_exception=True)
        return super().post(request, *args, **kwargs)


class LogoutApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        tags=["auth"],
        request=RefreshInputSerializer,
        responses={204: OpenApiResponse(description="Signed out"), **ERRORS(400)},
    )
    def post(self, request):
        data = RefreshInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.user_logout(refresh=data.validated_data["refresh"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["account"], responses={200: UserSerializer, **ERRORS(401)})
    def get(self, request):
        return Response(UserSerializer(request.user).data)

    @extend_schema(
        tags=["account"], request=MeUpdateInputSerializer, responses={200: UserSerializer, **ERRORS(400, 401)}
    )
    def patch(self, request):
        data = MeUpdateInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        user = services.user_update(user=request.user, data=data.validated_data)
        return Response(UserSerializer(user).data)


class AddressListApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["account"], responses={200: AddressSerializer(many=True), **ERRORS(401)})
    def get(self, request):
        return Response(AddressSerializer(selectors.address_list(user=request.user), many=True).data)

    @extend_schema(
        tags=["account"], request=AddressInputSerializer, responses={201: AddressSerializer, **ERRORS(400, 401)}
    )
    def post(self, request):
        data = AddressInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        address = services.address_create(user=request.user, data=data.validated_data)
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
        data = AddressInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        return Response(AddressSerializer(services.address_update(address=address, data=data.validated_data)).data)

    @extend_schema(tags=["account"], responses={204: OpenApiResponse(description="Deleted"), **ERRORS(401, 404)})
    def delete(self, request, pk: int):
        services.address_delete(address=selectors.address_get(user=request.user, pk=pk))
        return Response(status=status.HTTP_204_NO_CONTENT)
