from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from agora.carts.apis import CART_TOKEN
from agora.core.pagination import paginated_response
from agora.core.permissions import IsStaff
from agora.core.schema import ERRORS, paginated
from agora.core.serializers import validated
from agora.orders import selectors as order_selectors
from agora.orders.apis import ORDER_TOKEN, caller_order, vendor_order_answer
from agora.orders.serializers import VendorOrderSerializer, line_quantities
from agora.returns import selectors, services
from agora.returns.models import ReturnRequest
from agora.returns.serializers import (
    CancelLinesInputSerializer,
    DecideInputSerializer,
    NoteInputSerializer,
    OrderReturnsSerializer,
    ReasonInputSerializer,
    ReturnCreateInputSerializer,
    ReturnRefundInputSerializer,
    ReturnSerializer,
    StaffCancelInputSerializer,
)
from agora.vendors.permissions import IsApprovedVendor, IsVendorMember

STATUS_FILTER = OpenApiParameter(
    "status", str, enum=list(ReturnRequest.Status.values), required=False, description="Only returns in this status."
)


def _status(request) -> str | None:
    value = request.query_params.get("status") or None
    return value if value in ReturnRequest.Status.values else None


# --- the shopper ---------------------------------------------------------------------------------


class OrderReturnsApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        tags=["returns"],
        parameters=[ORDER_TOKEN, CART_TOKEN],
        responses={200: OrderReturnsSerializer, **ERRORS(401, 404)},
        description="What of the order may still be returned (per shipped line: how many, until when) and "
        "the returns asked for so far.",
    )
    def get(self, request, number: str):
        order = caller_order(request, number)
        answer = {
            "returnable": selectors.order_returnable(order=order),
            "returns": selectors.order_returns(order=order),
        }
        return Response(OrderReturnsSerializer(answer, context={"role": "shopper"}).data)

    @extend_schema(
        tags=["returns"],
        parameters=[ORDER_TOKEN, CART_TOKEN],
        request=ReturnCreateInputSerializer,
        responses={201: ReturnSerializer, **ERRORS(400, 401, 404)},
        description="Ask to return shipped lines of one sub-order, within the vendor's return window "
        "(`return_window_days` as the vendor offered it when the order was placed, recorded with the "
        "sub-order: a vendor changing it later does not change it for this order; at least 14 days, "
        "from the shipment of the line's last parcel: units of one "
        "line delivered in several parcels count from the last, as the EU right of withdrawal does for "
        "goods delivered separately). The vendor approves or rejects.",
    )
    def post(self, request, number: str):
        order = caller_order(request, number)
        data = validated(ReturnCreateInputSerializer, request.data)
        created = services.return_create(
            order=order,
            vendor_order_id=data["vendor_order"],
            lines=line_quantities(data["lines"]) or [],
            reason=data["reason"],
        )
        answer = selectors.order_return_get(order=order, pk=created.pk)
        return Response(ReturnSerializer(answer, context={"role": "shopper"}).data, status=status.HTTP_201_CREATED)


class OrderReturnDisputeApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        tags=["returns"],
        parameters=[ORDER_TOKEN, CART_TOKEN],
        request=ReasonInputSerializer,
        responses={200: ReturnSerializer, **ERRORS(400, 401, 404, 409)},
        description="Disagree with a vendor's rejection: staff decide.",
    )
    def post(self, request, number: str, pk: int):
        order = caller_order(request, number)
        data = validated(ReasonInputSerializer, request.data)
        services.return_dispute(return_request=selectors.order_return_get(order=order, pk=pk), **data)
        return Response(ReturnSerializer(selectors.order_return_get(order=order, pk=pk)).data)


# --- the vendor ----------------------------------------------------------------------------------


class VendorOrderCancelLinesApi(APIView):
    permission_classes = [IsApprovedVendor]

    @extend_schema(
        tags=["vendor portal"],
        request=CancelLinesInputSerializer,
        responses={200: VendorOrderSerializer, **ERRORS(400, 401, 403, 404, 409)},
        description="Cancel lines of your paid sub-order that you cannot ship (default: all that is open), with "
        "a reason the shopper reads. Their stock goes back and their value is refunded to the shopper (with your "
        "shipping when nothing of the sub-order ships); the rest of the order stands.",
    )
    def post(self, request, pk: int):
        vo = order_selectors.vendor_order_get(vendor=request.vendor, pk=pk)
        data = validated(CancelLinesInputSerializer, request.data)
        services.sub_order_cancel_lines(
            vendor_order=vo,
            lines=line_quantities(data.get("lines")),
            reason=data["reason"],
        )
        return vendor_order_answer(request, pk)


