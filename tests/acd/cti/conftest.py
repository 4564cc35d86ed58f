import os
import threading

import pytest

from acd.cti import publish


class Recorder:
    """The dispatcher's steps, recorded: what the stream and the webhooks were given."""

    def __init__(self) -> None:
        self.sent: list[dict] = []
        self.queued: list[dict] = []
        self.exported = {"ANI": "_STCC_ANI", "Call Type": "_STCC_Type"}
        self.reads = 0  # of the exported fields
        self.gate = threading.Event()
        self.gate.set()
        self.sending = threading.Event()  # the dispatcher has taken its round and is sending

    def send(self, payload: dict) -> None:
        self.sending.set()
        self.gate.wait(5)
        self.sent.append(payload)

    def read_exported(self) -> dict:
        self.reads += 1
        return self.exported

    def queue(self, payloads: list[dict]) -> None:
        self.queued.extend(payloads)


@pytest.fixture
def recorder(monkeypatch):
    """publish() goes to a dispatcher with recorded steps (no Redis, no database in its thread)."""
    rec = Recorder()
    dispatcher = publish.Dispatcher(exported=rec.read_exported, send=rec.send, queue_webhooks=rec.queue)
    monkeypatch.setattr(publish, "_current", (os.getpid(), dispatcher))
    rec.dispatcher = dispatcher
    yield rec
    rec.gate.set()
    dispatcher.flush()
