"""`manage.py rtpengine`: run rtpengine for browser phones in the foreground (the Procfile's `rtp`).

manage.py rtpengine          # exec rtpengine (userspace, stderr) with the CCWEB_RTP_* settings
manage.py rtpengine --print  # print the command line, start nothing
"""

from __future__ import annotations

import os
import shlex
import sys

from django.core.management.base import BaseCommand, CommandError

from sip_front import rtpengine


class Command(BaseCommand):
    help = "Run rtpengine, the media relay between browser phones (DTLS-SRTP/ICE) and the media children (RTP)."

    def add_arguments(self, parser):
        parser.add_argument("--print", action="store_true", help="print the command line instead of running it")

    def handle(self, *args, **options):
        try:
            engine = rtpengine.rtpengine_from_env(os.environ)
            command = rtpengine.rtpengine_command(engine, binary=None if not options["print"] else "rtpengine")
        except (ValueError, FileNotFoundError) as exc:
            raise CommandError(str(exc)) from exc
        if options["print"]:
            self.stdout.write(shlex.join(command))
            return
        self.stderr.write(
            f"rtpengine: ng {engine.ng}, media on {engine.interface} ports {engine.port_min}-{engine.port_max}"
        )
        sys.stderr.flush()
        os.execv(command[0], command)  # honcho's signals reach rtpengine directly
