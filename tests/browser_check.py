"""Open every page of the built book in headless Chromium and check what a reader sees.

Not a pytest module (pytest collects ``test_*.py`` only): run it through
``bash scripts/browser_check.sh [HTML_DIR]``, which installs Debian's ``chromium`` and
``chromium-driver`` and the ``selenium`` package when they are missing, or directly:

    python tests/browser_check.py [HTML_DIR] [--screenshots DIR]

It serves ``HTML_DIR`` (default ``_build/html``) on 127.0.0.1 with ``python -m http.server`` on
a free port, opens each page with Selenium driving ``/usr/bin/chromium`` through
``/usr/bin/chromedriver`` (no browser download, no network), and checks on every page that

* MathJax rendered every math element (each ``.math`` holds an ``mjx-container``, no
  ``mjx-merror``, no raw ``$$``, ``\\(`` or ``\\[`` left in the visible text outside code);
* every ``<img>`` loaded (``naturalWidth > 0``);
* every same-site link resolves (HTTP 200) and its ``#fragment`` exists on the target page;
* notebook pages carry launch buttons (Binder and Colab links to the notebook);
* no JavaScript error was raised (console errors, ``window.onerror``, unhandled rejections),
  and no resource was requested from outside the site (the book must work offline).

Screenshots of the introduction and the feature-learning chapter go to ``--screenshots``
(default ``_build/screenshots``). Exits 1 with a summary when any check fails.
"""

from __future__ import annotations

import argparse
import contextlib
import html.parser
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--no-first-run",
    "--no-default-browser-check",
    "--window-size=1280,1000",
]
SKIP_DIRS = {"_static", "_sources", "_images", "_downloads", "_sphinx_design_static", "reports"}
SCREENSHOTS = {"intro": "book/intro.html", "feature_learning": "book/feature_learning.html"}
# Also saved when the page exists, but not required.
EXTRA_SCREENSHOTS = {"explorer": "book/explorer.html"}
# Launch links are external by design: never fetched, only checked for presence.
LAUNCH_HOSTS = ("mybinder.org", "colab.research.google.com")

# Runs before any page script: collects uncaught errors and unhandled promise rejections.
ERROR_HOOK = """
window.__bcErrors = [];
window.addEventListener('error', function (e) {
  if (e && e.message) { window.__bcErrors.push('uncaught: ' + e.message + ' at ' +
      (e.filename || '?') + ':' + (e.lineno || '?')); }
  else if (e && e.target && (e.target.src || e.target.href)) {
      window.__bcErrors.push('resource failed: ' + (e.target.src || e.target.href)); }
}, true);
window.addEventListener('unhandledrejection', function (e) {
  window.__bcErrors.push('unhandled rejection: ' + (e.reason && (e.reason.stack || e.reason)));
});
"""

# Waits for MathJax 3 to finish typesetting (resolves immediately on pages without MathJax).
WAIT_MATHJAX = """
const done = arguments[arguments.length - 1];
const start = Date.now();
const hasScript = !!document.querySelector('script[src*="mathjax" i], script[src*="tex-"]');
(function poll() {
  const mj = window.MathJax;
  if (!hasScript && !(mj && mj.startup)) { done('absent'); return; }
  if (mj && mj.startup && mj.startup.promise) {
    mj.startup.promise.then(() => done('ready')).catch(e => done('error: ' + e));
  } else if (Date.now() - start > 15000) {
    done(mj ? 'no-startup' : 'absent');
  } else { setTimeout(poll, 100); }
})();
"""

