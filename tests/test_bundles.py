"""Lesson bundles: export, import, and every way a bundle can be refused."""

import copy
import json

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from teaching.bundles import FORMAT, BundleError, export_bundle, import_bundle, parse_bundle, validate_bundle
from teaching.models import KeyDevice, Lesson, Segment, Technique

pytestmark = pytest.mark.django_db


def row_counts():
    return {model.__name__: model.objects.count() for model in apps.get_app_config("teaching").get_models()}


def export_json(slug):
    return json.dumps(export_bundle(Lesson.objects.get(slug=slug)), ensure_ascii=False, indent=2)


def test_export_lesson_prints_a_valid_bundle_whose_segments_cover_the_body(seed_lesson, capsys):
    call_command("export_lesson", seed_lesson.slug)
    bundle = json.loads(capsys.readouterr().out)
    assert bundle["format"] == FORMAT
    validate_bundle(bundle)
    body = bundle["article"]["body"]
    assert bundle["segments"][0]["start"] == 0
    assert bundle["segments"][-1]["end"] == len(body)
    assert all(a["end"] == b["start"] for a, b in zip(bundle["segments"], bundle["segments"][1:]))
    assert all(body[d["start"] : d["end"]] == d["text"] for d in bundle["devices"])


def test_export_import_into_empty_database_export_again_is_identical(seed_lesson, tmp_path):
    first = export_json(seed_lesson.slug)
    Lesson.objects.all().delete()
    Technique.objects.all().delete()
    assert row_counts()["Lesson"] == 0 and row_counts()["Technique"] == 0
    path = tmp_path / "bundle.json"
    path.write_text(first, encoding="utf-8")
    call_command("import_lesson", str(path), verbosity=0)
    assert export_json(seed_lesson.slug) == first


def test_import_refuses_an_existing_slug_unless_replacing(seed_lesson, tmp_path):
    path = tmp_path / "bundle.json"
    path.write_text(export_json(seed_lesson.slug), encoding="utf-8")
    before = row_counts()
    with pytest.raises(CommandError, match="lesson.slug: a lesson 'tass-lavrov-2025-11-13' exists already"):
        call_command("import_lesson", str(path))
    assert row_counts() == before
    call_command("import_lesson", str(path), "--replace", verbosity=0)
    assert row_counts() == before


def break_bundle(bundle, how):
    """Return a copy of ``bundle`` made bad in one way, and the field the error must name."""
    bad = copy.deepcopy(bundle)
    match how:
        case "missing-title":
            del bad["lesson"]["title"]
            return bad, "lesson.title: is required"
        case "span-outside-body":
            bad["devices"][0]["end"] = len(bad["article"]["body"]) + 5
            return bad, "devices[0].start: span"
        case "negative-offset":
            bad["devices"][1]["start"] = -3
            return bad, "devices[1].start: span"
        case "text-mismatch":
            bad["devices"][2]["text"] = "words that are not there"
            return bad, "devices[2].text:"
        case "unknown-technique":
            bad["devices"][0]["technique"] = "mind-control"
            return bad, "devices[0].technique: unknown technique 'mind-control'"
        case "overlapping-segments":
            bad["segments"][3]["start"] -= 4
            return bad, "segments[3].start: overlap"
        case "gapped-segments":
            bad["segments"][5]["start"] += 2
            return bad, "segments[5].start: gap"
        case "offset-not-integer":
            bad["segments"][0]["end"] = "57"
            return bad, "segments[0].end: must be an integer"
        case "bad-voice":
            bad["segments"][1]["voice"] = "quote"
            return bad, "segments[1].voice: 'quote' is not one of"
        case "wrong-format":
            bad["format"] = "lesson-bundle/2"
            return bad, "format: must be 'lesson-bundle/1'"
        case "bad-date":
            bad["article"]["published"] = "13/11/2025"
            return bad, "article.published: must be a date"
    raise AssertionError(how)


BREAKAGES = [
    "missing-title",
    "span-outside-body",
    "negative-offset",
    "text-mismatch",
    "unknown-technique",
    "overlapping-segments",
    "gapped-segments",
    "offset-not-integer",
    "bad-voice",
    "wrong-format",
    "bad-date",
]


@pytest.mark.parametrize("how", BREAKAGES)
def test_bad_bundle_is_refused_naming_the_field_and_nothing_changes(seed_lesson, tmp_path, how):
    bundle = export_bundle(seed_lesson)
    bundle["lesson"]["slug"] = "a-new-lesson"
    bad, expected = break_bundle(bundle, how)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    before = row_counts()
    with pytest.raises(CommandError) as refused:
        call_command("import_lesson", str(path))
    assert "nothing was loaded" in str(refused.value)
    assert expected in str(refused.value)
    assert row_counts() == before


def test_malformed_json_is_refused_with_its_position(lessons, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"format": "lesson-bundle/1", "lesson": {', encoding="utf-8")
    before = row_counts()
    with pytest.raises(CommandError, match=r"\(document\): not valid JSON: .* line 1, column \d+"):
        call_command("import_lesson", str(path))
    assert row_counts() == before


def test_invalid_utf8_is_refused():
    with pytest.raises(BundleError, match="not valid UTF-8"):
        parse_bundle(b'{"format": "\xff"}')


def test_missing_file_is_a_clear_error(db, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_lesson", str(tmp_path / "nope.json"))


def test_failure_after_validation_rolls_back_everything(seed_lesson, monkeypatch):
    """The transaction is all-or-nothing even if the database refuses a row late."""
    bundle = export_bundle(seed_lesson)
    bundle["lesson"]["slug"] = "rolled-back"
    before = row_counts()

    def refuse(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(KeyDevice.objects, "bulk_create", refuse)
    with pytest.raises(RuntimeError):
        import_bundle(bundle)
    assert row_counts() == before
    assert not Segment.objects.filter(lesson__slug="rolled-back").exists()


def test_a_bundle_may_bring_a_local_technique(seed_lesson):
    bundle = export_bundle(seed_lesson)
    bundle["lesson"]["slug"] = "with-local-technique"
    bundle["techniques"].append(
        {
            "slug": "glittering-generality",
            "name": "Glittering generality",
            "family": "wording",
            "definition": "Warm words with no clear meaning.",
            "ptc_label": None,
        }
    )
    bundle["devices"][0]["technique"] = "glittering-generality"
    import_bundle(bundle)
    technique = Technique.objects.get(slug="glittering-generality")
    assert technique.is_local
    assert technique.code not in set(
        Technique.objects.exclude(pk=technique.pk).values_list("code", flat=True)
    )
