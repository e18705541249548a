"""Open every lecture deck in headless Chromium and check what an audience sees.

Not a pytest module (pytest collects ``test_*.py`` only): run it through
``bash scripts/slides_check.sh [SLIDES_DIR]`` (which installs Chromium, its driver and selenium when
they are missing, like ``scripts/browser_check.sh``), or directly:

    python tests/slides_check.py [SLIDES_DIR] [--screenshots DIR] [--no-pdf]

It serves ``SLIDES_DIR`` (default ``_build/slides``, made by ``scripts/build_slides.sh``) on
127.0.0.1, opens ``index.html`` and each ``lecture-K.html`` with Selenium (the same browser, driver
and JavaScript-error hook as ``tests/browser_check.py``) and checks that

* the index links to every deck, every link resolves, and it shows no raw TeX;
* each deck starts (reveal.js ready) and has at least ``--min-slides`` slides (default 8);
* MathJax rendered every math element (each ``.math`` holds an ``mjx-container``, no
  ``mjx-merror``, no raw ``$``/``$$``, ``\\(``, ``\\[`` or ``\\begin{`` in the visible text outside
  code and speaker notes), and the deck has rendered math;
* every image (the figures, embedded) loaded;
* the speaker-notes plugin is there;
* no JavaScript error was raised and nothing was requested from outside the site;
* ``lecture-K.pdf`` exists, is a PDF, and has one page per slide (unless ``--no-pdf``).

Slides whose content stays taller than the page at the smallest font are listed (a warning, not a
failure). Screenshots of a slide with display math and of a slide with a figure, for each deck, go
to ``--screenshots`` (default ``SLIDES_DIR/../slides_screenshots``): look at them. Exits 1 with a
summary when a check fails.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from browser_check import (  # noqa: E402  (the book's browser check: same browser, same hooks)
    CHROMEDRIVER,
    CHROMIUM,
    browser_errors,
    make_driver,
    serve,
)

WAIT_READY = """
const done = arguments[arguments.length - 1];
const start = Date.now();
(function poll() {
  if (window.__slidesReady) { done('ready'); return; }
  if (Date.now() - start > 60000) {
    done('timeout: ' + (typeof Reveal === 'undefined' ? 'no reveal.js' :
         (Reveal.isReady() ? 'reveal ready, flag unset' : 'reveal not ready')));
    return;
  }
  setTimeout(poll, 100);
})();
"""

DECK_FACTS = """
const slides = document.querySelector('.reveal .slides');
const mathEls = Array.from(slides.querySelectorAll('.math'));
const unrendered = mathEls.filter(e => !e.querySelector('mjx-container'))
  .map(e => e.textContent.trim().slice(0, 80));
const clone = slides.cloneNode(true);
clone.querySelectorAll('pre, code, script, style, aside.notes, mjx-container, '
  + 'mjx-assistive-mml').forEach(e => e.remove());
const text = clone.textContent;
const raw = [];
for (const pat of ['$$', '$', '\\\\(', '\\\\[', '\\\\begin{']) {
  const i = text.indexOf(pat);
  if (i >= 0) raw.push(JSON.stringify(text.slice(Math.max(0, i - 40), i + 60)));
}
const leaves = Array.from(slides.querySelectorAll('section'))
  .filter(s => !s.querySelector('section'));
