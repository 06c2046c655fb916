from django.core.management.base import BaseCommand

from agora.core.progress import progress
from agora.search import get_backend
from agora.search.documents import public_products
from agora.search.services import search_rebuild


class Command(BaseCommand):
    help = (
        "Rebuild the search index from the catalog. Searches keep being answered meanwhile "
        "(Elasticsearch: a new index, then an atomic alias swap; PostgreSQL: batch upserts). "
        "A progress bar at a terminal; a line every 10 % in logs (ECS, CI) or with --no-progress."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-progress", action="store_true", help="no progress bar: a line every 10 %% (logs)")

    def handle(self, *args, **options):
        backend = get_backend()
        total = public_products().count()
        with progress(
            total=total,
            desc=f"search_rebuild ({backend.name})",
            unit="product",
            write=self.stdout.write,
            bar=False if options["no_progress"] else None,
        ) as bar:
            written = search_rebuild(progress=bar.update)
        self.stdout.write(self.style.SUCCESS(f"Indexed {written} products with the {backend.name} backend."))
