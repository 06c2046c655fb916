import pytest

from agora.vendors.tests.factories import VendorMembershipFactory
from testing.clients import client_for


@pytest.fixture
def vendor_client_for():
    return lambda vendor: client_for(VendorMembershipFactory.create(vendor=vendor).user)