const where = s => { const i = Reveal.getIndices(s); return [i.h, i.v || 0]; };
const withMath = leaves.filter(s => s.querySelector('.math.display mjx-container'));
const withFigure = leaves.filter(s => s.querySelector('.figs img'));
return {
  slides: Reveal.getTotalSlides(),
  leaves: leaves.length,
  math: mathEls.length,
  mjx: slides.querySelectorAll('mjx-container').length,
  merror: Array.from(slides.querySelectorAll('mjx-merror'))
    .map(e => (e.getAttribute('data-mjx-error') || e.textContent).slice(0, 120)),
  unrendered: unrendered,
  raw: raw,
  figures: slides.querySelectorAll('.figs img').length,
  images: Array.from(document.images).map(i => ({src: i.src.slice(0, 60), w: i.naturalWidth,
                                                 complete: i.complete})),
  overflow: leaves.filter(s => s.hasAttribute('data-overflow'))
    .map(s => [where(s), (s.querySelector('h1, h2') || {}).textContent || '?',
               s.getAttribute('data-overflow')]),
  shrunk: leaves.filter(s => s.hasAttribute('data-fit')).length,
  notes: Reveal.hasPlugin('notes'),
  mathSlide: withMath.length ? where(withMath[0]) : null,
  figureSlide: withFigure.length ? where(withFigure[Math.min(1, withFigure.length - 1)]) : null,
  resources: performance.getEntriesByType('resource').map(r => r.name),
  jsErrors: window.__bcErrors || [],
};
"""


def pdf_pages(path: Path) -> int:
    """Page objects of a PDF written by Chromium (uncompressed page tree); no poppler needed."""
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", path.read_bytes()))


def deck_files(root: Path) -> list[str]:
    decks = sorted(root.glob("lecture-*.html"),
                   key=lambda p: int(re.sub(r"\D", "", p.stem) or 0))
    return [p.name for p in decks]


def screenshot_slide(driver, h: int, v: int, target: Path) -> None:
    driver.execute_script(f"Reveal.slide({h}, {v});")
    time.sleep(0.4)
    target.parent.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(target))


def check_deck(driver, base: str, root: Path, page: str, args, shots: Path) -> dict:
    problems: list[str] = []
    warnings: list[str] = []
    driver.get_log("browser")  # drain older entries
    driver.get(urllib.parse.urljoin(base, page))
    state = driver.execute_async_script(WAIT_READY)
    if state != "ready":
        return {"page": page, "slides": 0, "problems": [f"deck did not start: {state}"],
                "warnings": []}
    facts = driver.execute_script(DECK_FACTS)
    if facts["slides"] < args.min_slides:
        problems.append(f"{facts['slides']} slides, fewer than {args.min_slides}")
    if facts["mjx"] == 0:
        problems.append("no rendered math (no mjx-container) in the deck")
    for text in facts["unrendered"][:5]:
        problems.append(f"math not rendered by MathJax: {text!r}")
    for err in facts["merror"][:5]:
        problems.append(f"MathJax error: {err}")
    for snippet in facts["raw"]:
        problems.append(f"raw TeX in the visible text: {snippet}")
    for img in facts["images"]:
        if not img["complete"] or not img["w"]:
            problems.append(f"image did not load: {img['src']}")
    if not facts["notes"]:
        problems.append("the speaker-notes plugin is not loaded")
    for err in facts["jsErrors"]:
        problems.append(f"javascript: {err[:300]}")
    problems.extend(browser_errors(driver))
    own = urllib.parse.urlparse(base).netloc
    for res in sorted({r for r in facts["resources"]
                       if urllib.parse.urlparse(r).scheme in ("http", "https")
                       and urllib.parse.urlparse(r).netloc != own}):
        problems.append(f"requested from outside the site (needs network): {res}")
    for (h, v), title, height in facts["overflow"]:
        warnings.append(f"slide {h + 1}.{v + 1} '{title.strip()[:60]}' is {height} px "
                        "at the smallest font (page: 1280x720): it is cut")

    stem = page[: -len(".html")]
    if facts["mathSlide"]:
        screenshot_slide(driver, *facts["mathSlide"], shots / f"{stem}-math.png")
    else:
        warnings.append("no slide with display math to screenshot")
    if facts["figureSlide"]:
        screenshot_slide(driver, *facts["figureSlide"], shots / f"{stem}-figure.png")
    elif facts["figures"] == 0:
        warnings.append("no figure in the deck")

    if not args.no_pdf:
        pdf = root / f"{stem}.pdf"
        if not pdf.exists() or pdf.read_bytes()[:5] != b"%PDF-":
            problems.append(f"{pdf.name} is missing or not a PDF (scripts/build_slides.sh "
                            "prints it)")
        else:
            pages = pdf_pages(pdf)
            if pages != facts["slides"]:
                problems.append(f"{pdf.name} has {pages} pages for {facts['slides']} slides")
    return {"page": page, "slides": facts["slides"], "math": facts["mjx"],
            "figures": facts["figures"], "shrunk": facts["shrunk"],
            "problems": problems, "warnings": warnings}


def check_index(base: str, decks: list[str], root: Path, no_pdf: bool) -> list[str]:
    problems = []
    with urllib.request.urlopen(urllib.parse.urljoin(base, "index.html"), timeout=20) as resp:
        text = resp.read().decode("utf-8", "replace")
    visible = re.sub(r"<(style|script)[^>]*>.*?</\1>|<code>.*?</code>|<[^>]+>", "", text,
                     flags=re.S)
    for pat in ("$", "\\(", "\\["):
        if pat in visible:
            problems.append(f"raw TeX in index.html: {pat}")
    hrefs = set(re.findall(r'href="([^"#]+)"', text))
    for deck in decks:
        if deck not in hrefs:
            problems.append(f"index.html does not link to {deck}")
    for href in sorted(hrefs):
        if urllib.parse.urlparse(href).scheme:
            continue
        if no_pdf and href.endswith(".pdf"):
            continue
        if not (root / href).is_file():
            problems.append(f"index.html links to {href}, which does not exist")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("slides_dir", nargs="?", default="_build/slides")
    parser.add_argument("--screenshots", default=None)
    parser.add_argument("--min-slides", type=int, default=8)
    parser.add_argument("--min-decks", type=int, default=5)
    parser.add_argument("--no-pdf", action="store_true", help="do not check the PDFs")
    args = parser.parse_args(argv)

    root = Path(args.slides_dir).resolve()
    if not (root / "index.html").exists():
        print(f"slides check: no decks at {root} (run scripts/build_slides.sh)", file=sys.stderr)
        return 2
    for exe in (CHROMIUM, CHROMEDRIVER):
        if not Path(exe).exists():
            print(f"slides check: {exe} is missing (apt-get install chromium chromium-driver)",
                  file=sys.stderr)
            return 2
    shots = Path(args.screenshots) if args.screenshots else root.parent / "slides_screenshots"
    decks = deck_files(root)
    reports = []
    start = time.time()
    profile = tempfile.mkdtemp(prefix="slides-check-profile-")
    try:
        with serve(root) as base:
            print(f"slides check: {len(decks)} decks from {root} served at {base}")
            index_problems = check_index(base, decks, root, args.no_pdf)
            driver = make_driver(profile)
            driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
                "width": 1280, "height": 720, "deviceScaleFactor": 1, "mobile": False})
            try:
                for page in decks:
                    try:
                        rep = check_deck(driver, base, root, page, args, shots)
                    except Exception as exc:  # a deck that breaks the driver is a failure
                        rep = {"page": page, "slides": 0, "warnings": [],
                               "problems": [f"could not check: {exc!r}"[:400]]}
                    reports.append(rep)
                    state = "ok" if not rep["problems"] else f"{len(rep['problems'])} problem(s)"
                    print(f"  {page:18s} slides={rep['slides']:<3d} "
                          f"math={rep.get('math', 0):<4d} figures={rep.get('figures', 0):<3d} "
                          f"shrunk={rep.get('shrunk', 0):<3d} {state}", flush=True)
                    for w in rep["warnings"]:
                        print(f"    warning: {w}")
            finally:
                driver.quit()
    finally:
        shutil.rmtree(profile, ignore_errors=True)

    failed = [r for r in reports if r["problems"]]
    if len(decks) < args.min_decks:
        index_problems.append(f"{len(decks)} decks, fewer than {args.min_decks}")
    shots.mkdir(parents=True, exist_ok=True)
    (shots / "slides_check.json").write_text(json.dumps(
        {"decks": reports, "index": index_problems}, indent=1))
    print()
    print(f"slides check: {len(reports)} decks, {sum(r['slides'] for r in reports)} slides "
          f"in {time.time() - start:.0f} s; screenshots in {shots}")
    if failed or index_problems:
        print(f"SLIDES CHECK FAILED: {len(failed)} of {len(reports)} decks have problems")
        for p in index_problems:
            print(f"- index: {p}")
        for r in failed:
            print(f"- {r['page']}")
            for p in r["problems"][:15]:
                print(f"    {p}")
        return 1
    print("SLIDES CHECK OK: every deck starts, has enough slides, math rendered, figures loaded, "
          "no JavaScript errors, nothing requested from outside the site"
          + ("" if args.no_pdf else ", one PDF page per slide"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