PAGE_FACTS = """
const mathEls = Array.from(document.querySelectorAll('.math, span.math, div.math'));
const unrendered = mathEls.filter(e => !e.querySelector('mjx-container'))
  .map(e => e.textContent.trim().slice(0, 80));
const clone = document.body.cloneNode(true);
clone.querySelectorAll('pre, code, script, style, .highlight, textarea, mjx-container, '
  + 'mjx-assistive-mml').forEach(e => e.remove());
const text = clone.textContent;
const raw = [];
for (const pat of ['$$', '\\\\(', '\\\\[', '\\\\begin{']) {
  const i = text.indexOf(pat);
  if (i >= 0) raw.push(JSON.stringify(text.slice(Math.max(0, i - 40), i + 60)));
}
const links = Array.from(document.querySelectorAll('a[href]')).map(a => a.href);
const launch = Array.from(document.querySelectorAll('a[href]')).map(a => a.href)
  .filter(h => h.includes('mybinder.org') || h.includes('colab.research.google.com'));
const resources = performance.getEntriesByType('resource').map(r => r.name);
return {
  title: document.title,
  math: mathEls.length,
  mjx: document.querySelectorAll('mjx-container').length,
  merror: Array.from(document.querySelectorAll('mjx-merror'))
    .map(e => (e.getAttribute('data-mjx-error') || e.textContent).slice(0, 120)),
  unrendered: unrendered,
  raw: raw,
  links: links,
  launch: launch,
  resources: resources,
  jsErrors: window.__bcErrors || [],
  mathjax: typeof window.MathJax === 'object' && !!(window.MathJax.version),
};
"""

WAIT_IMAGES = """
const done = arguments[arguments.length - 1];
const imgs = Array.from(document.images);
imgs.forEach(i => { if (i.loading === 'lazy') { i.loading = 'eager'; } });
const start = Date.now();
(function poll() {
  const pending = imgs.filter(i => !i.complete);
  if (pending.length === 0 || Date.now() - start > 10000) {
    done(imgs.map(i => ({src: i.currentSrc || i.src, w: i.naturalWidth,
                          complete: i.complete})));
  } else { setTimeout(poll, 100); }
})();
"""


@dataclass
class PageReport:
    path: str
    problems: list[str] = field(default_factory=list)
    math: int = 0
    images: int = 0
    links: int = 0
    launch: int = 0
    notebook: bool = False

    def line(self) -> str:
        kind = "notebook" if self.notebook else "page"
        state = "ok" if not self.problems else f"{len(self.problems)} problem(s)"
        return (f"{self.path:45s} {kind:8s} math={self.math:<4d} img={self.images:<3d} "
                f"links={self.links:<4d} launch={self.launch:<2d} {state}")


