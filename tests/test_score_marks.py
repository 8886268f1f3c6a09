"""`manage.py score_marks`: the app's scorer from the command line, and every way its input is refused."""

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from teaching.management.commands import score_marks

BUNDLE = Path(settings.BASE_DIR) / "lessons" / "warm-up-skate-park.json"


@pytest.fixture
def bundle():
    return json.loads(BUNDLE.read_text(encoding="utf-8"))


@pytest.fixture
def techniques(db):
    call_command("loaddata", "techniques", verbosity=0)


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return str(path)


def score(tmp_path, capsys, marks, bundle=None):
    bundle_path = write(tmp_path, "bundle.json", bundle) if bundle is not None else str(BUNDLE)
    call_command("score_marks", "--bundle", bundle_path, "--marks", write(tmp_path, "marks.json", marks))
    return json.loads(capsys.readouterr().out)


def the_key(bundle):
    return {
        "marks": [{k: d[k] for k in ("start", "end", "technique")} for d in bundle["devices"]],
        "voices": [{"segment": i, "voice": s["voice"]} for i, s in enumerate(bundle["segments"])],
    }


def test_the_key_itself_scores_perfectly(techniques, tmp_path, capsys, bundle):
    result = score(tmp_path, capsys, the_key(bundle))
    perfect = {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    assert result == {
        "devices": {
            "named": perfect,
            "spotted": perfect,
            "items": [{"index": i, "status": "found"} for i in range(len(bundle["devices"]))],
            "false_alarms": 0,
        },
        "voices": {"score": 1.0, "kappa": 1.0},
    }


def test_marks_are_trimmed_but_not_snapped(techniques, tmp_path, capsys, bundle):
    body = bundle["article"]["body"]
    index = next(i for i, d in enumerate(bundle["devices"]) if d["text"] == "endless noise")
    start = body.index('"endless noise"')
    # Quotation marks are trimmed away; the missing last letter is not put back.
    marks = {"marks": [{"start": start, "end": start + len('"endless nois'), "technique": "exaggeration"}]}
    result = score(tmp_path, capsys, marks)
    assert result["devices"]["items"][index] == {"index": index, "status": "found"}
    assert result["devices"]["named"]["precision"] == 1.0
    assert result["devices"]["false_alarms"] == 0
    # The one item is 12 of its 13 letters covered; the other items are missed.
    assert result["devices"]["named"]["recall"] == pytest.approx((12 / 13) / len(bundle["devices"]))


def test_false_alarms_and_unanswered_voices_are_counted(techniques, tmp_path, capsys, bundle):
    body = bundle["article"]["body"]
    start = body.index("Building work")
    marks = {"marks": [{"start": start, "end": start + 13, "technique": "doubt"}], "voices": []}
    result = score(tmp_path, capsys, marks)
    assert result["devices"]["false_alarms"] == 1
    assert result["devices"]["named"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0}
    assert result["voices"]["score"] == 0.0


def with_local_technique(bundle):
    """Return the bundle with every device under a technique the bundle itself defines."""
    local = copy.deepcopy(bundle)
    local["techniques"] = [
        {"slug": "spin", "name": "Spin", "family": "wording", "definition": "Twisting.", "ptc_label": None}
    ]
    for device in local["devices"]:
        device["technique"] = "spin"
    return local


def spin_marks(bundle):
    return {"marks": [{"start": d["start"], "end": d["end"], "technique": "spin"} for d in bundle["devices"]]}


def test_a_bundle_brings_its_own_techniques_when_the_database_has_none(db, tmp_path, capsys, bundle):
    result = score(tmp_path, capsys, spin_marks(bundle), bundle=with_local_technique(bundle))
    assert result["devices"]["named"]["f1"] == 1.0


def test_without_a_database_the_structure_is_still_checked(monkeypatch, bundle):
    monkeypatch.setattr(score_marks, "_database_slugs", lambda: None)
    bad = copy.deepcopy(bundle)
    bad["segments"][1]["start"] += 1
    with pytest.raises(CommandError, match=r"Bundle refused: segments\[1\].start: gap"):
        score_marks.check_bundle(bad)
    # The bundle lists no techniques, so with no database its devices name unknown ones.
    with pytest.raises(CommandError, match=r"devices\[0\].technique: unknown technique"):
        score_marks.check_bundle(bundle)


def test_a_bundle_that_does_not_validate_is_refused(techniques, tmp_path, bundle):
    bad = copy.deepcopy(bundle)
    bad["devices"][0]["text"] = "something else"
    with pytest.raises(CommandError, match=r"Bundle refused: devices\[0\].text"):
        call_command(
            "score_marks",
            "--bundle",
            write(tmp_path, "b.json", bad),
            "--marks",
            write(tmp_path, "m.json", {"marks": []}),
        )


@pytest.mark.parametrize(
    "marks, message",
    [
        ("{not json", "Marks file is not valid JSON"),
        ({"voices": []}, 'must be an object with a "marks" list'),
        (
            {"marks": [{"start": "1", "end": 5, "technique": "doubt"}]},
            r"marks\[0\]: needs integer start and end",
        ),
        (
            {"marks": [{"start": True, "end": 5, "technique": "doubt"}]},
            r"marks\[0\]: needs integer start and end",
        ),
        (
            {"marks": [{"start": 0, "end": 99_999, "technique": "doubt"}]},
            r"marks\[0\]: \[0, 99999\) is not a stretch",
        ),
        ({"marks": [{"start": 5, "end": 5, "technique": "doubt"}]}, r"is not a stretch of the body"),
        (
            {"marks": [{"start": 0, "end": 5, "technique": "spin"}]},
            r"marks\[0\].technique: unknown technique 'spin'",
        ),
        ({"marks": [], "voices": {"0": "direct"}}, '"voices" must be a list'),
        (
            {"marks": [], "voices": [{"segment": 99, "voice": "direct"}]},
            r"voices\[0\].segment: no segment 99",
        ),
        (
            {"marks": [], "voices": [{"segment": 0, "voice": "quote"}]},
            r"voices\[0\].voice: 'quote' is not one of",
        ),
        (
            {"marks": [], "voices": [{"segment": 0, "voice": "direct"}, {"segment": 0, "voice": "partial"}]},
            r"voices\[1\].segment: segment 0 is labelled twice",
        ),
    ],
)
def test_bad_marks_are_refused_with_a_message(techniques, tmp_path, marks, message):
    with pytest.raises(CommandError, match=message):
        call_command("score_marks", "--bundle", str(BUNDLE), "--marks", write(tmp_path, "m.json", marks))


def test_a_missing_file_is_refused(techniques, tmp_path):
    with pytest.raises(CommandError, match="Cannot read .*nowhere.json"):
        call_command("score_marks", "--bundle", str(BUNDLE), "--marks", str(tmp_path / "nowhere.json"))


def run_in_shell(tmp_path, bundle, marks):
    """Run the command in a fresh process whose database has no tables at all."""
    return subprocess.run(
        [
            sys.executable,
            "manage.py",
            "score_marks",
            "--bundle",
            write(tmp_path, "bundle.json", bundle),
            "--marks",
            write(tmp_path, "marks.json", marks),
        ],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
        env={"DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}", "PATH": "/usr/bin:/bin"},
    )


def test_runs_from_the_shell_without_a_database(tmp_path, bundle):
    local = with_local_technique(bundle)
    good = run_in_shell(tmp_path, local, spin_marks(bundle))
    assert good.returncode == 0, good.stderr
    assert json.loads(good.stdout)["devices"]["named"]["f1"] == 1.0
    bad = run_in_shell(tmp_path, local, [])
    assert bad.returncode != 0
    assert 'must be an object with a "marks" list' in bad.stderr
    assert bad.stdout == ""
