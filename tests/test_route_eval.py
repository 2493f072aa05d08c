"""route_eval scores rows in languages the bot does not support as one "other" group.

Such a row can never be identified as its own language, so counting it in language-ID
accuracy would only measure the detector's language list; its routing and urgency still count.
"""

from __future__ import annotations

from typing import Any

from devtools.bench.route_eval import OTHER_LANGUAGES, score


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
