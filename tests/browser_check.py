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
* what the reader sees is the book, not its scaffolding: no unparsed directive (```` ```{ ````,
  ``:::{``, ``:label:``) in the visible text, no ``assert`` line or nbval marker in a visible
  code cell (check cells are tagged ``remove-cell``), no repr of a matplotlib object
  (``Text(...)``, ``<matplotlib...>``) printed under a figure.

and measures, at viewport widths of 1280 and 900 CSS pixels (``--widths``), the elements that
are wider than their column: display equations (``mjx-container[display="true"]`` and the
``div.math`` around it), code blocks and outputs (every ``pre``) and tables. An element counts when
its scroll width exceeds its width, or its right edge passes the text column's, by more than
``--overflow-tolerance`` pixels (default 2); ``<details>`` and toggled blocks are opened first so
that hidden code is measured too. It prints a table of these counts per page and width and the
worst offenders (page, section, notebook cell, overflow in pixels and the line or the TeX), and
fails when more than ``--max-overflow`` distinct elements (default 0) overflow at any width.

Screenshots of the introduction, the feature-learning chapter and a few other pages, at both
widths, go to ``--screenshots`` (default ``_build/screenshots``): ``NAME.png`` (1280 px, before
any toggle is opened), ``NAME_900.png``, and full-page versions ``NAME_full.png`` and
``NAME_900_full.png``. Exits 1 with a summary when any check fails.
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
EXTRA_SCREENSHOTS = {
    "explorer": "book/explorer.html",
    "gaussian_universality": "book/gaussian_universality.html",
    "appendix_marchenko_pastur": "book/appendix_marchenko_pastur.html",
    "kernel_regime": "book/kernel_regime.html",
}
# Viewport widths (CSS pixels) at which elements wider than their column are counted: a laptop
# with both sidebars shown, and a narrow window where the theme hides the left sidebar.
OVERFLOW_WIDTHS = (1280, 900)
VIEWPORT_HEIGHT = 1000
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
// a directive MyST did not parse shows up as its source text
const directives = [];
for (const pat of ['```{', ':::{', ':label: ']) {
  const i = text.indexOf(pat);
  if (i >= 0) directives.push(JSON.stringify(text.slice(Math.max(0, i - 40), i + 60)));
}
// test scaffolding in the code a reader sees (check cells are tagged remove-cell)
const scaffolding = Array.from(document.querySelectorAll('.cell_input pre'))
  .flatMap(e => e.textContent.split('\\n'))
  .filter(l => /^\\s*assert\\b/.test(l) || l.includes('NBVAL'))
  .map(l => l.trim().slice(0, 80));
// the repr of a matplotlib object printed under a figure (a cell that ends in a plotting call)
const reprs = Array.from(document.querySelectorAll('.cell_output pre'))
  .map(e => e.textContent.trim())
  .filter(t => /^(\\[?<matplotlib\\.|Text\\(|\\[<matplotlib)/.test(t))
  .map(t => t.slice(0, 80));
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
  directives: directives,
  scaffolding: scaffolding,
  reprs: reprs,
  links: links,
  launch: launch,
  resources: resources,
  jsErrors: window.__bcErrors || [],
  mathjax: typeof window.MathJax === 'object' && !!(window.MathJax.version),
};
"""

# Elements wider than the text column. arguments[0]: tolerance in pixels; arguments[1] (default
# true): open <details> and toggled blocks first (a reader who opens them must not find a
# scrolling block either; scripts/print_pdf.py measures the printed page as it is).
# For each display equation, code block (every <pre>) and table: the overflow is the largest of
# scrollWidth - clientWidth of the element (and of the box that holds it) and of how far its
# right edge passes the right edge of the text column (article.bd-article less its padding).
MEASURE_OVERFLOW = """
const tol = arguments[0];
if (arguments.length < 2 || arguments[1]) {
  document.querySelectorAll('details').forEach(d => { d.open = true; });
  document.querySelectorAll('.toggle-hidden').forEach(e => e.classList.remove('toggle-hidden'));
}
const article = document.querySelector('article.bd-article')
  || document.querySelector('[role="main"]') || document.body;
const ar = article.getBoundingClientRect();
const colRight = ar.right - parseFloat(getComputedStyle(article).paddingRight || '0');
const cells = Array.from(document.querySelectorAll('.cell'));
const tex = (el) => {
  try {
    const items = window.MathJax.startup.document.getMathItemsWithin(el);
    if (items.length && typeof items[0].math === 'string') { return items[0].math; }
  } catch (e) { /* no MathJax document: fall back to the text */ }
  return el.textContent;
};
const longestLine = (el) => el.textContent.split('\\n')
  .reduce((a, b) => (b.length > a.length ? b : a), '');
const found = [];
const totals = {math: 0, code: 0, table: 0};
function measure(kind, index, el, boxes, text, chars) {
  const r = el.getBoundingClientRect();
  if (r.width === 0 && r.height === 0) { return; }  // not rendered (display: none)
  let over = 0, natural = 0, avail = 0;
  for (const b of boxes) {
    if (!b) { continue; }
    const o = b.scrollWidth - b.clientWidth;
    if (o > over) { over = o; natural = b.scrollWidth; avail = b.clientWidth; }
  }
  const past = r.right - colRight;
  if (past > over) { over = past; natural = r.width; avail = r.width - past; }
  if (over > tol) {
    // the nearest labelled thing: an equation label, a theorem or exercise, else the section
    const sec = el.closest('div.math[id], div.proof[id], div.admonition[id], '
      + 'section[id]:not(#proof-content):not(#solution-content):not(#exercise-content)');
    const cell = el.closest('.cell');
    found.push({kind: kind, index: index, over: Math.round(over), natural: Math.round(natural),
                avail: Math.round(avail), section: sec ? sec.id : '',
                cell: cell ? cells.indexOf(cell) : -1,
                cellStart: cell && cell.querySelector('.cell_input pre')
                  ? cell.querySelector('.cell_input pre').textContent.trim().split('\\n')[0]
                    .slice(0, 60) : '',
                chars: chars ? chars() : 0,
                part: el.closest('.cell_output') ? 'output'
                  : (el.closest('.cell_input') ? 'input' : ''),
                text: text().replace(/\\s+/g, ' ').trim().slice(0, 160)});
  }
}
article.querySelectorAll('mjx-container[display="true"]').forEach((el, i) => {
  totals.math += 1;
  measure('math', i, el, [el, el.parentElement], () => tex(el));
});
Array.from(article.querySelectorAll('pre')).filter(el => !el.closest('mjx-container'))
  .forEach((el, i) => {
    totals.code += 1;
    measure('code', i, el, [el, el.parentElement], () => longestLine(el),
            () => longestLine(el).length);
  });
article.querySelectorAll('table').forEach((el, i) => {
  totals.table += 1;
  measure('table', i, el, [el, el.parentElement], () => el.textContent);
});
return {found: found, totals: totals, column: Math.round(colRight - ar.left),
        viewport: window.innerWidth};
"""

# Resolves after two animation frames (the layout after a viewport change has been computed).
NEXT_FRAMES = """
const done = arguments[arguments.length - 1];
requestAnimationFrame(() => requestAnimationFrame(() => done(window.innerWidth)));
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
    # width -> the elements wider than their column at that viewport width (MEASURE_OVERFLOW)
    overflow: dict[int, list[dict]] = field(default_factory=dict)
    # width -> how many display equations, code blocks and tables were measured
    measured: dict[int, dict[str, int]] = field(default_factory=dict)

    def overflow_count(self, width: int, kind: str) -> int:
        return sum(1 for item in self.overflow.get(width, []) if item["kind"] == kind)

    def overflowing(self) -> set[tuple[str, int]]:
        """The distinct elements (kind, index on the page) that overflow at some width."""
        return {(i["kind"], i["index"]) for items in self.overflow.values() for i in items}

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


def set_viewport(driver, width: int) -> None:
    """Make the page's viewport exactly ``width`` CSS pixels wide (scrollbar included)."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": VIEWPORT_HEIGHT, "deviceScaleFactor": 1, "mobile": False})
    driver.execute_async_script(NEXT_FRAMES)


def check_page(driver, base: str, root: Path, page: str, links: LinkChecker,
               shots: Path, widths: tuple[int, ...] = OVERFLOW_WIDTHS,
               tolerance: float = 2.0) -> PageReport:
    report = PageReport(page, notebook=is_notebook_page(root, page))
    url = urllib.parse.urljoin(base, page)
    driver.get_log("browser") if hasattr(driver, "get_log") else None  # drain older entries
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": widths[0] if widths else 1280, "height": VIEWPORT_HEIGHT,
        "deviceScaleFactor": 1, "mobile": False})
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
    for snippet in facts["directives"]:
        report.problems.append(f"unparsed directive in the visible text: {snippet}")
    for line in facts["scaffolding"]:
        report.problems.append(f"test scaffolding in a visible code cell: {line}")
    for text in facts["reprs"]:
        report.problems.append(f"a matplotlib object's repr printed as output: {text}")

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

    shot_name = next((n for n, t in {**SCREENSHOTS, **EXTRA_SCREENSHOTS}.items() if t == page),
                     None)
    if shot_name:
        save_screenshots(driver, shots, shot_name)
    for k, width in enumerate(widths):
        set_viewport(driver, width)
        result = driver.execute_script(MEASURE_OVERFLOW, tolerance)
        report.overflow[width] = result["found"]
        report.measured[width] = result["totals"]
        if shot_name and k > 0:
            save_screenshots(driver, shots, f"{shot_name}_{width}")
    return report


def save_screenshots(driver, shots: Path, name: str) -> None:
    """The viewport (``NAME.png``) and the whole page (``NAME_full.png``)."""
    shots.mkdir(parents=True, exist_ok=True)
    driver.execute_script("window.scrollTo(0, 0);")
    driver.save_screenshot(str(shots / f"{name}.png"))
    full = full_page_png(driver)
    if full is not None:
        (shots / f"{name}_full.png").write_bytes(full)


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
    parser.add_argument("--widths", default=",".join(map(str, OVERFLOW_WIDTHS)),
                        help="viewport widths in CSS pixels at which overflowing elements are "
                             "counted, comma-separated (default: %(default)s)")
    parser.add_argument("--max-overflow", type=int, default=0,
                        help="fail when more than this many distinct display equations, code "
                             "blocks and tables are wider than their column at some width "
                             "(default: %(default)s)")
    parser.add_argument("--overflow-tolerance", type=float, default=2.0,
                        help="pixels by which an element may exceed its column before it counts "
                             "(default: %(default)s)")
    parser.add_argument("--show-overflow", type=int, default=40,
                        help="how many of the widest offenders to print (default: %(default)s)")
    args = parser.parse_args(argv)
    try:
        widths = tuple(int(w) for w in args.widths.split(",") if w.strip())
    except ValueError:
        parser.error(f"--widths: comma-separated integers expected, got {args.widths!r}")
    if not widths or min(widths) < 200:
        parser.error(f"--widths: widths of at least 200 px expected, got {args.widths!r}")
    if args.max_overflow < 0:
        parser.error("--max-overflow must be >= 0")

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
                        report = check_page(driver, base, root, page, links, shots,
                                            widths=widths, tolerance=args.overflow_tolerance)
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
    overflowing = print_overflow(reports, widths, args.overflow_tolerance, args.show_overflow)
    summary = {"pages": len(reports), "failed": len(failed),
               "problems": {r.path: r.problems for r in failed},
               "overflow": {r.path: {str(w): items for w, items in r.overflow.items()}
                            for r in reports if r.overflowing()},
               "overflowing_elements": overflowing}
    shots.mkdir(parents=True, exist_ok=True)
    (shots / "browser_check.json").write_text(json.dumps(summary, indent=1))
    too_wide = overflowing > args.max_overflow
    if too_wide:
        print(f"OVERFLOW CHECK FAILED: {overflowing} display equations, code blocks or tables "
              f"are wider than their column (allowed: --max-overflow {args.max_overflow})")
    if failed or missing_shots or too_wide:
        print(f"BROWSER CHECK FAILED: {len(failed)} of {len(reports)} pages have problems")
        for r in failed:
            print(f"- {r.path}")
            for problem in r.problems[:15]:
                print(f"    {problem}")
            if len(r.problems) > 15:
                print(f"    ... and {len(r.problems) - 15} more")
        return 1
    print("BROWSER CHECK OK: math rendered, images loaded, links resolve, launch links present, "
          "no JavaScript errors, nothing requested from outside the site, "
          f"{overflowing} element(s) wider than their column (allowed: {args.max_overflow})")
    return 0


def print_overflow(reports: list[PageReport], widths: tuple[int, ...], tolerance: float,
                   show: int) -> int:
    """Print the per-page overflow table and the widest offenders; return the distinct count."""
    kinds = ("math", "code", "table")
    print()
    print(f"elements wider than their column (by more than {tolerance:g} px), per page and "
          "viewport width:")
    head = "".join(f" | {w:>4d} px: math code table" for w in widths)
    print(f"  {'page':45s}{head}")
    totals = {(w, k): 0 for w in widths for k in kinds}
    for r in reports:
        if not r.measured:
            continue
        row = ""
        for w in widths:
            counts = [r.overflow_count(w, k) for k in kinds]
            for k, c in zip(kinds, counts, strict=True):
                totals[(w, k)] += c
            row += f" | {'':8s}{counts[0]:4d} {counts[1]:4d} {counts[2]:5d}"
        print(f"  {r.path:45s}{row}")
    row = "".join(f" | {'':8s}{totals[(w, 'math')]:4d} {totals[(w, 'code')]:4d} "
                  f"{totals[(w, 'table')]:5d}" for w in widths)
    print(f"  {'total':45s}{row}")
    measured = {k: sum(r.measured.get(widths[0], {}).get(k, 0) for r in reports) for k in kinds}
    print(f"  (measured: {measured['math']} display equations, {measured['code']} code blocks "
          f"and outputs, {measured['table']} tables)")
    offenders = [(item["over"], r.path, w, item) for r in reports
                 for w, items in r.overflow.items() for item in items]
    offenders.sort(key=lambda o: (-o[0], o[1], o[2]))
    if offenders:
        print(f"widest offenders ({min(show, len(offenders))} of {len(offenders)}):")
        for over, path, w, item in offenders[:show]:
            where = f"#{item['section']}" if item["section"] else ""
            cell = f" cell {item['cell']} ({item['cellStart']!r})" if item["cell"] >= 0 else ""
            chars = f", a {item['chars']}-character line" if item.get("chars") else ""
            kind = f"{item['kind']} {item['part']}" if item.get("part") else item["kind"]
            print(f"  {path}{where}{cell} @{w}px {kind} +{over}px "
                  f"({item['natural']} px in {item['avail']}{chars}): {item['text'][:120]}")
    return sum(len(r.overflowing()) for r in reports)


if __name__ == "__main__":
    sys.exit(main())
