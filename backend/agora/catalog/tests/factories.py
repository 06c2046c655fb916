from decimal import Decimal

import factory

from agora.catalog.models import Category, Product, Variant
from agora.vendors.tests.factories import VendorFactory


class CategoryFactory(factory.django.DjangoModelFactory[Category]):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")
    parent = None
    path = factory.LazyAttribute(lambda o: f"{o.parent.path}/{o.slug}" if o.parent else o.slug)


class ProductFactory(factory.django.DjangoModelFactory[Product]):
    """An approved product; pass ``variants__price``/``variants__stock`` or build variants yourself."""

    class Meta:
        model = Product
        skip_postgeneration_save = True

    vendor = factory.SubFactory(VendorFactory)
    category = factory.SubFactory(CategoryFactory)
    name = factory.Sequence(lambda n: f"Product {n}")
    slug = factory.Sequence(lambda n: f"product-{n}")
    description = factory.Faker("paragraph")
    status = Product.Status.APPROVED

    @factory.post_generation
    def variants(obj, create, extracted, **kwargs):  # noqa: N805 - factory_boy passes the built object
        """One variant by default (price 10.00, stock 10); ``variants=0`` for none."""
        if not create or extracted == 0:
            return
        count = extracted or 1
        for i in range(count):
            VariantFactory(product=obj, position=i, **kwargs)
        from agora.catalog.services import products_refresh_summary

        products_refresh_summary(product_ids=[obj.pk])
        obj.refresh_from_db()


class VariantFactory(factory.django.DjangoModelFactory[Variant]):
    class Meta:
        model = Variant

    product = factory.SubFactory(ProductFactory, variants=0)
    vendor = factory.LazyAttribute(lambda o: o.product.vendor)
    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    name = factory.Sequence(lambda n: f"Variant {n}")
    price = Decimal("10.00")
    stock = 10
