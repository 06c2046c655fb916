"""The emails the portal promises vendors: approved/suspended, product approved/rejected (with
the reason), import finished (with its error count). Each is one outbox row written with the
change, sent once, with a text and an HTML part."""

import pytest
from django.core import mail

from agora.accounts.services.privacy import account_delete
from agora.accounts.tests.factories import PASSWORD
from agora.catalog.models import ImportJob, Product
from agora.catalog.services import imports as import_services
from agora.catalog.tests.conftest import upload
from agora.catalog.tests.factories import ProductFactory
from agora.notifications.models import Notification
from agora.vendors.models import Vendor, VendorMembership
from agora.vendors.tests.factories import VendorFactory, VendorMembershipFactory
from testing.clients import client_for
from testing.outbox import deliver_all

pytestmark = pytest.mark.django_db

HEADER = "sku,product_name,variant_name,price,stock,category,description,attributes"


def only_email(to: str):
    [message] = [m for m in deliver_all() if m.to == [to]]
    html = message.alternatives[0][0]
    return message, html


def test_staff_approving_a_vendor_emails_it_once(staff_client):
    # given a pending vendor
    vendor = VendorFactory.create(
        status=Vendor.Status.PENDING, name="Kiln & Co", contact_email="hello@kiln.example.com"
    )

    # when staff approve it (and a retried request approves nothing twice)
    assert staff_client.post(f"/api/v1/moderation/vendors/{vendor.slug}/approve/").status_code == 200
    assert staff_client.post(f"/api/v1/moderation/vendors/{vendor.slug}/approve/").status_code == 409

    # then the vendor has exactly one welcome, in text and HTML, linking to the portal
    message, html = only_email("hello@kiln.example.com")
    assert message.subject == "Welcome to Agora: Kiln & Co is approved"
    assert "/vendor" in message.body and "Kiln &amp; Co" in html
    assert deliver_all() == mail.outbox and len(mail.outbox) == 1


def test_suspension_and_reinstatement_each_email_the_vendor(staff_client):
    vendor = VendorFactory.create(name="Lumen Works", contact_email="lumen@example.com")

    staff_client.post(f"/api/v1/moderation/vendors/{vendor.slug}/suspend/")
    staff_client.post(f"/api/v1/moderation/vendors/{vendor.slug}/approve/")

    assert list(Notification.objects.order_by("pk").values_list("template", flat=True)) == [
        "vendor_suspended",
        "vendor_approved",
    ]
    subjects = sorted(m.subject for m in deliver_all())
    assert subjects == ["Lumen Works is back on Agora", "Lumen Works was suspended on Agora"]


def test_a_rolled_back_approval_sends_nothing(staff_client, monkeypatch):
    vendor = VendorFactory.create(status=Vendor.Status.PENDING)

    def broken(event):
        raise RuntimeError("handler failed")

    monkeypatch.setattr("agora.vendors.services.publish", broken)
    with pytest.raises(RuntimeError):
        from agora.vendors.services import vendor_approve

        vendor_approve(vendor=vendor)
    assert not Notification.objects.exists()


def test_product_rejection_emails_the_reason_and_approval_the_link(staff_client, vendor):
    product = ProductFactory.create(vendor=vendor, status="pending_review", name="Aurora Desk Lamp")

    staff_client.post(
        f"/api/v1/moderation/products/{product.pk}/reject/", {"reason": "Photos are <blurry>."}, format="json"
    )
    message, html = only_email(vendor.contact_email)
    assert message.subject == "Not approved: Aurora Desk Lamp"
    assert "Photos are <blurry>." in message.body and "Photos are &lt;blurry&gt;." in html
    assert f"/vendor/products/{product.pk}" in message.body

    # the vendor fixes it, submits again, and staff approve: a second email
    Product.objects.filter(pk=product.pk).update(status=Product.Status.PENDING_REVIEW)
    mail.outbox.clear()
    staff_client.post(f"/api/v1/moderation/products/{product.pk}/approve/")
    message, _ = only_email(vendor.contact_email)
    assert message.subject == "Approved: Aurora Desk Lamp"
    assert f"/products/{product.slug}" in message.body


def test_import_finished_emails_the_uploader_with_the_error_count(vendor_client, owner, category):
    rows = [f"OK-{i},Mug,V{i},9.50,3,home,," for i in range(3)] + [f"BAD-{i},Mug,X,abc,1,home,," for i in range(7)]
    data = ("\n".join([HEADER, *rows]) + "\n").encode()
    job_id = vendor_client.post(
        "/api/v1/vendor/imports/", {"file": upload(data, "p.csv", "text/csv")}, format="multipart"
    ).json()["id"]

    job = import_services.import_run(import_id=job_id)
    assert job is not None
    import_services.import_run(import_id=job_id)  # a redelivered task: nothing runs, nothing is sent

    assert job.status == ImportJob.Status.SUCCEEDED and job.error_count == 7
    message, html = only_email(owner.email)
    assert message.subject == f"Import #{job_id} finished with 7 errors"
    assert "3 product variants created" in message.body and "7 errors" in html
    assert "row 2: price" not in message.body and "row 5: price" in message.body  # the first five errors
    assert "and 2 more" in message.body
    assert Notification.objects.filter(template="import_finished").count() == 1


def test_an_import_that_fails_says_so(vendor_client, owner, vendor, category):
    data = (HEADER + "\nA-1,Mug,Blue,9.50,3,home,,\n").encode()
    job_id = vendor_client.post(
        "/api/v1/vendor/imports/", {"file": upload(data, "p.csv", "text/csv")}, format="multipart"
    ).json()["id"]
    Vendor.objects.filter(pk=vendor.pk).update(status=Vendor.Status.SUSPENDED)

    import_services.import_run(import_id=job_id)

    message, _ = only_email(owner.email)
    assert message.subject == f"Import #{job_id} failed"


def _uploaded_by_staff(vendor, make_user, category) -> tuple[int, object]:
    """An import uploaded by a staff member of ``vendor``, not run yet: (its id, the uploader)."""
    staffer = make_user(email="staffer@example.com")
    VendorMembershipFactory.create(user=staffer, vendor=vendor, role=VendorMembership.Role.STAFF)
    data = (HEADER + "\nA-1,Mug,Blue,9.50,3,home,,\n").encode()
    r = client_for(staffer).post(
        "/api/v1/vendor/imports/", {"file": upload(data, "p.csv", "text/csv")}, format="multipart"
    )
    assert r.status_code == 202, r.json()
    return r.json()["id"], staffer


@pytest.mark.parametrize(
    "gone",
    [
        pytest.param(lambda user: account_delete(user=user, password=PASSWORD), id="deleted their account"),
        pytest.param(lambda user: type(user).objects.filter(pk=user.pk).update(is_active=False), id="deactivated"),
        pytest.param(lambda user: VendorMembership.objects.filter(user=user).delete(), id="left the vendor"),
    ],
)
def test_an_import_whose_uploader_is_gone_reports_to_the_vendors_contact_address(vendor, make_user, category, gone):
    # given a staff member's upload, and the staff member gone before it finished
    job_id, staffer = _uploaded_by_staff(vendor, make_user, category)
    gone(staffer)

    # when it runs
    import_services.import_run(import_id=job_id)

    # then its report goes to the vendor's contact address, and nothing to the staff member
    message, _ = only_email(vendor.contact_email)
    assert message.subject == f"Import #{job_id} finished"
    assert list(Notification.objects.filter(template="import_finished").values_list("to", flat=True)) == [
        vendor.contact_email
    ]
