"""CTI events for other applications: the modern form of the guide's TAPI call properties (`_STCC_<Field>`).

- `events`: the event and its versioned payload (plain Python);
- `signing`: webhook signatures, retry schedule (plain Python);
- `publish`: the one entry point the call path calls (offered, answered, transferred, ended);
- `delivery` and `tasks`: webhooks, one Celery task per (webhook, event);
- `consumer`: the authenticated WebSocket /ws/cti/.

docs/cti.md describes the stream for integrators.
"""
