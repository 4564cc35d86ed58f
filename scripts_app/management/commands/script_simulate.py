import json

from django.core.management.base import BaseCommand, CommandError

from scripts_app.models import Script
from scripts_app.runtime.simulate import NotPublished, simulate_script


class Command(BaseCommand):
    help = (
        "Run a published call control script on a pretend call: prints what the caller would hear, "
        "then the trace and the final call profile. SQL runs for real over ODBC."
    )

    def add_arguments(self, parser):
        parser.add_argument("script", help="script name")
        parser.add_argument("--ani", default="+15551234567", help="caller number (default +15551234567)")
        parser.add_argument("--dnis", default="", help="dialled number (an IRN's number gives its fallback service)")
        parser.add_argument("--digits", default="", help="what the caller types, in order, e.g. 1001#")
        parser.add_argument("--json", action="store_true", help="print the result as one JSON document")
        parser.add_argument(
            "--field",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help="set a call profile field before the script starts (repeatable)",
        )

    def handle(self, *args, script: str, ani: str, dnis: str, digits: str, field: list[str], **options):
        as_json = options["json"]
        found = Script.objects.filter(name=script).first()
        if found is None:
            names = ", ".join(Script.objects.values_list("name", flat=True)) or "none"
            raise CommandError(f"No script named '{script}' (scripts: {names}).")
        fields = {}
        for item in field:
            if "=" not in item:
                raise CommandError(f"--field {item!r}: write NAME=VALUE, e.g. --field 'Customer ID=1001'")
            name, value = item.split("=", 1)
            fields[name.strip()] = value
        if not as_json:
            self.stdout.write(self.style.MIGRATE_HEADING(f"Caller {ani} runs '{script}'; the caller hears:"))
        try:
            result = simulate_script(
                found,
                digits=digits,
                ani=ani,
                dnis=dnis,
                fields=fields,
                echo=None if as_json else lambda line: self.stdout.write(f"  {line}"),
            )
        except NotPublished as exc:
            raise CommandError(str(exc)) from exc
        if as_json:
            self.stdout.write(json.dumps(result, indent=2, ensure_ascii=False))
            return
        self.stdout.write(self.style.MIGRATE_HEADING(f"Trace (version {result['version']}):"))
        for step in result["trace"]:
            changes = ", ".join(f"{name}: {before!r} -> {after!r}" for name, (before, after) in step["changes"].items())
            where = f"{step['script']}:" if step["script"] and step["script"] != script else ""
            exit_taken = step["exit"] or "-"
            line = f"  {where}{step['node']:<16} {step['action']:<18} -> {exit_taken:<10} {step['duration_ms']:8.1f} ms"
            self.stdout.write(
                line + (f"  {changes}" if changes else "") + (f"  ERROR {step['error']}" if step["error"] else "")
            )
        self.stdout.write(self.style.MIGRATE_HEADING("Final call profile (fields with a value):"))
        for name, value in result["profile"].items():
            if value != "":
                self.stdout.write(f"  {name}: {value}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Outcome: {result['outcome']}" + (f" ({result['destination']})" if result["destination"] else "")
            )
        )
