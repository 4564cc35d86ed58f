"""`manage.py media_worker`: the supervisor of the pjsua2 media children, or (`--child`) one child.

manage.py media_worker [--processes N] [--base-port 5081]      # N = CCWEB_MEDIA_PROCESSES or CPU count
manage.py media_worker --child --port 5081 [--capacity 3]           # calls run their IRN's script
manage.py media_worker --child --port 5081 --prompt x.wav [--numbers 1000,1001]   # test handler: prompt, hang up

A child names its CallOwner (and its calls' CallRecord.owner) `<hostname>:<port>`; when a child dies the
supervisor closes that owner's calls as ended by failure.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from acd.services.recovery import owner_failed
from core.moh import generate_default_moh
from core.orm import closing_connections
from media_worker.process.child import CallHandler, PromptHandler, owner_id, run_child
from media_worker.process.supervisor import Supervisor, default_process_count

log = logging.getLogger("media_worker.process.supervisor")

RTP_BASE_PORT = 10000
RTP_PORTS_PER_CHILD = 100


class Command(BaseCommand):
    help = "Supervise the pool of pjsua2 media children (or run one child with --child)."

    def add_arguments(self, parser):
        parser.add_argument("--processes", type=int, default=None, help="children (CCWEB_MEDIA_PROCESSES or CPUs)")
        parser.add_argument("--base-port", type=int, default=5081, help="SIP port of child 0; child i gets +i")
        parser.add_argument("--child", action="store_true", help="run one media child (used by the supervisor)")
        parser.add_argument("--port", type=int, default=5081, help="the child's SIP port (UDP and TCP)")
        parser.add_argument("--rtp-port", type=int, default=RTP_BASE_PORT, help="the child's first RTP port")
        parser.add_argument("--capacity", type=int, default=None, help="callers per child before 486 (3)")
        parser.add_argument(
            "--prompt", default="", help="test handler: play this WAV to each caller and hang up (no IRN lookup)"
        )
        parser.add_argument("--numbers", default="", help="comma-separated dialled numbers served; others get 404")
        parser.add_argument("--bind", default="", help="address the SIP transports bind to (all by default)")
        parser.add_argument("--public-address", default="127.0.0.1", help="host of the child's own SIP URI")
        parser.add_argument("--exit-with-parent", action="store_true", help="stop when the parent process dies")

    def handle(self, *args, **options):
        if options["child"]:
            sys.exit(self._child(options))
        count = options["processes"] or default_process_count()
        base_port = options["base_port"]
        manage = str(Path(settings.BASE_DIR) / "manage.py")
        extra = []
        for name in ("prompt", "numbers", "bind"):
            if options[name]:
                extra += [f"--{name}", options[name]]
        if options["capacity"] is not None:
            extra += ["--capacity", str(options["capacity"])]
        extra += ["--public-address", options["public_address"]]

        def command_for(index: int, port: int) -> list[str]:
            rtp = RTP_BASE_PORT + index * RTP_PORTS_PER_CHILD
            return [sys.executable, manage, "media_worker", "--child", "--port", str(port), "--rtp-port", str(rtp)] + [
                "--exit-with-parent",
                *extra,
            ]

        supervisor = Supervisor(command_for, count, base_port=base_port, on_child_died=_child_died)
        log.info("media worker: %d children on SIP ports %d-%d", count, base_port, base_port + count - 1)
        sys.exit(supervisor.run())

    def _child(self, options) -> int:
        handler: CallHandler
        if options["prompt"] or options["numbers"]:
            prompt = options["prompt"] or str(_default_prompt())
            if not Path(prompt).is_file():
                raise CommandError(f"prompt {prompt} does not exist: give --prompt a 16-bit mono WAV")
            numbers = frozenset(n.strip() for n in options["numbers"].split(",") if n.strip()) or None
            handler = PromptHandler(prompt, numbers)
        else:
            # imported here: the calls' flows (routing, scripts, the ACD) load only in a child that runs them, so
            # the supervisor and a test child start light (a restarted child's start is on its callers' time)
            from media_worker.flows.inbound import ScriptHandler

            handler = ScriptHandler(owner_id(options["port"]))
        return run_child(
            options["port"],
            handler,
            capacity=options["capacity"],
            rtp_port=options["rtp_port"],
            bind_address=options["bind"],
            public_address=options["public_address"],
            exit_with_parent=options["exit_with_parent"],
        )


def _default_prompt() -> Path:
    target = Path(settings.CCWEB_DEFAULT_MOH)
    if not target.exists():
        generate_default_moh(target)
    return target


def _child_died(index: int, port: int, pid: int) -> None:
    """The calls owned by a dead child are closed as ended by failure (and leave the ACD)."""
    owner = owner_id(port)
    try:
        ids = closing_connections(owner_failed)(owner=owner)
    except Exception:
        log.exception(
            "media child %d (port %d, pid %d) died; its calls ended by failure: records not closed", index, port, pid
        )
        return
    log.error(
        "media child %d (port %d, pid %d) died; its calls ended by failure: %d call(s) of owner %s",
        index,
        port,
        pid,
        len(ids),
        owner,
    )
