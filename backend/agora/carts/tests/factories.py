from decimal import Decimal

import factory

from agora.carts.models import Cart, CartItem
from agora.catalog.tests.factories import VariantFactory


class CartFactory(factory.django.DjangoModelFactory[Cart]):
    class Meta:
        model = Cart

    user = None


class CartItemFactory(factory.django.DjangoModelFactory[CartItem]):
    class Meta:
        model = CartItem

    cart = factory.SubFactory(CartFactory)
    variant = factory.SubFactory(VariantFactory)
    quantity = 1
    unit_price = factory.LazyAttribute(lambda o: o.variant.price)


def sellable_variant(*, price: str = "10.00", stock: int = 10, vendor=None, **kwargs):
    """A variant of an approved product of an approved vendor."""
    from agora.catalog.tests.factories import ProductFactory

    product = ProductFactory(variants=0, **({"vendor": vendor} if vendor else {}))
    return VariantFactory(product=product, price=Decimal(price), stock=stock, **kwargs)
