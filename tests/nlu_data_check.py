#!/usr/bin/env python3
"""Standalone sanity check for the NLU training data in data/nlu/*.yml.

Stdlib + PyYAML only. Run from anywhere:

    python tests/nlu_data_check.py            # exit 0 = all good, 1 = problems

It prints per-intent counts, service_status examples per `service` value, and
flags: missing intents, counts under the minimums, exact duplicates within and
across intents (after lowercasing and stripping the plain text), entity names or
values outside the allowed sets, synonym conflicts, bad/missing regexes and
lookup tables, and files without `version: "3.1"`.
"""

from __future__ import annotations

import collections
import json
import pathlib
import re
import sys

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]
NLU_DIR = ROOT / "data" / "nlu"

SERVICES = {
    "council_tax",
    "benefits",
    "housing_repairs",
    "homelessness",
    "social_care",
    "planning",
    "parking",
    "waste",
    "registrars",
    "libraries",
    "payments",
    "phone_lines",
    "website",
}
COUNCILS = {"kensington_chelsea", "hammersmith_fulham", "westminster"}
ALLOWED_ENTITY_VALUES = {"service": SERVICES, "council": COUNCILS}
# entities extracted by regex only: must never be annotated in examples
REGEX_ENTITIES = {"case_ref", "postcode", "phone", "email"}

MINIMUMS = {
    "service_status": 220,
    "urgent_help": 120,
    "data_concern": 60,
    "phishing_report": 60,
    "human_request": 60,
    "complaint": 60,
    "case_status": 60,
    "out_of_scope": 60,
    "greet": 40,
    "goodbye": 40,
    "thanks": 40,
    "affirm": 40,
    "deny": 40,
    "inform": 40,
    "bot_challenge": 25,
}
MIN_PER_SERVICE = 12  # service_status examples per service value
MIN_NO_SERVICE = 15  # service_status examples with no service entity
MIN_COUNCIL_SHARE = 0.20  # share of service_status examples naming a council

# [text]{"entity": ..., "value": ...}  or  [text](entity)
ANNOTATION = re.compile(r"\[(?P<text>[^\]]+)\](?:(?P<json>\{[^}]*\})|\((?P<name>[^)]+)\))")

# regex sanity samples: (must match exactly once, must not match)
REGEX_SAMPLES = {
    "case_ref": (
        ["KC-7KQ2-M9XD", "hf4p8rt2kq", "wm 9xqr 2m7t", "any update on WM9XQR2M7T?"],
        ["westminster", "kcabcdefgh", "helpfulness", "KC-7KQ2", "HF-ILOU-1234"],
    ),
    "postcode": (
        ["W10 6EL", "w106el", "sw6", "SW1P 4DR", "i live in w2"],
        ["b4", "2day", "gr8", "KC-7KQ2-M9XD", "covid19"],
    ),
    "phone": (
        ["07700 900123", "07700900123", "+44 7700 900321", "020 7946 0123", "(020) 7946 0456"],
        ["12345", "07700 90012", "KC-7KQ2-M9XD", "in 2024"],
    ),
    "email": (["ayesha.k@example.com", "mail j.smith@example.co.uk pls"], ["email me", "@example"]),
}


# Files that hold a theme across intents on purpose (each example still under its own intent):
# urgent disclosures in new wordings, and the benign look-alikes that must not be urgent.
MIXED_INTENT_FILES = {"urgent_variety", "urgent_lookalikes"}


def parse_examples(block: str) -> list[str]:
    out = []
    for line in block.splitlines():
        line = line.strip()
        if not line:
            continue
        if not line.startswith("- "):
            raise ValueError(f"example line without '- ': {line!r}")
        out.append(line[2:].strip())
    return out


def strip_annotations(example: str) -> tuple[str, list[tuple[str, str, str]], list[str]]:
    """Return (plain text, [(entity, value, surface text)], errors)."""
    ents, errors = [], []

    def repl(m: re.Match) -> str:
        text = m.group("text")
        if m.group("json"):
            try:
                meta = json.loads(m.group("json"))
            except json.JSONDecodeError as exc:
                errors.append(f"bad JSON annotation {m.group(0)!r}: {exc}")
                return text
            ents.append((meta.get("entity"), meta.get("value", text), text))
        else:
            ents.append((m.group("name"), text, text))
        return text

    plain = ANNOTATION.sub(repl, example)
    if re.search(r"\]\(|\]\{|\[[^\]]*$", plain):
        errors.append(f"malformed annotation in {example!r}")
    return plain, ents, errors


