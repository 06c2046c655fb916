from django.core.management.base import BaseCommand, CommandError

from agora.core.health import run_checks


class Command(BaseCommand):
    help = "Print the health of every dependency (database, cache, broker, search); exit 1 if any is down."

    def handle(self, *args, **options):
        results = run_checks()
        for name, result in results.items():
            if result["status"] == "ok":
                self.stdout.write(f"{name:<10} {self.style.SUCCESS('ok')}  {result['ms']} ms")
            else:
                self.stdout.write(f"{name:<10} {self.style.ERROR('DOWN')} {result['error']}")
        down = [name for name, r in results.items() if r["status"] != "ok"]
        if down:
            raise CommandError(f"down: {', '.join(down)}")
