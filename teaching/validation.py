"""
Structural rules every lesson obeys, wherever it comes from.

``loaddata`` validates nothing and a bundle is untrusted JSON, so the system
check and the bundle importer both ask these functions. They take plain values
(no ORM), and yield ``(field, message)`` pairs naming the offending place.
"""

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class SegmentShape:
    start: int
    end: int


@dataclass(frozen=True)
class DeviceShape:
    start: int
    end: int
    technique: str
    text: str


def segment_problems(body: str, segments: Sequence[SegmentShape]) -> Iterator[tuple[str, str]]:
    """Yield a problem for each gap, overlap or stray end among ``segments`` over ``body``."""
    if not segments:
        yield "segments", "a lesson needs at least one segment"
        return
    expected_start = 0
    for index, segment in enumerate(segments):
        field = f"segments[{index}]"
        if segment.start != expected_start:
            kind = "gap" if segment.start > expected_start else "overlap"
            yield (
                f"{field}.start",
                f"{kind}: starts at {segment.start} but the previous segment ends at {expected_start}",
            )
        if segment.end <= segment.start:
            yield f"{field}.end", f"ends at {segment.end}, not after its start {segment.start}"
        expected_start = segment.end
    if expected_start != len(body):
        yield (
            f"segments[{len(segments) - 1}].end",
            f"segments end at {expected_start} but the body is {len(body)} characters long",
        )


def device_problems(
    body: str, devices: Iterable[DeviceShape], technique_slugs: set[str]
) -> Iterator[tuple[str, str]]:
    """Yield a problem for each key span outside ``body``, with stale text or an unknown technique."""
    for index, device in enumerate(devices):
        field = f"devices[{index}]"
        if not 0 <= device.start < device.end <= len(body):
            yield (
                f"{field}.start",
                f"span [{device.start}, {device.end}) is not inside the body (0 to {len(body)})",
            )
        elif body[device.start : device.end] != device.text:
            yield (
                f"{field}.text",
                f"{device.text!r} does not match the body there: {body[device.start : device.end]!r}",
            )
        if device.technique not in technique_slugs:
            yield f"{field}.technique", f"unknown technique {device.technique!r}"
