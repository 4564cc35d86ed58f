import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Create the Director administrator when missing. The password comes from CCWEB_ADMIN_PASSWORD, "
        "or is generated and printed once."
    )

    def handle(self, *args, **options):
        username = os.environ.get("CCWEB_ADMIN_USER", "admin")
        users = get_user_model().objects
        if users.filter(username=username).exists():
            self.stdout.write(
                f"administrator '{username}' exists (change the password with: manage.py changepassword {username})"
            )
            return
        password = os.environ.get("CCWEB_ADMIN_PASSWORD") or secrets.token_urlsafe(12)
        users.create_superuser(username, os.environ.get("CCWEB_ADMIN_EMAIL", ""), password)
        if "CCWEB_ADMIN_PASSWORD" in os.environ:
            self.stdout.write(
                self.style.SUCCESS(f"created administrator '{username}' with the password from CCWEB_ADMIN_PASSWORD")
            )
        else:
            banner = "=" * 64
            self.stdout.write(
                self.style.WARNING(
                    f"{banner}\nDirector administrator created (shown only this once):\n"
                    f"  user: {username}\n  password: {password}\n{banner}"
                )
            )
