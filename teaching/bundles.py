"""
Lesson bundles: one JSON document per lesson (``format: "lesson-bundle/1"``).

``validate_bundle`` checks a whole document before anything is written, and
raises ``BundleError`` naming the first bad field; ``import_bundle`` then loads
it in one transaction. ``export_bundle`` is the inverse, and
``fixture_for_lesson`` writes the same lesson as a natural-key fixture.
"""

import datetime
import json
from typing import Any

from django.db import transaction
from django.utils.text import slugify

from teaching.models import Article, KeyDevice, Lesson, Segment, Technique
from teaching.models.content import QuoteSource, Voice
from teaching.validation import DeviceShape, SegmentShape, device_problems, segment_problems

FORMAT = "lesson-bundle/1"


class BundleError(ValueError):
    """A bundle that cannot be loaded; ``field`` is where, e.g. ``devices[3].text``."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def parse_bundle(text: str | bytes) -> dict[str, Any]:
    """Return the JSON document in ``text``, or raise BundleError if it is not one."""
    try:
        data = json.loads(text)
    except UnicodeDecodeError as error:
        raise BundleError("(document)", f"not valid UTF-8 ({error.reason})") from None
    except json.JSONDecodeError as error:
        raise BundleError(
            "(document)", f"not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}"
        ) from None
    if not isinstance(data, dict):
        raise BundleError("(document)", "must be a JSON object")
    return data


def _require(mapping: Any, field: str, key: str, kind: type | tuple[type, ...]) -> Any:
    if not isinstance(mapping, dict):
        raise BundleError(field, "must be an object")
    if key not in mapping:
        raise BundleError(f"{field}.{key}", "is required")
    value = mapping[key]
    # bool is a subclass of int, but an offset of `true` is a mistake.
    if isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
        raise BundleError(f"{field}.{key}", f"must be {_kind_name(kind)}")
    if not isinstance(value, kind):
        raise BundleError(f"{field}.{key}", f"must be {_kind_name(kind)}")
    return value


def _kind_name(kind):
    names = {str: "a string", int: "an integer", bool: "true or false", list: "a list", dict: "an object"}
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(names.get(k, "null" if k is type(None) else k.__name__) for k in kinds)


def _choice(mapping, field, key, choices):
    value = _require(mapping, field, key, str)
    if value not in choices:
        raise BundleError(f"{field}.{key}", f"{value!r} is not one of {', '.join(sorted(choices))}")
    return value


def _list(data, key):
    value = _require(data, "(document)", key, list)
    return [(f"{key}[{index}]", item) for index, item in enumerate(value)]


def validate_bundle(data: dict[str, Any]) -> None:
    """Raise BundleError for the first thing wrong with ``data``; return None when it loads."""
    if data.get("format") != FORMAT:
        raise BundleError("format", f"must be {FORMAT!r}, not {data.get('format')!r}")
    lesson = _require(data, "(document)", "lesson", dict)
    slug = _require(lesson, "lesson", "slug", str)
    if not slug or slugify(slug) != slug:
        raise BundleError("lesson.slug", f"{slug!r} is not a slug (lowercase letters, digits, hyphens)")
    if not _require(lesson, "lesson", "title", str).strip():
        raise BundleError("lesson.title", "must not be empty")
    _require(lesson, "lesson", "summary", str)

    article = _require(data, "(document)", "article", dict)
    for key in ("title", "outlet", "language"):
        if not _require(article, "article", key, str).strip():
            raise BundleError(f"article.{key}", "must not be empty")
    try:
        datetime.date.fromisoformat(_require(article, "article", "published", str))
    except ValueError:
        raise BundleError("article.published", "must be a date as YYYY-MM-DD") from None
    body = _require(article, "article", "body", str)
    if not body.strip():
        raise BundleError("article.body", "must not be empty")

    technique_slugs = set(Technique.objects.values_list("slug", flat=True))
    for field, technique in _list(data, "techniques"):
        technique_slugs.add(_require(technique, field, "slug", str))
        _require(technique, field, "name", str)
        _choice(technique, field, "family", set(Technique.Family.values))
        _require(technique, field, "definition", str)
        _require(technique, field, "ptc_label", (str, type(None)))

    segments = []
    for field, segment in _list(data, "segments"):
        segments.append(
            SegmentShape(_require(segment, field, "start", int), _require(segment, field, "end", int))
        )
        _choice(segment, field, "kind", set(Segment.Kind.values))
        _choice(segment, field, "voice", set(Voice.values))
        _require(segment, field, "speaker", str)
        _require(segment, field, "neutral", bool)
        _require(segment, field, "explanation", str)
        if segment.get("quote_source"):
            _choice(segment, field, "quote_source", set(QuoteSource.values))

    devices = []
    for field, device in _list(data, "devices"):
        devices.append(
            DeviceShape(
                _require(device, field, "start", int),
                _require(device, field, "end", int),
                _require(device, field, "technique", str),
                _require(device, field, "text", str),
            )
        )
        _require(device, field, "explanation", str)

    for field, message in [
        *segment_problems(body, segments),
        *device_problems(body, devices, technique_slugs),
    ]:
        raise BundleError(field, message)


class LessonExists(BundleError):
    pass


@transaction.atomic
def import_bundle(data: dict[str, Any], *, replace: bool = False) -> Lesson:
    """Validate ``data`` and load it as a lesson, all or nothing; return the lesson."""
    validate_bundle(data)
    slug = data["lesson"]["slug"]
    existing = Lesson.objects.filter(slug=slug).first()
    if existing is not None:
        if not replace:
            raise LessonExists("lesson.slug", f"a lesson {slug!r} exists already (use --replace)")
        if existing.assignments.exists():
            raise LessonExists(
                "lesson.slug", f"lesson {slug!r} is assigned to a class; import it under a new slug"
            )
        existing.delete()

    for technique in data["techniques"]:
        if not Technique.objects.filter(slug=technique["slug"]).exists():
            create_local_technique(technique)

    lesson = Lesson.objects.create(
        slug=slug, title=data["lesson"]["title"], summary=data["lesson"]["summary"]
    )
    create_article_and_segments(lesson, data)
    techniques = Technique.objects.in_bulk(field_name="slug")
    KeyDevice.objects.bulk_create(
        KeyDevice(
            lesson=lesson,
            position=position,
            technique=techniques[device["technique"]],
            start=device["start"],
            end=device["end"],
            text=device["text"],
            explanation=device["explanation"],
        )
        for position, device in enumerate(data["devices"])
    )
    return lesson


def create_article_and_segments(lesson: Lesson, bundle: dict[str, Any]) -> None:
    """Create ``lesson``'s article and segments from a bundle's ``article`` and ``segments``."""
    article = bundle["article"]
    Article.objects.create(
        lesson=lesson,
        title=article["title"],
        outlet=article["outlet"],
        published=datetime.date.fromisoformat(article["published"]),
        language=article["language"],
        body=article["body"],
    )
    Segment.objects.bulk_create(
        Segment(
            lesson=lesson,
            position=position,
            start=segment["start"],
            end=segment["end"],
            kind=segment["kind"],
            voice=segment["voice"],
            speaker=segment["speaker"],
            quote_source=segment.get("quote_source") or "",
            neutral=segment["neutral"],
            explanation=segment["explanation"],
        )
        for position, segment in enumerate(bundle["segments"])
    )


def create_local_technique(fields: dict[str, Any]) -> Technique:
    """Create a technique a bundle brings that the database lacks, filling in display defaults."""
    taken_codes = set(Technique.objects.values_list("code", flat=True))
    taken_shortcuts = set(Technique.objects.values_list("shortcut", flat=True))
    code = fields.get("code") or "".join(word[0] for word in fields["slug"].split("-"))[:3].upper()
    suffix = 1
    while code in taken_codes:
        code = f"{code[:2]}{suffix}"
        suffix += 1
    shortcut = fields.get("shortcut") or ""
    return Technique.objects.create(
        slug=fields["slug"],
        name=fields["name"],
        family=fields["family"],
        definition=fields["definition"],
        ptc_label=fields["ptc_label"] or "",
        example=fields.get("example", ""),
        colour=fields.get("colour", "#e0e0e0"),
        code=code,
        # A shortcut already in use stays with its technique; the newcomer goes without.
        shortcut="" if shortcut in taken_shortcuts else shortcut,
        position=fields.get("position", len(taken_codes) + 1),
    )


def export_bundle(lesson: Lesson) -> dict[str, Any]:
    """Return ``lesson`` as a lesson-bundle/1 document."""
    article = lesson.article
    devices = list(lesson.key_devices.select_related("technique"))
    used = {device.technique for device in devices}
    return {
        "format": FORMAT,
        "lesson": {"slug": lesson.slug, "title": lesson.title, "summary": lesson.summary},
        "article": {
            "title": article.title,
            "outlet": article.outlet,
            "published": article.published.isoformat(),
            "language": article.language,
            "body": article.body,
        },
        "techniques": [
            {
                "slug": t.slug,
                "name": t.name,
                "family": t.family,
                "definition": t.definition,
                "example": t.example,
                "ptc_label": t.ptc_label or None,
                "colour": t.colour,
                "code": t.code,
                "shortcut": t.shortcut,
                "position": t.position,
            }
            for t in sorted(used, key=lambda t: (t.position, t.slug))
        ],
        "segments": [
            {
                "start": s.start,
                "end": s.end,
                "kind": s.kind,
                "voice": s.voice,
                "speaker": s.speaker,
                "quote_source": s.quote_source or None,
                "neutral": s.neutral,
                "explanation": s.explanation,
            }
            for s in lesson.segments.all()
        ],
        "devices": [
            {
                "start": d.start,
                "end": d.end,
                "technique": d.technique.slug,
                "text": d.text,
                "explanation": d.explanation,
            }
            for d in devices
        ],
    }


def fixture_for_lesson(lesson: Lesson) -> list[dict[str, Any]]:
    """Return ``lesson`` as a natural-key fixture that ``loaddata`` can load any number of times."""
    bundle = export_bundle(lesson)
    key = [lesson.slug]
    objects = [
        {"model": "teaching.lesson", "fields": {**bundle["lesson"], "status": lesson.status}},
        {"model": "teaching.article", "fields": {"lesson": key, **bundle["article"]}},
    ]
    for position, segment in enumerate(bundle["segments"]):
        fields = {**segment, "quote_source": segment["quote_source"] or ""}
        objects.append(
            {"model": "teaching.segment", "fields": {"lesson": key, "position": position, **fields}}
        )
    for position, device in enumerate(bundle["devices"]):
        fields = {**device, "technique": [device["technique"]]}
        objects.append(
            {"model": "teaching.keydevice", "fields": {"lesson": key, "position": position, **fields}}
        )
    return objects
