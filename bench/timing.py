"""How the request benches time a call: untimed warm-up, then sequential timed calls, each
loop bounded by a time budget; median and nearest-rank p95 in milliseconds."""

import math
import statistics
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

WARMUP = 10
CASE_BUDGET_S = 20.0  # per loop: a very slow call ends its loop early, and that is reported


def percentile(samples: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile (``fraction`` 0.95 for p95) of ``samples``."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def ms(value: float) -> str:
    return f"{value:.2f} ms"


@dataclass(slots=True)
class Timing:
    median_ms: float
    p95_ms: float
    samples: int
    wanted: int

    def note(self) -> str:
        if self.samples == self.wanted:
            return ""
        return f" (only {self.samples} of {self.wanted} within {CASE_BUDGET_S:.0f} s)"


def timed(call: Callable[[int], object], requests: int) -> Timing:
    """Up to ``WARMUP`` untimed calls, then ``requests`` timed ones, each given its index;
    each phase stops early once it has run ``CASE_BUDGET_S`` (bounded even if slow)."""
    started = time.perf_counter()
    for index in range(WARMUP):
        call(index)
        if time.perf_counter() - started > CASE_BUDGET_S / 4:
            break
    samples: list[float] = []
    budget_start = time.perf_counter()
    for index in range(requests):
        begin = time.perf_counter()
        call(index)
        end = time.perf_counter()
        samples.append((end - begin) * 1000)
        if end - budget_start > CASE_BUDGET_S:
            break
    return Timing(statistics.median(samples), percentile(samples, 0.95), len(samples), requests)


def ratio_text(parlour: Timing, other: Timing, target: float, digits: int) -> str:
    """Parlour's median over the other side's, and whether it is within ``target``."""
    value = parlour.median_ms / other.median_ms
    verdict = "meets target" if value <= target else "MISSES target"
    return f"{value:.{digits}f} ({verdict})"


def cells(timing: Timing) -> str:
    """A side's median and p95 cells of a results table."""
    return f"{ms(timing.median_ms)} | {ms(timing.p95_ms)}{timing.note()}"


class Measured(Protocol):
    """One server's side of a comparison: its timings and what its answers held, by case."""

    timings: dict[str, Timing]
    held: dict[str, str]


def comparison_table(
    rival: str,
    target: str,
    cases: Mapping[str, str],
    floors: Collection[str],
    parlour: Measured,
    other: Measured | str,
    ratio: Callable[[Timing, Timing], str],
) -> list[str]:
    """The results table's lines: each case (by name) on both sides and their ratio (none
    for the floors); when the rival did not run, ``other`` says why in its cells."""
    lines = [
        f"| call | Parlour median | Parlour p95 | {rival} median | {rival} p95 "
        f"| Parlour / {rival} (median), target {target} | answers (Parlour; {rival}) |",
        "|---|---|---|---|---|---|---|",
    ]
    for case, name in cases.items():
        mine = parlour.timings[case]
        if isinstance(other, str):
            versus, held = f"{other} | | ", parlour.held[case]
        else:
            theirs = other.timings[case]
            versus = f"{cells(theirs)} | {'' if case in floors else ratio(mine, theirs)}"
            held = f"{parlour.held[case]}; {other.held[case]}" if parlour.held[case] else ""
        lines.append(f"| {name} | {cells(mine)} | {versus} | {held} |")
    return lines
