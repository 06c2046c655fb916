import factory

from agora.accounts.tests.factories import UserFactory
from agora.vendors.models import Vendor, VendorMembership


class VendorFactory(factory.django.DjangoModelFactory[Vendor]):
    class Meta:
        model = Vendor

    name = factory.Sequence(lambda n: f"Vendor {n}")
    slug = factory.Sequence(lambda n: f"vendor-{n}")
    description = factory.Faker("sentence")
    contact_email = factory.Sequence(lambda n: f"vendor{n}@example.com")
    status = Vendor.Status.APPROVED


class VendorMembershipFactory(factory.django.DjangoModelFactory[VendorMembership]):
    class Meta:
        model = VendorMembership

    user = factory.SubFactory(UserFactory)
    vendor = factory.SubFactory(VendorFactory)
    role = VendorMembership.Role.OWNER
