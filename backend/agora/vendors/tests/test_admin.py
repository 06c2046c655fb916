"""The vendors back office: approving and suspending a shop takes the right to change vendors."""

import pytest
from django.urls import reverse

from agora.vendors.models import Vendor
from agora.vendors.tests.factories import VendorFactory
from testing.clients import admin_client_with

pytestmark = pytest.mark.django_db


def test_view_only_staff_cannot_suspend_or_approve_a_vendor_with_an_admin_action(make_user):
    live = VendorFactory.create()
    pending = VendorFactory.create(status=Vendor.Status.PENDING)
    url = reverse("admin:vendors_vendor_changelist")
    viewer = admin_client_with(make_user, "view_vendor")
    assert viewer.get(url).status_code == 200  # they may look
    viewer.post(url, {"action": "suspend", "_selected_action": [live.pk]})
    viewer.post(url, {"action": "approve", "_selected_action": [pending.pk]})
    assert Vendor.objects.get(pk=live.pk).status == Vendor.Status.APPROVED, "view-only staff suspended a vendor"
    assert Vendor.objects.get(pk=pending.pk).status == Vendor.Status.PENDING, "view-only staff approved a vendor"
    # staff who may change vendors still can
    admin_client_with(make_user, "view_vendor", "change_vendor").post(
        url, {"action": "suspend", "_selected_action": [live.pk]}
    )
    assert Vendor.objects.get(pk=live.pk).status == Vendor.Status.SUSPENDED
