import os

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from agora.accounts.models import User


class Command(BaseCommand):
    help = (
        "Create (or promote) a staff superuser without prompts. Email and password come from "
        "--email/--password or STAFF_EMAIL/STAFF_PASSWORD. Safe to re-run: an existing user is "
        "promoted and keeps their password unless --reset-password is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("--email", default=os.environ.get("STAFF_EMAIL"))
        parser.add_argument("--password", default=os.environ.get("STAFF_PASSWORD"))
        parser.add_argument("--reset-password", action="store_true", help="Set the password of an existing user.")

    def handle(self, *args, email=None, password=None, reset_password=False, **options):
        if not email:
            raise CommandError("Give --email or set STAFF_EMAIL.")
        email = email.strip().lower()
        user = User.objects.filter(email__iexact=email).first()
        if user is None or reset_password:
            if not password:
                raise CommandError("Give --password or set STAFF_PASSWORD.")
            try:
                validate_password(password, user=user)
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from None
        if user is None:
            User.objects.create_superuser(email=email, password=password)
            self.stdout.write(self.style.SUCCESS(f"Created staff user {email}"))
            return
        user.is_staff = user.is_superuser = user.is_active = True
        if reset_password:
            user.set_password(password)
        user.save()
        self.stdout.write(self.style.SUCCESS(f"Staff user {email} is up to date"))
