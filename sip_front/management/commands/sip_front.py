"""`manage.py sip_front`: generate var/kamailio.cfg for the media pool and run Kamailio in the foreground.

manage.py sip_front            # write the configuration, then exec kamailio -DD -E (the Procfile's `sip`)
manage.py sip_front --check    # write it and validate it with kamailio -c
manage.py sip_front --print    # print the configuration and the dispatcher list, start nothing
"""

from __future__ import annotations

import os
import subprocess
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from sip_front import config as sipfront


class Command(BaseCommand):
    help = "Generate the Kamailio SIP front's configuration for the media children and run Kamailio."

    def add_arguments(self, parser):
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--check", action="store_true", help="validate the generated configuration (kamailio -c)")
        mode.add_argument("--print", action="store_true", help="print the configuration instead of running it")

    def handle(self, *args, **options):
        try:
            front = sipfront.front_from_env(os.environ, var_dir=settings.VAR_DIR)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if options["print"]:
            self.stdout.write(sipfront.render_config(front))
            self.stdout.write(sipfront.render_dispatcher_list(front))
            return
        path = sipfront.write_files(front)
        try:
            binary = sipfront.kamailio_binary()
        except FileNotFoundError as exc:
            raise CommandError(str(exc)) from exc
        if options["check"]:
            result = subprocess.run(sipfront.kamailio_command(front, check=True, binary=binary), capture_output=True)
            output = (result.stdout + result.stderr).decode(errors="replace")
            if result.returncode != 0:
                raise CommandError(f"{path} is not a valid Kamailio configuration:\n{output}")
            self.stdout.write(self.style.SUCCESS(f"{path} is valid: {len(front.children)} media children"))
            return
        where = front.listen or "all interfaces"
        self.stderr.write(f"sip front: {where} port {front.port} (UDP, TCP) -> {', '.join(front.children)}")
        sys.stderr.flush()
        command = sipfront.kamailio_command(front, binary=binary)
        os.execv(binary, command)  # Kamailio takes this process over: honcho's signals reach it directly
