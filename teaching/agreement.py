"""Agreement between two independent keys of one article (two annotators' bundles)."""

from typing import Any

from teaching.scoring import Span, cohen_kappa, score_devices


def key_agreement(first: dict[str, Any], second: dict[str, Any]) -> dict[str, Any]:
    """
    Return how far two bundles of the same article agree.

    Devices use the product's span measure with ``first`` as the key, so the
    F1 is symmetric; voices use per-sentence agreement and Cohen's kappa.
    """
    body = first["article"]["body"]
    if second["article"]["body"] != body:
        raise ValueError("The two bundles are not keys of the same article text.")
    first_bounds = [(s["start"], s["end"]) for s in first["segments"]]
    if first_bounds != [(s["start"], s["end"]) for s in second["segments"]]:
        raise ValueError("The two bundles segment the article differently.")

    def spans(bundle):
        return [Span(d["start"], d["end"], d["technique"]) for d in bundle["devices"]]

    devices = score_devices(body, spans(first), spans(second))
    first_voices = [s["voice"] for s in first["segments"]]
    second_voices = [s["voice"] for s in second["segments"]]
    same = sum(a == b for a, b in zip(first_voices, second_voices, strict=True))
    return {
        "devices": {
            "first": len(first["devices"]),
            "second": len(second["devices"]),
            "named_f1": devices.named.f1,
            "spotted_f1": devices.spotted.f1,
        },
        "voices": {
            "segments": len(first_voices),
            "agreement": same / len(first_voices),
            "kappa": cohen_kappa(first_voices, second_voices),
            "disagreements": [
                index for index, (a, b) in enumerate(zip(first_voices, second_voices, strict=True)) if a != b
            ],
        },
        "neutral": {
            "first": sum(s["neutral"] for s in first["segments"]),
            "second": sum(s["neutral"] for s in second["segments"]),
            "both": sum(
                a["neutral"] and b["neutral"]
                for a, b in zip(first["segments"], second["segments"], strict=True)
            ),
        },
    }
