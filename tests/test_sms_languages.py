"""Replies in the resident's script reach them by SMS whole (UCS-2), and the segment figures
`make bench` reports for each language are what the channel would send."""

from __future__ import annotations

import pytest

from bot.channels.sms_render import gsm7_segments, is_gsm7, render_parts, to_gsm7
from bot.language import SUPPORTED, message
from bot.language.sms_text import UCS2_PART_UNITS
from devtools.bench import sms_languages

NON_LATIN = ("ar", "bn", "fa", "ti")


@pytest.mark.parametrize("code", NON_LATIN)
def test_non_latin_replies_arrive_whole_in_ucs2(code: str) -> None:
    text = message("not_understood", code)
    parts = render_parts(text)
    assert not any(is_gsm7(part) for part in parts)
    sent = " ".join(parts)
    letters = [char for char in text if char.isalpha()]
    assert all(char in sent for char in letters)  # nothing dropped (was ". ." before)
    assert "999" in sent and "55" in sent
    for part in parts:
        assert len(part.encode("utf-16-le")) // 2 <= UCS2_PART_UNITS
        assert gsm7_segments(part) <= 2


def test_latin_scripts_stay_gsm7_and_readable() -> None:
    polish = render_parts(message("interpreter", "pl"))
    assert all(is_gsm7(part) for part in polish)
    assert "tlumaczem" in " ".join(polish)  # "ł" written "l", not dropped ("tumaczem")
    turkish = render_parts("Bu numaraya yazmamamız gerekiyorsa")
    assert turkish == ["Bu numaraya yazmamamiz gerekiyorsa"]
    english = "Council tax online is down. Direct Debits still run."
    assert render_parts(english) == [to_gsm7(english)]


def test_bench_figures_for_every_language() -> None:
    results = sms_languages.run()
    assert set(results) == set(SUPPORTED)
    for code, figures in results.items():
        for key, row in figures["replies"].items():
            assert row["segments"] >= row["parts"] >= 1, (code, key)
            expected = "UCS-2" if code in NON_LATIN else "GSM-7"
            assert row["encoding"] == expected, (code, key)
    assert results["ar"]["total_segments"] > results["en"]["total_segments"]
    table = sms_languages.format_results(results)
    assert table.count("\n") == len(SUPPORTED) + 1 and "UCS-2" in table
