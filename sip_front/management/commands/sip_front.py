"""`manage.py sip_front`: generate var/kamailio.cfg for the media pool and run Kamailio in the foreground.

manage.py sip_front            # write the configuration, then exec kamailio -DD -E (the Procfile's `sip`)
manage.py sip_front --check    # write it and validate it with kamailio -c
manage.py sip_front --print    # print the configuration and the dispatcher list, start nothing
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys

import redis
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from acd.services import sip_credentials
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
            # the agent phones' settings are the web process's too (HA1s and ephemeral passwords are made there)
            front = dataclasses.replace(
                front,
                realm=settings.SIP_REALM,
                redis_url=settings.REDIS_URL,
                ha1_key=sip_credentials.ha1_key(),
                web_secret=settings.SIP_WEB_SECRET,
            )
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
        try:  # a full resync: passwords changed while the front was down, or a new realm
            count = sip_credentials.sync_sip_credentials()
            self.stderr.write(f"sip front: {count} agent phone credentials published to Redis")
        except (redis.ConnectionError, redis.TimeoutError, DatabaseError) as exc:
            # the front still routes calls; the next ACD configuration sync (beat, each minute) publishes them
            self.stderr.write(f"sip front: agent phone credentials not published ({exc}); phones cannot register yet")
        where = front.listen or "all interfaces"
        websocket = f", WebSocket {front.ws_port}" if front.ws_port else ""
        self.stderr.write(f"sip front: {where} port {front.port} (UDP, TCP){websocket} -> {', '.join(front.children)}")
        sys.stderr.flush()
        command = sipfront.kamailio_command(front, binary=binary)
        os.execv(binary, command)  # Kamailio takes this process over: honcho's signals reach it directly
