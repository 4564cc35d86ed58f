"""`manage.py democall NUMBER`: place a real call to the SIP front and print what happened.

manage.py democall 5100 --digits 1001#                    # the guide's example (a): queued to Stocks
manage.py democall 5400 --record out.wav --timeout 30    # keep what the caller heard
manage.py democall 5300 --play hello.wav --timeout 20     # the caller speaks a WAV file (looped) to the agent
manage.py democall 5999                                   # no IRN: prints the 404 outcome

The call itself is `media_worker.democall.caller.place_call` (a pjsua2 endpoint of its own on a free local port);
the report is `media_worker.democall.call_report`. Exit status: 0 when the call was placed (whatever its SIP
outcome), 2 when the front does not answer, 1 for any other error.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from media_worker.democall import call_report, caller, front_target


class Command(BaseCommand):
    help = "Call NUMBER through the SIP front from a pjsua2 caller; print the outcome, the trace and the profile."

    def add_arguments(self, parser):
        parser.add_argument("number", help="the dialled number (an IRN), e.g. 5100")
        parser.add_argument("--digits", default="", help="DTMF sent once the call is answered, e.g. 1001#")
        parser.add_argument("--from", dest="caller", default="+15551234567", help="the caller's number (ANI)")
        parser.add_argument(
            "--front", default=None, help="sip:HOST:PORT[;transport=tcp] (default: the front make run starts)"
        )
        parser.add_argument("--record", default=None, help="write what the caller hears to this WAV file")
        parser.add_argument("--play", default=None, help="a 16-bit mono WAV the caller plays into the call, looped")
        parser.add_argument("--timeout", type=float, default=60.0, help="hang up after this many seconds (60)")
        parser.add_argument("--dtmf", choices=["rfc4733", "info"], default="rfc4733", help="how digits are sent")
        parser.add_argument("--digit-gap", type=float, default=0.3, help="seconds between two digits (0.3)")

    def handle(self, *args, **options):
        try:
            front = front_target.parse_front(options["front"] or front_target.default_front())
            digits = caller.check_digits(options["digits"])
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        record = Path(options["record"]).resolve() if options["record"] else None
        play = Path(options["play"]).resolve() if options["play"] else None
        if play is not None and not play.is_file():
            raise CommandError(f"--play: {play} is not a file")
        if record is not None and not record.parent.is_dir():
            raise CommandError(f"--record: the folder {record.parent} does not exist")
        request = caller.CallRequest(
            number=options["number"],
            front=front,
            digits=digits,
            caller=options["caller"],
            record=record,
            play=play,
            timeout=options["timeout"],
            dtmf_method=options["dtmf"],
            digit_gap=options["digit_gap"],
        )
        try:
            result = caller.place_call(request, self._progress)
        except caller.FrontUnreachable as exc:
            raise CommandError(str(exc), returncode=2) from None
        except (caller.CallFailed, OSError) as exc:
            raise CommandError(str(exc)) from None
        record_data = call_report.wait_for_record(result.sip_call_id)
        for line in call_report.report_lines(result, record_data):
            self.stdout.write(line)

    def _progress(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()
