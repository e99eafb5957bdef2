"""Web UI benchmark: how soon the first pages are usable in Debian's headless Chromium,
against the same browser loading a bare page from the same server in the same run.

    python bench/ui.py              # 7 rounds on a fresh demo library
    python bench/ui.py --rounds 15 --keep

Each round opens a fresh browser context (no cache, no cookies) and measures, from the
navigation's start:
  baseline   GET /healthz in the browser until its load event (a page of a few bytes)
  sign-in    "/" until the sign-in form's Username field is visible
  home       "/" with a session cookie until the first shelf of the home page is visible
  films      "#/films" with a session cookie until the first film card is visible
It prints the medians, each against the baseline, and the target of the issue: the first
page interactive in under a second on the demo library.
"""

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from playwright.sync_api import Browser, Page, sync_playwright

from report import CHROMIUM, CHROMIUM_ARGS, child_env, cpu_model, say, source_version

TARGET_S = 1.0
READY_TIMEOUT_S = 60.0
PORT = 8497


def parlour(*args: str) -> list[str]:
    return [sys.executable, "-m", "parlour", *args]


def demo(data: Path) -> str:
    """Generate and scan the demo library; the admin password it printed."""
    done = subprocess.run(
        parlour("demo", "--data-dir", str(data), "--no-serve"),
        capture_output=True,
        text=True,
        check=True,
        env=child_env(),
        timeout=600,
    )
    line = next(line for line in done.stdout.splitlines() if "password" in line)
    return line.split("password '", 1)[1].split("'", 1)[0]


def wait_ready(base: str) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise SystemExit("the server did not start")


def timed(page: Page, url: str, ready: Callable[[Page], None]) -> float:
    start = time.perf_counter()
    page.goto(url, wait_until="commit")
    ready(page)
    return time.perf_counter() - start


def session_cookie(base: str, password: str) -> list[dict[str, object]]:
    answer = httpx.post(
        base + "/api/v1/auth/login",
        json={"username": "admin", "password": password, "cookie": True},
        timeout=30,
    )
    answer.raise_for_status()
    return [{"name": name, "value": value, "url": base} for name, value in answer.cookies.items()]


def round_of(browser: Browser, base: str, cookies: list[dict[str, object]]) -> dict[str, float]:
    found: dict[str, float] = {}
    cases: list[tuple[str, str, bool, Callable[[Page], None]]] = [
        ("baseline", "/healthz", False, lambda p: p.wait_for_load_state("load")),
        ("sign-in", "/", False, lambda p: p.get_by_label("Username").wait_for()),
        ("home", "/", True, lambda p: p.locator("section.shelf h2").first.wait_for()),
        ("films", "/#/films", True, lambda p: p.locator("main a.card").first.wait_for()),
    ]
    for name, path, signed_in, ready in cases:
        context = browser.new_context()
        if signed_in:
            context.add_cookies(cookies)  # type: ignore[arg-type]
        page = context.new_page()
        page.set_default_timeout(30_000)
        found[name] = timed(page, base + path, ready)
        context.close()
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} is needed (apt-get install chromium)")
    work = Path(tempfile.mkdtemp(prefix="parlour-ui-bench-"))
    server = None
    try:
        say("generating the demo library")
        password = demo(work / "data")
        base = f"http://127.0.0.1:{PORT}"
        server = subprocess.Popen(
            parlour("serve", "--data-dir", str(work / "data"), "--port", str(PORT)),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=child_env(),
        )
        wait_ready(base)
        cookies = session_cookie(base, password)
        rounds = []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            round_of(browser, base, cookies)  # warm the server, the page cache and Chromium
            for _ in range(args.rounds):
                rounds.append(round_of(browser, base, cookies))
            browser.close()
        medians = {name: statistics.median(r[name] for r in rounds) for name in rounds[0]}
        say(f"source {source_version()}; {cpu_model()}; {args.rounds} rounds, medians")
        baseline = medians["baseline"]
        say(f"baseline (GET /healthz in the browser): {baseline * 1000:.0f} ms")
        for name in ("sign-in", "home", "films"):
            spread = [r[name] for r in rounds]
            verdict = "meets" if medians[name] < TARGET_S else "misses"
            say(
                f"{name:8} {medians[name] * 1000:5.0f} ms"
                f" ({min(spread) * 1000:.0f}-{max(spread) * 1000:.0f})"
                f"  / baseline = {medians[name] / baseline:4.1f}"
                f"  (target < {TARGET_S * 1000:.0f} ms: {verdict})"
            )
        return 0
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        if args.keep:
            say(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
