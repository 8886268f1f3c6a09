"""
Score a student's marks and voice labels against a lesson bundle's key, as the app does.

    manage.py score_marks --bundle BUNDLE.json --marks MARKS.json

MARKS.json is ``{"marks": [{"start", "end", "technique"}], "voices": [{"segment", "voice"}]}``.
Marks are scored as given (the scorer trims them; nothing snaps them to words).
"""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from teaching.bundles import BundleError, parse_bundle, validate_bundle
from teaching.models import Technique
from teaching.scoring import VOICES, Span, score_devices, score_voices
from teaching.validation import DeviceShape, SegmentShape, device_problems, segment_problems


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise CommandError(f"Cannot read {path}: {error.strerror}.") from None


def _integer(value: Any) -> bool:
    # bool is an int to Python, but an offset of `true` is a mistake.
    return isinstance(value, int) and not isinstance(value, bool)


def _database_slugs() -> set[str] | None:
    """Return the technique slugs in the database, or None if there is no database to ask."""
    try:
        return set(Technique.objects.values_list("slug", flat=True))
    except DatabaseError:
        return None


def check_bundle(data: dict) -> set[str]:
    """Validate the bundle as import_lesson would; return the technique slugs it may use."""
    own = {
        t["slug"]
        for t in data.get("techniques") or []
        if isinstance(t, dict) and isinstance(t.get("slug"), str)
    }
    database = _database_slugs()
    try:
        if database is not None:
            validate_bundle(data)
        else:
            # No database (not migrated, or not reachable): the structural rules
            # still hold, with the bundle's own techniques as the only ones known.
            _check_structure(data, own)
    except BundleError as error:
        raise CommandError(f"Bundle refused: {error}") from None
    return own | (database or set())


def _check_structure(data: dict, slugs: set[str]) -> None:
    try:
        body = data["article"]["body"]
        segments = [SegmentShape(s["start"], s["end"]) for s in data["segments"]]
        devices = [DeviceShape(d["start"], d["end"], d["technique"], d["text"]) for d in data["devices"]]
        for segment in data["segments"]:
            if segment["voice"] not in VOICES or not isinstance(segment["neutral"], bool):
                raise TypeError
    except (KeyError, TypeError):
        raise BundleError(
            "(document)", "needs article.body, segments and devices as lesson-bundle/1 says"
        ) from None
    for field, message in [*segment_problems(body, segments), *device_problems(body, devices, slugs)]:
        raise BundleError(field, message)


def parse_marks(raw: bytes, *, body: str, segment_count: int, slugs: set[str]) -> tuple[list[Span], list]:
    """Return the marks as spans and one voice label (or None) per segment; raise CommandError if bad."""
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CommandError(f"Marks file is not valid JSON: {error}") from None
    if not isinstance(data, dict) or not isinstance(data.get("marks"), list):
        raise CommandError('Marks file must be an object with a "marks" list.')
    voices = data.get("voices", [])
    if not isinstance(voices, list):
        raise CommandError('"voices" must be a list.')
    spans = []
    for index, mark in enumerate(data["marks"]):
        field = f"marks[{index}]"
        if not isinstance(mark, dict) or not all(_integer(mark.get(k)) for k in ("start", "end")):
            raise CommandError(f"{field}: needs integer start and end.")
        if not 0 <= mark["start"] < mark["end"] <= len(body):
            raise CommandError(
                f"{field}: [{mark['start']}, {mark['end']}) is not a stretch of the body (0 to {len(body)})."
            )
        if mark.get("technique") not in slugs:
            raise CommandError(f"{field}.technique: unknown technique {mark.get('technique')!r}.")
        spans.append(Span(mark["start"], mark["end"], mark["technique"]))
    answers: list[str | None] = [None] * segment_count
    for index, answer in enumerate(voices):
        field = f"voices[{index}]"
        if not isinstance(answer, dict) or not _integer(answer.get("segment")):
            raise CommandError(f"{field}: needs an integer segment index.")
        if not 0 <= answer["segment"] < segment_count:
            raise CommandError(
                f"{field}.segment: no segment {answer['segment']} (the bundle has {segment_count})."
            )
        if answer.get("voice") not in VOICES:
            raise CommandError(f"{field}.voice: {answer.get('voice')!r} is not one of {', '.join(VOICES)}.")
        if answers[answer["segment"]] is not None:
            raise CommandError(f"{field}.segment: segment {answer['segment']} is labelled twice.")
        answers[answer["segment"]] = answer["voice"]
    return spans, answers


def _prf(prf) -> dict[str, float]:
    return {"precision": prf.precision, "recall": prf.recall, "f1": prf.f1}


class Command(BaseCommand):
    help = "Score a marks file against a lesson bundle's key with the app's scorer; print JSON."

    def add_arguments(self, parser):
        parser.add_argument("--bundle", required=True, help="A lesson-bundle/1 JSON file.")
        parser.add_argument("--marks", required=True, help='JSON: {"marks": [...], "voices": [...]}.')

    def handle(self, *args, bundle, marks, **options):
        try:
            data = parse_bundle(_read(bundle))
        except BundleError as error:
            raise CommandError(f"Bundle refused: {error}") from None
        slugs = check_bundle(data)
        body = data["article"]["body"]
        segments = data["segments"]
        spans, answers = parse_marks(_read(marks), body=body, segment_count=len(segments), slugs=slugs)
        key = [Span(d["start"], d["end"], d["technique"]) for d in data["devices"]]
        neutral = [(s["start"], s["end"]) for s in segments if s["neutral"]]
        devices = score_devices(body, key, spans, neutral=neutral)
        voices = score_voices([s["voice"] for s in segments], answers)
        result = {
            "devices": {
                "named": _prf(devices.named),
                "spotted": _prf(devices.spotted),
                "items": [{"index": i, "status": item.status} for i, item in enumerate(devices.items)],
                "false_alarms": len(devices.false_alarms),
            },
            "voices": {"score": voices.score, "kappa": voices.kappa},
        }
        self.stdout.write(json.dumps(result, indent=2))
