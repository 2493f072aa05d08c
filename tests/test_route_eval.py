"""route_eval scores rows in languages the bot does not support as one "other" group.

Such a row can never be identified as its own language, so counting it in language-ID
accuracy would only measure the detector's language list; its routing and urgency still count.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from devtools.bench.route_eval import (
    GATES,
    OTHER_LANGUAGES,
    REPORT_ONLY,
    gate_failures,
    load_set,
    print_report,
    score,
)

EVAL_DIR = Path(__file__).parent / "eval"


def _row(lang: str, intent: str, urgency: str = "none") -> dict[str, Any]:
    return {"lang": lang, "text": f"{lang} {intent}", "intent": intent, "urgency": urgency}


def _pred(intent: str, language: str) -> dict[str, Any]:
    return {"combined": intent, "classifier": intent, "net": False, "service": None,
            "confidence": 0.9, "tier": "clear" if intent == "urgent_help" else None,
            "language": language}


def test_unsupported_languages_form_one_group_outside_language_id() -> None:
    rows = [_row("pl", "urgent_help", "clear"), _row("pl", "thanks"),
            _row("ur", "urgent_help", "clear"), _row("ru", "urgent_help", "clear"),
            _row("zh", "service_status")]
    predicted = [_pred("urgent_help", "pl"), _pred("thanks", "en"),
                 _pred("urgent_help", "en"), _pred("out_of_scope", "en"),
                 _pred("urgent_help", "en")]
    report = score(rows, predicted)
    groups = report["by_language"]
    assert list(groups) == ["pl", OTHER_LANGUAGES]
    other = groups[OTHER_LANGUAGES]
    assert other["n"] == 3 and other["language_id"] is None
    assert other["urgent_recall"] == 0.5 and other["false_urgent"] == 1.0
    assert groups["pl"]["language_id"] == 0.5
    assert report["language_id_accuracy"] == 0.5  # the two Polish rows only


def test_a_set_in_supported_languages_only_has_no_other_group() -> None:
    rows = [_row("es", "greet"), _row("en", "thanks")]
    report = score(rows, [_pred("greet", "es"), _pred("thanks", "en")])
    assert list(report["by_language"]) == ["en", "es"]
    assert report["language_id_accuracy"] == 1.0


@pytest.mark.parametrize("name", REPORT_ONLY)
def test_report_only_sets_are_scored_and_printed_but_never_gated(
        name: str, capsys: pytest.CaptureFixture[str]) -> None:
    """A stand-in prediction (no model) for every row: the set's schema scores and prints."""
    rows = load_set(EVAL_DIR / f"{name}.jsonl")
    report = score(rows, [_pred("out_of_scope", "en") for _ in rows])
    report["parse_ms_p50"] = report["parse_ms_p95"] = 0.0
    print_report(f"{name}.jsonl", report)
    assert f"== {name}.jsonl: {len(rows)} messages ==" in capsys.readouterr().out
    assert name not in GATES and gate_failures(name, report) == []
