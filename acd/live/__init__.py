"""The live feed's data shapes, pure (no Django, no Redis): snapshot, delta and the reducer."""

from acd.live.feed import Gap, apply, empty_snapshot, rows_equal

__all__ = ["Gap", "apply", "empty_snapshot", "rows_equal"]
