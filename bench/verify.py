"""
Check a simulation's acknowledged saves against the database: ``python -m bench.verify SAVES.json``.

A voice answer is lost if the database holds neither the value of the student's last
acknowledged save for that sentence nor that of a save sent after it (one whose answer
the simulation never saw may still have been committed). A mark is lost unless its
``client_id`` is in the database exactly once. Prints one JSON object.
"""

import json
import sys
from collections import Counter, defaultdict

import django


def check(saves):
    """Return counts of acknowledged saves, lost ones, and a few examples of each loss."""
    from teaching.models import Mark, VoiceAnswer

    voice_history = defaultdict(list)
    acked_marks = []
    for save in sorted(saves, key=lambda s: s["n"]):
        if save["kind"] == "voice":
            voice_history[(save["student"], save["assignment"], save["segment"])].append(save)
        elif save["ack"]:
            acked_marks.append(save["client_id"])

    stored = {
        (student, assignment, segment): (voice, quote_source)
        for student, assignment, segment, voice, quote_source in VoiceAnswer.objects.filter(
            attempt__assignment_id__in={key[1] for key in voice_history},
            attempt__student_id__in={key[0] for key in voice_history},
        ).values_list("attempt__student_id", "attempt__assignment_id", "segment_id", "voice", "quote_source")
    }
    voice_acked, voice_lost, examples = 0, 0, []
    for key, history in voice_history.items():
        acked = [i for i, save in enumerate(history) if save["ack"]]
        if not acked:
            continue
        voice_acked += sum(1 for save in history if save["ack"])
        allowed = {(save["voice"], save["quote_source"]) for save in history[acked[-1] :]}
        if stored.get(key) not in allowed:
            voice_lost += 1
            examples.append({"key": key, "expected": sorted(allowed), "stored": stored.get(key)})

    counts = Counter(
        str(client_id)
        for client_id in Mark.objects.filter(client_id__in=acked_marks).values_list("client_id", flat=True)
    )
    missing = [c for c in acked_marks if counts[c] == 0]
    duplicated = [c for c in acked_marks if counts[c] > 1]
    return {
        "voice_sent": sum(len(h) for h in voice_history.values()),
        "voice_acked": voice_acked,
        "voice_lost": voice_lost,
        "mark_sent": sum(1 for s in saves if s["kind"] == "mark"),
        "mark_acked": len(acked_marks),
        "mark_missing": len(missing),
        "mark_duplicated": len(duplicated),
        "examples": examples[:3] + [{"mark_missing": c} for c in missing[:3]],
    }


def main(argv):
    django.setup()
    with open(argv[1]) as saves:
        print(json.dumps(check(json.load(saves))))


if __name__ == "__main__":
    main(sys.argv)
