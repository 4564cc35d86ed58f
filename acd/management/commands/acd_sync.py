import redis
from django.core.management.base import BaseCommand, CommandError

from acd.services.live_config import load_live_config


class Command(BaseCommand):
    help = "Load services, groups, agents and skills from the database into the live ACD engine (Redis)."

    def handle(self, *args, **options):
        try:
            services, agents = load_live_config()
        except redis.RedisError as exc:
            raise CommandError(f"ACD configuration not loaded: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"{_count(services, 'service')}, {_count(agents, 'agent')}"))


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
