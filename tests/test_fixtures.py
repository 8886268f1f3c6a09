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
    """Return every content row. Not the lessons' content_version: a reload may move that cache key."""
    rows = [list(model.objects.order_by("pk").values()) for model in (Technique, Lesson, Segment, KeyDevice)]
    for lesson in rows[1]:
        del lesson["content_version"]
    return rows


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


# Broken fixtures: refused whole -------------------------------------------------------

WARM_UP = "lesson-warm-up-skate-park"


def every_row():
    """Return every row of Lens's tables, to compare before and after a refused load."""
    from django.apps import apps

    return {
        model._meta.label: list(model.objects.order_by("pk").values_list())
        for model in apps.get_app_config("teaching").get_models()
    }


def broken_fixture(tmp_path, break_it, *, slug=None):
    """Write the warm-up fixture, changed by ``break_it`` (and moved to ``slug``), and return its path."""
    objects = json.loads((FIXTURE_DIR / f"{WARM_UP}.json").read_text(encoding="utf-8"))
    if slug is not None:
        for obj in objects:
            if obj["model"] == "teaching.lesson":
                obj["fields"]["slug"] = slug
            else:
                obj["fields"]["lesson"] = [slug]
    break_it(objects)
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(objects), encoding="utf-8")
    return path


def of_model(objects, model):
    return [obj for obj in objects if obj["model"] == f"teaching.{model}"]


def open_a_gap(objects):
    of_model(objects, "segment")[3]["fields"]["start"] += 1


def make_key_text_stale(objects):
    of_model(objects, "keydevice")[0]["fields"]["text"] = "words that are not in the article"


def name_an_unknown_technique(objects):
    of_model(objects, "keydevice")[1]["fields"]["technique"] = ["no-such-technique"]


BREAKAGES = {
    "segment gap": (open_a_gap, "segments[3].start: gap: starts at"),
    "stale key text": (make_key_text_stale, "devices[0].text: 'words that are not in the article'"),
    "unknown technique": (name_an_unknown_technique, "no-such-technique"),
}


def test_loaddata_is_lens_own_command():
    from django.core.management import get_commands

    assert get_commands()["loaddata"] == "teaching"


@pytest.mark.parametrize("breakage", BREAKAGES, ids=list(BREAKAGES))
def test_a_broken_fixture_over_the_loaded_lesson_is_refused_and_changes_nothing(lessons, tmp_path, breakage):
    from django.core.management.base import CommandError

    break_it, message = BREAKAGES[breakage]
    path = broken_fixture(tmp_path, break_it)
    before = every_row()

    with pytest.raises(CommandError) as refused:
        call_command("loaddata", str(path), verbosity=0)

    assert "nothing was loaded" in str(refused.value)
    assert message in str(refused.value)
    assert every_row() == before


def test_a_refused_fixture_does_not_claim_to_have_installed_anything(lessons, tmp_path):
    from io import StringIO

    from django.core.management.base import CommandError

    out = StringIO()
    with pytest.raises(CommandError):
        call_command("loaddata", str(broken_fixture(tmp_path, open_a_gap)), stdout=out)
    call_command("loaddata", "techniques", stdout=out)

    assert out.getvalue() == "Installed 19 object(s) from 1 fixture(s)\n"


@pytest.mark.parametrize("breakage", BREAKAGES, ids=list(BREAKAGES))
def test_a_broken_new_lesson_is_refused_and_nothing_of_it_is_left(lessons, tmp_path, breakage):
    from django.core.management.base import CommandError

    break_it, message = BREAKAGES[breakage]
    path = broken_fixture(tmp_path, break_it, slug="broken-copy")
    before = every_row()

    with pytest.raises(CommandError) as refused:
        call_command("loaddata", str(path), verbosity=0)

    assert message in str(refused.value)
    if breakage != "unknown technique":
        # The check names the lesson it refused.
        assert "'broken-copy'" in str(refused.value)
    assert every_row() == before
    assert not Lesson.objects.filter(slug="broken-copy").exists()


def test_a_broken_lesson_refuses_the_good_fixtures_loaded_with_it(db, tmp_path):
    from django.core.management.base import CommandError

    path = broken_fixture(tmp_path, open_a_gap, slug="broken-copy")

    with pytest.raises(CommandError):
        call_command("loaddata", *FIXTURES, str(path), verbosity=0)

    assert all(rows == [] for rows in every_row().values())


def test_a_good_copy_of_a_lesson_loads_and_passes_the_check(lessons, tmp_path):
    path = broken_fixture(tmp_path, lambda objects: None, slug="good-copy")

    call_command("loaddata", str(path), verbosity=0)

    assert (
        Lesson.objects.get(slug="good-copy").segments.count()
        == Lesson.objects.get(slug="warm-up-skate-park").segments.count()
    )
    assert check_lessons() == []


def test_loading_only_the_techniques_does_not_judge_lessons_it_does_not_touch(lessons):
    # A lesson broken by hand (in the admin, say) is the system check's business, not this load's.
    segment = Segment.objects.filter(lesson__slug="warm-up-skate-park").get(position=3)
    Segment.objects.filter(pk=segment.pk).update(start=segment.start + 1)

    call_command("loaddata", "techniques", verbosity=0)

    assert len(check_lessons()) == 1
