"""The shipped fixtures: they load, load again without change, and match what export writes."""

import json
from pathlib import Path

import pytest
from django.core.management import call_command

from teaching.bundles import fixture_for_lesson
from teaching.checks import check_lessons
from teaching.models import KeyDevice, Lesson, Segment, Technique

from .conftest import FIXTURES

pytestmark = pytest.mark.django_db
FIXTURE_DIR = Path(__file__).resolve().parent.parent / "fixtures"


def snapshot():
    return [list(model.objects.order_by("pk").values()) for model in (Technique, Lesson, Segment, KeyDevice)]


def test_the_taxonomy_has_the_eighteen_ptc_techniques(lessons):
    labels = set(Technique.objects.exclude(ptc_label="").values_list("ptc_label", flat=True))
    assert len(labels) == 18
    assert {
        "Exaggeration,Minimisation",
        "Name_Calling,Labeling",
        "Obfuscation,Intentional_Vagueness,Confusion",
    } <= labels
    for technique in Technique.objects.all():
        assert technique.definition and technique.example and technique.code


def test_loading_the_fixtures_twice_changes_nothing(lessons):
    before = snapshot()
    call_command("loaddata", *FIXTURES, verbosity=0)
    assert snapshot() == before


def test_the_seed_body_is_the_seed_file_without_the_scraper_prefix(seed_lesson):
    # The project's shared/ folder lies beside the checkout, in development and in CI.
    seed = Path(__file__).resolve().parents[2] / "shared" / "seed" / "000_da8093968062f929.txt"
    raw = seed.read_text(encoding="utf-8")
    assert raw.startswith(" date 2025-11-13 ")
    assert seed_lesson.article.body == raw.removeprefix(" date 2025-11-13 ")
    assert seed_lesson.article.published.isoformat() == "2025-11-13"
    assert seed_lesson.article.body.startswith("MOSCOW, November 13.")


def test_the_shipped_lessons_pass_the_integrity_check(lessons):
    assert check_lessons() == []


@pytest.mark.parametrize("slug", [f.removeprefix("lesson-") for f in FIXTURES if f.startswith("lesson-")])
def test_lesson_fixture_is_exactly_what_export_writes(lessons, slug):
    fixture = json.loads((FIXTURE_DIR / f"lesson-{slug}.json").read_text(encoding="utf-8"))
    lesson = Lesson.objects.get(slug=slug)
    assert fixture == json.loads(json.dumps(fixture_for_lesson(lesson)))


LESSON_SOURCES = sorted((FIXTURE_DIR.parent / "lessons").glob("*.json"))


@pytest.mark.parametrize("source", LESSON_SOURCES, ids=lambda path: path.stem)
def test_lesson_fixture_matches_its_authored_bundle(lessons, source):
    """The key is written in lessons/; the fixture must be regenerated whenever it changes."""
    from teaching.bundles import export_bundle

    authored = json.loads(source.read_text(encoding="utf-8"))
    exported = export_bundle(Lesson.objects.get(slug=authored["lesson"]["slug"]))
    assert exported["article"] == authored["article"]
    assert exported["lesson"] == authored["lesson"]
    for field in ("segments", "devices"):
        keys = exported[field][0].keys()
        trimmed = [{key: item.get(key) for key in keys} for item in authored[field]]
        assert exported[field] == trimmed, f"{source.name}: {field} differ from the fixture"


def test_both_lessons_have_an_authored_source():
    assert {path.stem for path in LESSON_SOURCES} == {
        name.removeprefix("lesson-") for name in FIXTURES if name.startswith("lesson-")
    }
