import os

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from agora.accounts.models import User

# Terraform's placeholder value of the STAFF_PASSWORD secret before ops set a real one.
PLACEHOLDER = "not-configured"


class Command(BaseCommand):
    help = (
        "Create (or promote) a staff superuser without prompts. The password comes only from the "
        "STAFF_PASSWORD environment variable (in ECS: the agora/<env>/STAFF_PASSWORD secret, injected "
        "into the management task), never from the command line, where it would be visible in the "
        "process list and the task's description. Safe to re-run: an existing user is promoted and "
        "keeps their password unless --reset-password is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("--email", default=os.environ.get("STAFF_EMAIL"), help="or STAFF_EMAIL")
        parser.add_argument(
            "--reset-password", action="store_true", help="Set an existing user's password from STAFF_PASSWORD."
        )

    def handle(self, *args, email=None, reset_password=False, **options):
        if not email:
            raise CommandError("Give --email or set STAFF_EMAIL.")
        email = email.strip().lower()
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"{email} is not an e-mail address.") from None
        password = os.environ.get("STAFF_PASSWORD", "")
        user = User.objects.filter(email__iexact=email).first()
        if user is None or reset_password:
            if not password or password == PLACEHOLDER:
                raise CommandError(
                    "Set STAFF_PASSWORD (in ECS: put the password into the agora/<env>/STAFF_PASSWORD secret); "
                    "passwords are never taken from the command line."
                )
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
