from django.core.management.base import BaseCommand
from tqdm import tqdm

from agora.search import get_backend
from agora.search.documents import public_products
from agora.search.services import search_rebuild


class Command(BaseCommand):
    help = (
        "Rebuild the search index from the catalog. Searches keep being answered meanwhile "
        "(Elasticsearch: a new index, then an atomic alias swap; PostgreSQL: batch upserts)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-progress", action="store_true", help="no progress bar (logs, CI)")

    def handle(self, *args, **options):
        backend = get_backend()
        total = public_products().count()
        with tqdm(
            total=total, unit="product", desc=f"search_rebuild ({backend.name})", disable=options["no_progress"]
        ) as bar:
            written = search_rebuild(progress=bar.update)
        self.stdout.write(self.style.SUCCESS(f"Indexed {written} products with the {backend.name} backend."))
