"""Shared by the browser tests: start the console for real, launch chromium, run axe-core.

The console runs as `python -m bot.console` (waitress) in a subprocess, exactly as `make run`
starts it; chromium is Debian's /usr/bin/chromium driven by Playwright for Python.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
AXE_SOURCE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = PROJECT_ROOT / "docs" / "screenshots"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def missing_prerequisites() -> str | None:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} missing (apt-get install -y chromium)"
    if not AXE_SOURCE.exists():
        return "node_modules missing (npm ci)"
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=1).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up within {timeout:g}s")


@contextmanager
def running_console(env: dict[str, str], log_path: Path) -> Iterator[str]:
    """`python -m bot.console` on a free port with `env` on top of os.environ; yields its URL."""
    port = free_port()
    full_env = {**os.environ, **env, "CONSOLE_HOST": "127.0.0.1", "CONSOLE_PORT": str(port)}
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot.console"], cwd=PROJECT_ROOT, env=full_env,
            stdout=log, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        try:
            wait_for(f"{url}/healthz")
        except RuntimeError as error:
            raise RuntimeError(f"{error}\n{log_path.read_text()}") from error
        yield url
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


def axe_violations(page: Any, serious_only: bool = True) -> list[dict[str, Any]]:
    """Run axe-core in the page. Injected over the DevTools protocol, so the page's CSP stays
    on (an inline <script> would be blocked, which is the point of the CSP)."""
    page.evaluate(AXE_SOURCE.read_text(encoding="utf-8") + "\n;undefined")
    violations = page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ')),
            }));
        }""",
        AXE_TAGS,
    )
    if serious_only:
        return [v for v in violations if v["impact"] in ("serious", "critical")]
    return violations


CSP_RECORDER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI);
});
"""


def focus_ring(page: Any) -> dict[str, str]:
    """The computed focus styles of whatever has focus now."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            const style = getComputedStyle(el);
            return {id: el.id, tag: el.tagName, text: (el.textContent || '').trim(),
                    outlineStyle: style.outlineStyle, outlineWidth: style.outlineWidth,
                    outlineColor: style.outlineColor,
                    boxShadow: style.boxShadow, background: style.backgroundColor};
        }"""
    )


def tab_until(page: Any, predicate: str, limit: int = 60) -> dict[str, str]:
    """Press Tab until `predicate` (JS taking the active element) is true; keyboard only."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(el => {predicate})(document.activeElement)"):
            return focus_ring(page)
    raise AssertionError(f"never reached an element where {predicate}")


def assert_focus_visible(ring: dict[str, str]) -> None:
    has_outline = (
        ring["outlineStyle"] not in ("none", "")
        and ring["outlineWidth"] not in ("0px", "")
        and ring["outlineColor"] not in ("transparent", "rgba(0, 0, 0, 0)")
    )
    has_ring = "255, 221, 0" in ring["boxShadow"] or "255, 221, 0" in ring["background"]
    assert has_outline or has_ring, f"no visible focus indicator: {ring}"
