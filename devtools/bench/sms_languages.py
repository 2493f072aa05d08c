"""SMS segments of the key replies in every language, as the SMS channel would send them.

Each reply (bot/language/translations) goes through the channel's own renderer
(bot.channels.sms_render.render_parts): GSM-7 when that keeps every letter, UCS-2 otherwise
(Arabic, Farsi, Bengali and Tigrinya always; Latin-script languages lose only accents, with
"ł" and "ı" written "l" and "i", bot/language/sms_text.py). A GSM-7 segment holds 153
characters in a long message, a UCS-2 one 67, so the same reply can cost two or three times
as much. Placeholders are filled
with realistic values (an out-of-hours number, a council name, a case reference).

Figures are exact counts, not timings: they do not depend on the machine.
"""

from __future__ import annotations

from typing import Any

from bot.channels.sms_render import gsm7_segments, is_gsm7, render_parts
from bot.language import SUPPORTED, message

# The replies a resident gets by SMS on the urgent and interpreter routes.
REPLIES = (
    "advice.domestic_abuse", "advice.self_harm", "advice.someone_else_overdose",
    "advice.general", "hand_off", "urgent_case_opened", "interpreter", "not_understood",
    "ask_safe_contact", "consent_question", "interpreter_case_opened", "case_confirmation",
    "status_intro",
)
PARAMS = {"phone": "020 7946 0101", "council": "Kensington and Chelsea",
          "reference": "KC-7Q4M-2XHD"}


def reply_figures(key: str, code: str) -> dict[str, Any]:
    parts = render_parts(message(key, code, **PARAMS))
    return {
        "encoding": "GSM-7" if all(is_gsm7(part) for part in parts) else "UCS-2",
        "parts": len(parts),
        "segments": sum(gsm7_segments(part) for part in parts),
        "chars": sum(len(part) for part in parts),
    }


def run() -> dict[str, Any]:
    table: dict[str, dict[str, Any]] = {}
    for code in SUPPORTED:
        rows = {key: reply_figures(key, code) for key in REPLIES}
        table[code] = {
            "replies": rows,
            "total_segments": sum(row["segments"] for row in rows.values()),
            "ucs2_replies": sum(row["encoding"] == "UCS-2" for row in rows.values()),
        }
    return table


def format_results(results: dict[str, Any]) -> str:
    short = {key: key.replace("advice.", "").replace("someone_else_overdose", "other_od")[:9]
             for key in REPLIES}
    header = f"{'lang':5}{'enc':6}" + "".join(f"{short[k]:>10}" for k in REPLIES) + f"{'total':>7}"
    lines = ["Segments per reply as sent by SMS (GSM-7: 153 chars/segment, UCS-2: 67)", header]
    english = results.get("en", {}).get("total_segments") or 1
    for code, figures in results.items():
        rows = figures["replies"]
        encoding = ("UCS-2" if figures["ucs2_replies"] == len(rows)
                    else "GSM-7" if not figures["ucs2_replies"] else "mixed")
        cells = "".join(f"{rows[k]['segments']:>10}" for k in REPLIES)
        total = figures["total_segments"]
        lines.append(f"{code:5}{encoding:6}{cells}{total:>7}  (x{total / english:.1f})")
    return "\n".join(lines)


if __name__ == "__main__":
    print(format_results(run()))