class _Ids(html.parser.HTMLParser):
    """Collects every id (and legacy <a name>) of a page, for #fragment checks."""

    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for key, value in attrs:
            if value and (key == "id" or (tag == "a" and key == "name")):
                self.ids.add(value)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve(root: Path):
    """``python -m http.server`` on 127.0.0.1 and a free port, stopped on exit."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
         "--directory", str(root)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(base, timeout=1):
                    break
            except (urllib.error.URLError, ConnectionError, OSError):
                if proc.poll() is not None:
                    raise RuntimeError("http.server exited before serving") from None
                time.sleep(0.1)
        else:
            raise RuntimeError(f"http.server did not answer on {base}")
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()


def make_driver(profile: str):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(30)
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": ERROR_HOOK})
    return driver


def html_pages(root: Path) -> list[str]:
    pages = []
    for path in sorted(root.rglob("*.html")):
        rel = path.relative_to(root)
        if rel.parts[0] in SKIP_DIRS:
            continue
        pages.append(rel.as_posix())
    return pages


def is_notebook_page(root: Path, page: str) -> bool:
    stem = page[: -len(".html")]
    return any((root / "_sources" / f"{stem}{ext}").exists() for ext in (".ipynb", ".ipynb.txt"))


class LinkChecker:
    """Fetches each same-site URL once; remembers the status and the ids of HTML pages."""

    def __init__(self, base: str):
        self.base = base
        self.cache: dict[str, tuple[int, set[str] | None]] = {}

    def fetch(self, url: str) -> tuple[int, set[str] | None]:
        if url not in self.cache:
            try:
                with urllib.request.urlopen(url, timeout=20) as resp:
                    status = resp.status
                    body = resp.read()
                    ctype = resp.headers.get("Content-Type", "")
            except urllib.error.HTTPError as exc:
                self.cache[url] = (exc.code, None)
                return self.cache[url]
            except (urllib.error.URLError, OSError) as exc:
                self.cache[url] = (-1, None)
                print(f"  fetch error {url}: {exc}", file=sys.stderr)
                return self.cache[url]
            ids = None
            if "html" in ctype:
                parser = _Ids()
                parser.feed(body.decode("utf-8", "replace"))
                ids = parser.ids
            self.cache[url] = (status, ids)
        return self.cache[url]

    def check(self, href: str) -> str | None:
        """A problem description for a same-site ``href``, or None if it resolves."""
        url, _, frag = href.partition("#")
        status, ids = self.fetch(url)
        if status != 200:
            return f"link {href} -> HTTP {status}"
        frag = urllib.parse.unquote(frag)
        if frag and ids is not None and frag not in ids:
            return f"link {href} -> no element with id '{frag}'"
        return None


def browser_errors(driver) -> list[str]:
    errors = []
    try:
        entries = driver.get_log("browser")
    except Exception:  # some drivers do not expose logs
        entries = []
    for entry in entries:
        if entry.get("level") != "SEVERE":
            continue
        message = entry.get("message", "")
        if any(host in message for host in LAUNCH_HOSTS):
            continue
        # The browser asks every site for /favicon.ico by itself; the book has none.
        if "/favicon.ico" in message:
            continue
        # pydata-sphinx-theme logs this with console.error on a first visit (empty storage).
        if "Got invalid theme mode" in message:
            continue
        errors.append(f"console: {message[:300]}")
    return errors


def check_page(driver, base: str, root: Path, page: str, links: LinkChecker,
               shots: Path) -> PageReport:
    report = PageReport(page, notebook=is_notebook_page(root, page))
    url = urllib.parse.urljoin(base, page)
    driver.get_log("browser") if hasattr(driver, "get_log") else None  # drain older entries
    driver.get(url)
    mathjax_state = driver.execute_async_script(WAIT_MATHJAX)
    images = driver.execute_async_script(WAIT_IMAGES)
    facts = driver.execute_script(PAGE_FACTS)

    report.math = facts["math"]
    if facts["math"] and mathjax_state != "ready":
        report.problems.append(f"page has {facts['math']} math element(s) but MathJax is "
                               f"{mathjax_state}")
    for text in facts["unrendered"][:5]:
        report.problems.append(f"math not rendered by MathJax: {text!r}")
    if len(facts["unrendered"]) > 5:
        report.problems.append(f"... {len(facts['unrendered']) - 5} more unrendered math")
    for err in facts["merror"][:5]:
        report.problems.append(f"MathJax error: {err}")
    for snippet in facts["raw"]:
        report.problems.append(f"raw TeX in the visible text: {snippet}")

    report.images = len(images)
    for img in images:
        if not img["complete"] or not img["w"]:
            report.problems.append(f"image did not load: {img['src']}")

    own = urllib.parse.urlparse(base).netloc
    same_site = set()
    for href in facts["links"]:
        parsed = urllib.parse.urlparse(href)
        if parsed.scheme in ("http", "https") and parsed.netloc == own:
            same_site.add(href)
    report.links = len(same_site)
    for href in sorted(same_site):
        problem = links.check(href)
        if problem:
            report.problems.append(problem)

    report.launch = len(facts["launch"])
    if report.notebook:
        stem = page[: -len(".html")]
        for host in LAUNCH_HOSTS:
            hits = [h for h in facts["launch"] if host in h]
            if not hits:
                report.problems.append(f"no launch link to {host} on a notebook page")
            elif not any(stem in h for h in hits):
                report.problems.append(f"launch link to {host} does not point at {stem}: "
                                       f"{hits[0]}")

    for err in facts["jsErrors"]:
        report.problems.append(f"javascript: {err[:300]}")
    report.problems.extend(browser_errors(driver))

    outside = sorted({r for r in facts["resources"]
                      if urllib.parse.urlparse(r).scheme in ("http", "https")
                      and urllib.parse.urlparse(r).netloc != own})
    for res in outside:
        report.problems.append(f"requested from outside the site (needs network): {res}")

    for name, target in {**SCREENSHOTS, **EXTRA_SCREENSHOTS}.items():
        if page == target:
            shots.mkdir(parents=True, exist_ok=True)
            driver.save_screenshot(str(shots / f"{name}.png"))
            full = full_page_png(driver)
            if full is not None:
                (shots / f"{name}_full.png").write_bytes(full)
    return report


def full_page_png(driver, max_height: int = 8000) -> bytes | None:
    """A screenshot of the whole page (up to ``max_height`` CSS pixels) through CDP."""
    import base64

    try:
        metrics = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
        size = metrics.get("cssContentSize") or metrics["contentSize"]
        width = int(size["width"])
        height = min(int(size["height"]), max_height)
        shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1},
        })
        return base64.b64decode(shot["data"])
    except Exception as exc:  # a screenshot is a convenience, not a check
        print(f"  full-page screenshot failed: {exc}", file=sys.stderr)
        return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("html_dir", nargs="?", default="_build/html",
                        help="the built site (default: _build/html)")
    parser.add_argument("--screenshots", default=None,
                        help="where to save screenshots (default: HTML_DIR/../screenshots)")
    parser.add_argument("--pages", nargs="*", default=None,
                        help="only these pages (paths relative to HTML_DIR)")
    args = parser.parse_args(argv)

    root = Path(args.html_dir).resolve()
    if not (root / "index.html").exists():
        print(f"browser check: no built site at {root} (build the book first)", file=sys.stderr)
        return 2
    shots = Path(args.screenshots) if args.screenshots else root.parent / "screenshots"
    for exe in (CHROMIUM, CHROMEDRIVER):
        if not Path(exe).exists():
            print(f"browser check: {exe} is missing (apt-get install chromium chromium-driver)",
                  file=sys.stderr)
            return 2

    pages = args.pages or html_pages(root)
    reports: list[PageReport] = []
    profile = tempfile.mkdtemp(prefix="browser-check-profile-")
    start = time.time()
    try:
        with serve(root) as base:
            print(f"browser check: {len(pages)} pages from {root} served at {base}")
            links = LinkChecker(base)
            driver = make_driver(profile)
            try:
                for page in pages:
                    try:
                        report = check_page(driver, base, root, page, links, shots)
                    except Exception as exc:  # a page that breaks the driver is a failure
                        report = PageReport(page, problems=[f"could not check: {exc!r}"[:400]])
                    reports.append(report)
                    print("  " + report.line(), flush=True)
            finally:
                driver.quit()
    finally:
        shutil.rmtree(profile, ignore_errors=True)

    missing_shots = [n for n, p in SCREENSHOTS.items() if not (shots / f"{n}.png").exists()]
    failed = [r for r in reports if r.problems]
    print()
    print(f"browser check: {len(reports)} pages in {time.time() - start:.0f} s; "
          f"{sum(r.math for r in reports)} math elements, "
          f"{sum(r.images for r in reports)} images, "
          f"{len(links.cache)} distinct same-site URLs, "
          f"{sum(r.notebook for r in reports)} notebook pages with launch links checked")
    if missing_shots:
        print(f"screenshots missing (page not built?): {missing_shots}")
    else:
        print(f"screenshots: {', '.join(str(shots / (n + '.png')) for n in SCREENSHOTS)}")
    summary = {"pages": len(reports), "failed": len(failed),
               "problems": {r.path: r.problems for r in failed}}
    shots.mkdir(parents=True, exist_ok=True)
    (shots / "browser_check.json").write_text(json.dumps(summary, indent=1))
    if failed or missing_shots:
        print(f"BROWSER CHECK FAILED: {len(failed)} of {len(reports)} pages have problems")
        for r in failed:
            print(f"- {r.path}")
            for problem in r.problems[:15]:
                print(f"    {problem}")
            if len(r.problems) > 15:
                print(f"    ... and {len(r.problems) - 15} more")
        return 1
    print("BROWSER CHECK OK: math rendered, images loaded, links resolve, launch links present, "
          "no JavaScript errors, nothing requested from outside the site")
    return 0


if __name__ == "__main__":
    sys.exit(main())
