"""Remove from the training data (`data/`) every example that shares a sentence with an
evaluation set (tests/eval), so the sets stay independent (tests/eval/test_independence.py).

Training examples are written by hand and can repeat common sentences ("Bonjour", "no es
urgente") that an evaluation set also uses; the evaluation set is never changed to fit.

    python -m devtools.drop_eval_overlap            # report and rewrite the YAML files
    python -m devtools.drop_eval_overlap --dry-run  # report only
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

from bot.config import PROJECT_ROOT
from tests.eval.overlap import normalise, sentences

_ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")


def evaluation_index(eval_dir: Path) -> set[str]:
    index: set[str] = set()
    for path in sorted(eval_dir.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                text = json.loads(line)["text"]
                index.add(normalise(text))
                index.update(s for s in sentences(text) if len(s.split()) >= 3)
    return index


def shares_a_sentence(example: str, index: set[str]) -> bool:
    plain = _ANNOTATION.sub(r"\1", example)
    return normalise(plain) in index or any(
        len(s.split()) >= 3 and s in index for s in sentences(plain))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=PROJECT_ROOT / "data")
    parser.add_argument("--eval", type=Path, default=PROJECT_ROOT / "tests" / "eval")
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args(argv)
    index = evaluation_index(args.eval)
    removed = 0
    for path in sorted(args.data.rglob("*.yml")):
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        kept = []
        for line in lines:
            stripped = line.strip()
            if stripped.startswith("- ") and shares_a_sentence(stripped[2:], index):
                print(f"{path.relative_to(args.data)}: {stripped[2:]}")
                removed += 1
                continue
            kept.append(line)
        if len(kept) != len(lines) and not args.dry_run:
            path.write_text("".join(kept), encoding="utf-8")
    print(f"{removed} training examples share a sentence with an evaluation set")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
