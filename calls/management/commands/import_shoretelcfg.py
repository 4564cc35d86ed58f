from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from calls.shoretelcfg import ConfigFileError, import_shoretelcfg


class Command(BaseCommand):
    help = (
        "Create and export the call profile user fields listed in a shoretelcfg.ini ([call_profile] user_fields=...)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, **options):
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            report = import_shoretelcfg(path)
        except ConfigFileError as exc:
            raise CommandError(str(exc)) from exc
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("changed" if report.changed else "no changes"))