class VendorReturnListApi(APIView):
    permission_classes = [IsVendorMember]

    @extend_schema(
        tags=["vendor portal"],
        operation_id="vendor_returns_list",
        parameters=[STATUS_FILTER],
        responses={200: paginated(ReturnSerializer, "PaginatedReturnList"), **ERRORS(401, 403)},
    )
    def get(self, request):
        returns = selectors.vendor_returns(vendor=request.vendor, status=_status(request))
        return paginated_response(self, returns, ReturnSerializer, context={"role": "vendor"})


class _VendorReturnAction(APIView):
    permission_classes = [IsApprovedVendor]

    def _answer(self, request, pk: int) -> Response:
        answer = selectors.vendor_return_get(vendor=request.vendor, pk=pk)
        return Response(ReturnSerializer(answer, context={"role": "vendor"}).data)


class VendorReturnApproveApi(_VendorReturnAction):
    @extend_schema(
        tags=["vendor portal"], request=None, responses={200: ReturnSerializer, **ERRORS(401, 403, 404, 409)}
    )
    def post(self, request, pk: int):
        services.return_approve(return_request=selectors.vendor_return_get(vendor=request.vendor, pk=pk))
        return self._answer(request, pk)


class VendorReturnRejectApi(_VendorReturnAction):
    @extend_schema(
        tags=["vendor portal"],
        request=NoteInputSerializer,
        responses={200: ReturnSerializer, **ERRORS(400, 401, 403, 404, 409)},
    )
    def post(self, request, pk: int):
        data = validated(NoteInputSerializer, request.data)
        services.return_reject(
            return_request=selectors.vendor_return_get(vendor=request.vendor, pk=pk), note=data["note"]
        )
        return self._answer(request, pk)


class VendorReturnRefundApi(_VendorReturnAction):
    @extend_schema(
        tags=["vendor portal"],
        request=ReturnRefundInputSerializer,
        responses={200: ReturnSerializer, **ERRORS(400, 401, 403, 404, 409)},
        description="The items came back: refund them (their value, or less) and optionally restock them.",
    )
    def post(self, request, pk: int):
        data = validated(ReturnRefundInputSerializer, request.data)
        services.return_refund(return_request=selectors.vendor_return_get(vendor=request.vendor, pk=pk), **data)
        return self._answer(request, pk)


# --- staff ---------------------------------------------------------------------------------------


class StaffReturnListApi(APIView):
    permission_classes = [IsStaff]

    @extend_schema(
        tags=["moderation"],
        operation_id="moderation_returns_list",
        parameters=[STATUS_FILTER],
        responses={200: paginated(ReturnSerializer, "PaginatedStaffReturnList"), **ERRORS(401, 403)},
    )
    def get(self, request):
        returns = selectors.staff_returns(status=_status(request))
        return paginated_response(self, returns, ReturnSerializer, context={"role": "staff"})


class StaffReturnDecideApi(APIView):
    permission_classes = [IsStaff]

    @extend_schema(
        tags=["moderation"],
        request=DecideInputSerializer,
        responses={200: ReturnSerializer, **ERRORS(400, 401, 403, 404, 409)},
        description="Settle a disputed return.",
    )
    def post(self, request, pk: int):
        data = validated(DecideInputSerializer, request.data)
        services.return_decide(return_request=selectors.staff_return_get(pk=pk), staff=request.user, **data)
        return Response(ReturnSerializer(selectors.staff_return_get(pk=pk), context={"role": "staff"}).data)


class StaffSubOrderCancelApi(APIView):
    permission_classes = [IsStaff]

    @extend_schema(
        tags=["moderation"],
        request=StaffCancelInputSerializer,
        responses={200: VendorOrderSerializer, **ERRORS(400, 401, 403, 404, 409)},
        description="Cancel what is left of a sub-order (one past its handling time), refunding that part.",
    )
    def post(self, request, pk: int):
        vo = order_selectors.vendor_order_get_for_staff(pk=pk)
        data = validated(StaffCancelInputSerializer, request.data)
        services.sub_order_cancel_lines(vendor_order=vo, lines=None, reason=data["reason"], by_staff=True)
        return Response(VendorOrderSerializer(order_selectors.vendor_order_get_for_staff(pk=pk)).data)