def main() -> int:
    problems: list[str] = []
    files = sorted(NLU_DIR.glob("*.yml"))
    if not files:
        print(f"no files in {NLU_DIR}")
        return 1

    examples: dict[str, list[tuple[str, str, list]]] = collections.defaultdict(list)
    synonyms: dict[str, str] = {}  # lowercased surface -> value
    synonym_src: dict[str, str] = {}
    regexes: dict[str, list[str]] = {}
    lookups: dict[str, list[str]] = {}

    def add_synonym(surface: str, value: str, where: str) -> None:
        key = surface.lower()
        if key in synonyms and synonyms[key] != value:
            problems.append(
                f"synonym conflict: {surface!r} -> {value!r} ({where}) "
                f"but -> {synonyms[key]!r} ({synonym_src[key]})"
            )
        synonyms.setdefault(key, value)
        synonym_src.setdefault(key, where)

    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or str(data.get("version")) != "3.1":
            problems.append(f'{path.name}: missing version: "3.1"')
            continue
        for item in data.get("nlu") or []:
            if "intent" in item:
                intent = item["intent"]
                # <intent>.yml, a themed extra file for one intent (<theme>_<intent>.yml),
                # or a file of look-alikes that holds several intents on purpose
                if (path.stem != intent and not path.stem.endswith(f"_{intent}")
                        and path.stem not in MIXED_INTENT_FILES):
                    problems.append(f"{path.name}: holds intent {intent!r} (one file per intent)")
                for ex in parse_examples(item.get("examples", "")):
                    plain, ents, errs = strip_annotations(ex)
                    problems.extend(f"{path.name}: {e}" for e in errs)
                    examples[intent].append((ex, plain, ents))
                    for ent, value, surface in ents:
                        where = f"{path.name}: {plain!r}"
                        if ent in REGEX_ENTITIES:
                            problems.append(f"{where}: {ent} is regex-only, do not annotate it")
                        elif ent not in ALLOWED_ENTITY_VALUES:
                            problems.append(f"{where}: unknown entity {ent!r}")
                        elif value not in ALLOWED_ENTITY_VALUES[ent]:
                            problems.append(f"{where}: {ent} value {value!r} not allowed")
                        elif surface != value:
                            add_synonym(surface, value, where)
            elif "synonym" in item:
                value = item["synonym"]
                if value not in SERVICES | COUNCILS:
                    problems.append(f"{path.name}: synonym value {value!r} not allowed")
                for ex in parse_examples(item.get("examples", "")):
                    add_synonym(ex, value, f"{path.name} synonym {value}")
            elif "regex" in item:
                rows = parse_examples(item.get("examples", ""))
                regexes.setdefault(item["regex"], []).extend(rows)
            elif "lookup" in item:
                rows = parse_examples(item.get("examples", ""))
                lookups.setdefault(item["lookup"], []).extend(rows)
            else:
                problems.append(f"{path.name}: unexpected item {list(item)}")

    # ---- counts -----------------------------------------------------------
    print("examples per intent:")
    for intent in sorted(set(examples) | set(MINIMUMS)):
        n = len(examples.get(intent, []))
        need = MINIMUMS.get(intent)
        flag = "" if need is None or n >= need else f"   <-- below minimum {need}"
        print(f"  {intent:16s} {n:4d}{'' if need is None else f'  (min {need})'}{flag}")
        if need is not None and n < need:
            problems.append(f"intent {intent}: {n} examples, minimum {need}")
    extra = set(examples) - set(MINIMUMS)
    if extra:
        problems.append(f"intents not in the agreed list: {sorted(extra)}")
    print(f"  {'TOTAL':16s} {sum(len(v) for v in examples.values()):4d}")

    ss = examples.get("service_status", [])
    per_service = collections.Counter()
    no_service = with_council = 0
    for _, _, ents in ss:
        vals = {v for e, v, _ in ents if e == "service"}
        per_service.update(vals)
        no_service += not vals
        with_council += any(e == "council" for e, _, _ in ents)
    print("\nservice_status examples per service value:")
    for s in sorted(SERVICES):
        flag = "" if per_service[s] >= MIN_PER_SERVICE else f"   <-- below {MIN_PER_SERVICE}"
        print(f"  {s:16s} {per_service[s]:4d}{flag}")
        if per_service[s] < MIN_PER_SERVICE:
            problems.append(
                f"service_status: {per_service[s]} examples for {s}, minimum {MIN_PER_SERVICE}"
            )
    print(f"  {'(no service)':16s} {no_service:4d}")
    if no_service < MIN_NO_SERVICE:
        problems.append(
            f"service_status: {no_service} examples without a service, minimum {MIN_NO_SERVICE}"
        )
    share = with_council / len(ss) if ss else 0.0
    print(f"  with a council entity: {with_council} ({share:.0%})")
    if share < MIN_COUNCIL_SHARE:
        problems.append(
            f"service_status: only {share:.0%} name a council, want >= {MIN_COUNCIL_SHARE:.0%}"
        )

    ent_counts = collections.Counter()
    for rows in examples.values():
        for _, _, ents in rows:
            ent_counts.update(f"{e}={v}" for e, v, _ in ents)
    print("\nannotated entity values (all intents):")
    for k, n in sorted(ent_counts.items()):
        print(f"  {k:32s} {n:4d}")

    # ---- duplicates -------------------------------------------------------
    seen: dict[str, str] = {}
    for intent, rows in sorted(examples.items()):
        for _, plain, _ in rows:
            key = plain.lower().strip()
            if key in seen:
                where = "within" if seen[key] == intent else f"across ({seen[key]})"
                problems.append(f"duplicate {where} {intent}: {plain!r}")
            else:
                seen[key] = intent

    # ---- regexes & lookups ------------------------------------------------
    for name in sorted(REGEX_ENTITIES):
        pats = regexes.get(name)
        if not pats:
            problems.append(f"regex {name!r} missing")
            continue
        compiled = []
        for p in pats:
            try:
                compiled.append(re.compile(p))
            except re.error as exc:
                problems.append(f"regex {name}: does not compile: {exc}")
            if re.search(r"\(\?[aiLmsux]", p):
                problems.append(f"regex {name}: inline flags are not allowed")
        pos, neg = REGEX_SAMPLES[name]
        for s in pos:
            hits = [m.group(0) for c in compiled for m in c.finditer(s)]
            if len(hits) != 1:
                problems.append(f"regex {name}: expected one match in {s!r}, got {hits}")
        for s in neg:
            hits = [m.group(0) for c in compiled for m in c.finditer(s)]
            if hits:
                problems.append(f"regex {name}: false match in {s!r}: {hits}")
    extra_rx = set(regexes) - REGEX_ENTITIES
    if extra_rx:
        problems.append(f"unexpected regex names: {sorted(extra_rx)}")
    # every case reference quoted in case_status must be caught by case_ref
    if regexes.get("case_ref"):
        rx = re.compile(regexes["case_ref"][0])
        ref_like = re.compile(r"\b(?:kc|hf|wm)[- ]?[0-9a-z]{4}[- ]?[0-9a-z]{4}\b", re.I)
        for intent, rows in examples.items():
            for _, plain, _ in rows:
                for m in ref_like.finditer(plain):
                    if not rx.search(m.group(0)):
                        problems.append(
                            f"{intent}: case ref {m.group(0)!r} not matched by case_ref regex"
                        )
    for name in ("service", "council"):
        if not lookups.get(name):
            problems.append(f"lookup table {name!r} missing")
    # every normalised value should be reachable through synonyms
    targets = set(synonyms.values())
    for v in sorted((SERVICES | COUNCILS) - targets):
        problems.append(f"no synonym maps to {v!r}")

    print(
        f"\nsynonym surface forms: {len(synonyms)}; regexes: {sorted(regexes)}; "
        f"lookups: { {k: len(v) for k, v in lookups.items()} }"
    )
    if problems:
        print(f"\n{len(problems)} PROBLEM(S):")
        for p in problems:
            print("  -", p)
        return 1
    print("\nOK: no problems found")
    return 0


if __name__ == "__main__":
    sys.exit(main())
