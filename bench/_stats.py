"""What every bench prints: a progress bar on stderr and percentiles of its samples."""

import sys


def progress(label: str, done: int, total: int) -> None:
    width = 40
    filled = width * done // total
    sys.stderr.write(f"\r{label:<12} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]
