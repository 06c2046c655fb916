"""Demo data: a category tree, approved vendors, demo logins and N products with variants,
stock and placeholder images. Idempotent (deterministic slugs; only missing rows are added)
and fast (bulk inserts in batches): 100k products in well under two minutes."""

import io
import random
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image, ImageDraw

from agora.catalog.changes import products_changed
from agora.catalog.models import AttributeDefinition, Category, Product, ProductImage, Variant
from agora.catalog.services import attribute_definition_save
from agora.core.progress import progress
from agora.vendors.models import Vendor, VendorMembership

REFUSED = (
    "seed_demo refuses to run with production settings: it creates logins with published passwords "
    "(shopper@example.com, vendor@example.com). Only dev and staging set DEMO_DATA_ALLOWED=true."
)
SHOPPER = ("shopper@example.com", "AgoraShopper123!")
VENDOR_OWNER = ("vendor@example.com", "AgoraVendor123!")
# Owner of the second demo vendor (with two vendors or more): orders split between two vendors,
# each with its own portal, as in the after-sale journey (frontend/e2e/after-sale.spec.ts).
SECOND_VENDOR_OWNER = ("vendor2@example.com", "AgoraVendor123!")

# (slug, name, parent slug)
CATEGORIES = [
    ("home", "Home", None),
    ("lighting", "Lighting", "home"),
    ("kitchen", "Kitchen", "home"),
    ("decor", "Decor", "home"),
    ("electronics", "Electronics", None),
    ("audio", "Audio", "electronics"),
    ("accessories", "Accessories", "electronics"),
    ("bags", "Bags", None),
    ("backpacks", "Backpacks", "bags"),
    ("totes", "Totes", "bags"),
    ("stationery", "Stationery", None),
    ("notebooks", "Notebooks", "stationery"),
    ("pens", "Pens", "stationery"),
]

# Leaf category → nouns and variant names used to make believable products.
CATALOG = {
    "lighting": (
        ["Desk Lamp", "Floor Lamp", "Pendant Lamp", "Wall Light", "Bedside Lamp"],
        ["Brass", "Black", "White"],
    ),
    "kitchen": (
        ["Coffee Mug", "Tea Cup", "Serving Bowl", "Pour-Over Kettle", "Espresso Mug"],
        ["Blue", "Sand", "Slate"],
    ),
    "decor": (["Vase", "Candle Holder", "Wall Clock", "Picture Frame", "Throw Cushion"], ["Small", "Medium", "Large"]),
    "audio": (
        ["Wireless Headphones", "Over-Ear Headphones", "Bluetooth Speaker", "Earbuds", "Soundbar"],
        ["Black", "Silver", "Midnight Blue"],
    ),
    "accessories": (
        ["USB-C Cable", "Charging Dock", "Laptop Stand", "Phone Case", "Power Bank"],
        ["1 m", "2 m", "Standard"],
    ),
    "backpacks": (
        ["Trail Backpack 30L", "Commuter Backpack", "Roll-Top Backpack", "Day Pack", "Laptop Backpack"],
        ["Forest", "Charcoal", "Ochre"],
    ),
    "totes": (["Canvas Tote", "Market Tote", "Zip Tote", "Shoulder Bag", "Weekender"], ["Natural", "Navy", "Black"]),
    "notebooks": (
        ["Dotted A5 Notebook", "Lined A5 Notebook", "Pocket Notebook", "Sketchbook", "Weekly Planner"],
        ["Dotted", "Lined", "Blank"],
    ),
    "pens": (
        ["Fountain Pen", "Gel Pen Set", "Brush Pen", "Mechanical Pencil", "Fineliner Set"],
        ["Black", "Blue", "Assorted"],
    ),
}
ADJECTIVES = [
    "Aurora",
    "Nordic",
    "Studio",
    "Harbor",
    "Alpine",
    "Linden",
    "Cedar",
    "Meridian",
    "Solstice",
    "Willow",
    "Atlas",
    "Juniper",
    "Oak & Ash",
    "Coastal",
    "Urban",
    "Granite",
    "Maple",
    "Ember",
    "Tidal",
    "Summit",
]
# The first products are fixed: the end-to-end tests search for these words.
FEATURED = [
    ("Aurora Desk Lamp", "lighting"),
    ("Stoneware Coffee Mug", "kitchen"),
    ("Trail Backpack 30L", "backpacks"),
    ("Studio Wireless Headphones", "audio"),
    ("Dotted A5 Notebook", "notebooks"),
]
VENDORS = [
    ("Aurora Home Goods", "aurora-home-goods"),
    ("Northwind Audio", "northwind-audio"),
    ("Pack & Trail", "pack-and-trail"),
    ("Paper Lane", "paper-lane"),
    ("Kiln & Co", "kiln-and-co"),
    ("Lumen Works", "lumen-works"),
]
PALETTE = [
    (231, 111, 81),
    (42, 157, 143),
    (233, 196, 106),
    (38, 70, 83),
    (244, 162, 97),
    (106, 76, 147),
    (69, 123, 157),
    (160, 196, 255),
]
BATCH = 2000


