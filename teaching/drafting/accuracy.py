"""Measure the drafter against an expert key (a lesson-bundle/1 document)."""

from typing import Any

from teaching.drafting import draft_lesson, draft_voices
from teaching.scoring import Span, cohen_kappa, score_devices, score_voices

# The editor shows suggestions from this confidence up first; lower ones are hints.
CONFIDENT = 0.4


def _prf(result) -> dict[str, float]:
    return {"precision": result.precision, "recall": result.recall, "f1": result.f1}


def measure_draft(bundle: dict[str, Any]) -> dict[str, Any]:
    """Return how far a draft of ``bundle``'s article agrees with the bundle's own key."""
    article = bundle["article"]
    body = article["body"]
    draft = draft_lesson(
        title=article["title"],
        outlet=article["outlet"],
        published=article["published"],
        language=article["language"],
        body=body,
    )

    expert_starts = {s["start"] for s in bundle["segments"]} - {0}
    drafted_starts = {s["start"] for s in draft["segments"]} - {0}
    reproduced = len(expert_starts & drafted_starts)

    # Voices are drafted for the expert's own segments, so that a different cut cannot
    # hide or inflate a labelling difference.
    key_voices = [s["voice"] for s in bundle["segments"]]
    drafted = draft_voices(
        body,
        [(s["start"], s["end"]) for s in bundle["segments"]],
        outlet=article["outlet"],
        language=article["language"],
    )
    answers = [d.voice for d in drafted]
    voices = score_voices(key_voices, answers)
    same = [k == a for k, a in zip(key_voices, answers, strict=True)]
    speakers = [s["speaker"] == d.speaker for s, d in zip(bundle["segments"], drafted, strict=True)]

    key = [Span(d["start"], d["end"], d["technique"]) for d in bundle["devices"]]
    suggestions = draft["suggestions"]

    def devices(minimum: float) -> dict[str, Any]:
        marks = [
            Span(s["start"], s["end"], s["technique"]) for s in suggestions if s["confidence"] >= minimum
        ]
        score = score_devices(body, key, marks)
        return {
            "suggestions": len(marks),
            "spotted": _prf(score.spotted),
            "named": _prf(score.named),
            "key_items_touched": sum(1 for item in score.items if item.status != "missed"),
            "false_alarms": len(score.false_alarms),
        }

    return {
        "lesson": bundle["lesson"]["slug"],
        "segmentation": {
            "expert_segments": len(bundle["segments"]),
            "drafted_segments": len(draft["segments"]),
            "boundary_recall": reproduced / len(expert_starts) if expert_starts else 1.0,
            "boundary_precision": reproduced / len(drafted_starts) if drafted_starts else 1.0,
        },
        "voices": {
            "segments": len(key_voices),
            "agreement": sum(same) / len(same),
            "kappa": cohen_kappa(key_voices, answers),
            "credit": voices.score,
            "speaker_agreement": sum(speakers) / len(speakers),
            "disagreements": [
                {"segment": i, "key": k, "draft": a}
                for i, (k, a) in enumerate(zip(key_voices, answers, strict=True))
                if k != a
            ],
        },
        "devices": {
            "key_items": len(key),
            "all": devices(0.0),
            f"confidence>={CONFIDENT}": devices(CONFIDENT),
        },
    }
