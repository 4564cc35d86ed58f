from django.conf import settings
from django.core.management.base import BaseCommand

from core.moh import generate_default_moh


class Command(BaseCommand):
    help = "Generate the default music on hold with sox when it is missing."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="regenerate even if present")

    def handle(self, *args, force: bool = False, **options):
        target = settings.CCWEB_DEFAULT_MOH
        if target.exists() and not force:
            self.stdout.write(f"default music on hold present: {target}")
            return
        generate_default_moh(target)
        self.stdout.write(self.style.SUCCESS(f"generated default music on hold: {target}"))