def product_spec(i: int, leaves: list[str]) -> tuple[str, str]:
    """Deterministic (name, leaf category slug) of demo product number ``i``."""
    if i < len(FEATURED):
        return FEATURED[i]
    rng = random.Random(i)  # noqa: S311 - demo data, not security
    leaf = leaves[i % len(leaves)]
    noun = rng.choice(CATALOG[leaf][0])
    return f"{rng.choice(ADJECTIVES)} {noun}", leaf


class Command(BaseCommand):
    help = "Load demo data (categories, approved vendors, demo logins, products with variants and images)."

    def add_arguments(self, parser):
        parser.add_argument("--products", type=int, default=300, help="How many demo products (default 300).")
        parser.add_argument("--vendors", type=int, default=6, help="How many approved demo vendors (default 6).")

    def handle(self, *args, products: int, vendors: int, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError(REFUSED)
        if products < 0 or vendors < 0:
            raise CommandError("--products and --vendors cannot be negative.")
        categories = self.categories()
        vendor_rows = self.vendors(max(1, vendors))
        self.users(vendor_rows)
        images = self.placeholder_images()
        created = self.products(products, categories, vendor_rows, images)
        self.attribute_definitions()
        products_changed([])  # the category tree and vendors are new too
        self.analyze()
        self.stdout.write(
            self.style.SUCCESS(
                f"demo data ready: {products} demo products ({created} new), {len(vendor_rows)} vendors; "
                f"logins {SHOPPER[0]}, {VENDOR_OWNER[0]}"
                + (f" and {SECOND_VENDOR_OWNER[0]}" if len(vendor_rows) > 1 else "")
            )
        )

    def analyze(self) -> None:
        """Statistics for the tables just filled, so the first requests are planned on what they
        hold rather than on autovacuum's schedule (it analyzes a table after 50 changed rows plus
        10 %, a small table such as the vendors maybe never)."""
        models = (Category, Vendor, VendorMembership, get_user_model(), Product, Variant, ProductImage)
        with connection.cursor() as cursor:
            for model in models:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")  # nosec B608  # our table names

    def categories(self) -> dict[str, Category]:
        found = {c.slug: c for c in Category.objects.filter(slug__in=[s for s, _, _ in CATEGORIES])}
        for position, (slug, name, parent) in enumerate(CATEGORIES):
            if slug not in found:
                parent_obj = found[parent] if parent else None
                path = f"{parent_obj.path}/{slug}" if parent_obj else slug
                found[slug] = Category.objects.create(
                    slug=slug, name=name, parent=parent_obj, path=path, position=position
                )
        return found

    def vendors(self, count: int) -> list[Vendor]:
        wanted = VENDORS[:count] + [(f"Demo Vendor {n}", f"demo-vendor-{n}") for n in range(len(VENDORS), count)]
        rows = []
        for name, slug in wanted:
            vendor, _ = Vendor.objects.get_or_create(
                slug=slug,
                defaults={
                    "name": name,
                    "description": f"{name} sells on Agora.",
                    "contact_email": f"hello@{slug}.example.com",
                    "status": Vendor.Status.APPROVED,
                    "approved_at": timezone.now(),
                },
            )
            rows.append(vendor)
        return rows

    def users(self, vendors: list[Vendor]) -> None:
        """The demo shopper, the first vendor's owner and, with two vendors or more, the second's."""
        owners = [(VENDOR_OWNER, vendors[0])]
        if len(vendors) > 1:
            owners.append((SECOND_VENDOR_OWNER, vendors[1]))
        user_model = get_user_model()
        for email, password in (SHOPPER, *(login for login, _ in owners)):
            user = user_model.objects.filter(email=email).first()
            if user is None:
                user = user_model.objects.create_user(email=email, password=password, first_name="Demo")
            elif not user.check_password(password):
                user.set_password(password)
                user.save(update_fields=["password"])
        for (email, _), vendor in owners:
            owner = user_model.objects.get(email=email)
            VendorMembership.objects.get_or_create(
                user=owner, defaults={"vendor": vendor, "role": VendorMembership.Role.OWNER}
            )

    def attribute_definitions(self) -> None:
        """Demo products carry a material: staff would offer it as a search facet."""
        if not AttributeDefinition.objects.filter(key="material").exists():
            attribute_definition_save(
                definition=AttributeDefinition(key="material", name="Material", filterable=True, position=1)
            )

    def placeholder_images(self) -> list[tuple[str, str]]:
        """A handful of generated gradient images (and WebP thumbnails), shared by all products."""
        names = []
        for n, colour in enumerate(PALETTE):
            image_name, thumb_name = f"demo/placeholder-{n}.png", f"demo/thumb_placeholder-{n}.webp"
            if not default_storage.exists(image_name):
                picture = Image.new("RGB", (600, 600), colour)
                draw = ImageDraw.Draw(picture)
                for y in range(600):  # a soft vertical gradient towards white
                    shade = tuple(int(c + (255 - c) * y / 900) for c in colour)
                    draw.line([(0, y), (600, y)], fill=shade)
                buf = io.BytesIO()
                picture.save(buf, format="PNG", optimize=True)
                default_storage.save(image_name, ContentFile(buf.getvalue()))
                picture.thumbnail((240, 240))
                buf = io.BytesIO()
                picture.save(buf, format="WEBP", quality=80)
                if default_storage.exists(thumb_name):
                    default_storage.delete(thumb_name)
                default_storage.save(thumb_name, ContentFile(buf.getvalue()))
            names.append((image_name, thumb_name))
        return names

    def products(self, count, categories, vendors, images) -> int:
        leaves = list(CATALOG)
        specs = []
        for i in range(count):
            name, leaf = product_spec(i, leaves)
            specs.append((i, name, leaf, f"{slugify(name)}-d{i}"))
        existing = set(Product.objects.filter(slug__in=[s[3] for s in specs]).values_list("slug", flat=True))
        todo = [s for s in specs if s[3] not in existing]
        now = timezone.now()
        with progress(
            total=count, initial=count - len(todo), unit="product", desc="demo products", write=self.stdout.write
        ) as bar:
            for start in range(0, len(todo), BATCH):
                batch = todo[start : start + BATCH]
                self._batch(batch, categories, vendors, images, now)
                bar.update(len(batch))
        return len(todo)

    @transaction.atomic
    def _batch(self, batch, categories, vendors, images, now) -> None:
        products, variant_specs = [], []
        for i, name, leaf, slug in batch:
            rng = random.Random(i * 7919)  # noqa: S311 - demo data, not security
            vendor = vendors[0] if i < len(FEATURED) else vendors[i % len(vendors)]
            colours = CATALOG[leaf][1]
            n_variants = rng.randint(1, 3)
            variants = [
                (f"D{i:06d}-{j + 1}", colours[j], Decimal(rng.randint(500, 25000)) / 100, rng.randint(1, 120))
                for j in range(n_variants)
            ]
            products.append(
                Product(
                    vendor=vendor,
                    category=categories[leaf],
                    name=name,
                    slug=slug,
                    description=f"{name}: a demo product from {vendor.name}. Well made, fairly priced, ships fast.",
                    attributes={"material": rng.choice(["oak", "steel", "cotton", "ceramic", "recycled PET"])},
                    status=Product.Status.APPROVED,
                    price_min=min(v[2] for v in variants),
                    in_stock=True,
                    approved_at=now,
                )
            )
            variant_specs.append(variants)
        Product.objects.bulk_create(products, batch_size=BATCH)
        Variant.objects.bulk_create(
            [
                Variant(
                    product=product,
                    vendor_id=product.vendor_id,
                    sku=sku,
                    name=vname,
                    price=price,
                    stock=stock,
                    position=pos,
                )
                for product, variants in zip(products, variant_specs, strict=True)
                for pos, (sku, vname, price, stock) in enumerate(variants)
            ],
            batch_size=BATCH,
        )
        ProductImage.objects.bulk_create(
            [
                ProductImage(
                    product=product,
                    image=images[product.pk % len(images)][0],
                    thumbnail=images[product.pk % len(images)][1],
                    alt=product.name,
                    width=600,
                    height=600,
                )
                for product in products
            ],
            batch_size=BATCH,
        )
        products_changed([p.pk for p in products])
