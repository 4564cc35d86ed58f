from django.core.management.base import BaseCommand

from routing.demo.loader import load_demo


class Command(BaseCommand):
    help = "Load the demo contact center (skills, groups, agents, services, IRNs, a demo CRM). Safe to run again."

    def handle(self, *args, **options):
        created = load_demo()
        for line in created:
            self.stdout.write(f"created {line}")
        self.stdout.write(self.style.SUCCESS(f"demo loaded ({len(created)} new)" if created else "demo already loaded"))
