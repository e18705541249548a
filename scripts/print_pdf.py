"""Print one HTML page of the book to PDF with headless Chromium, with nothing cut at the margin.

``python scripts/print_pdf.py HTML_DIR PAGE OUT.pdf`` (called by ``scripts/build_pdf.sh`` on the
single-page build) serves ``HTML_DIR`` on 127.0.0.1, opens ``PAGE`` in Debian's chromium through
chromedriver (the same set-up as ``tests/browser_check.py``), waits for MathJax, and then, with
the print media emulated at the width of the printed column:

1. scales down whole (CSS ``zoom``, through the ``--onestep-print-zoom`` property that the print
   rules read) each display equation that fits when scaled by 0.75 or more, rather than breaking
   it at an arbitrary place;
2. lets the print rules of ``book/_static/onestep.css`` wrap code, tables and the longer
   equations, and scales down each display equation and table that still does not fit: a piece
   that cannot be broken, such as a wide fraction or an ``aligned`` block;
3. counts, like the browser check, the display equations, code blocks and tables still wider
   than the column, lists them, and fails (exit 1) when there are more than ``--max-overflow``
   (default 0), before or after writing the PDF (``--keep-going`` writes it anyway);
4. prints the page with ``Page.printToPDF`` (A4 by default, ``--paper letter``) at ``--scale``
   (default 0.8: the 16 px text of the website prints at 9.6 pt).

Chromium shrinks every page of a printout to fit its widest element: one equation or table wider
than the column would make the whole book smaller, which is a further reason to fit them one by
one and to count what is left.

Prints, for each scaled element, its factor and the TeX or the text it starts with, so that an
equation that is scaled a lot can be broken in the source instead.
"""

from __future__ import annotations

import argparse
import base64
import shutil
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import browser_check as bc  # noqa: E402  (tests/browser_check.py: server, driver, measures)

# Paper sizes in inches and the margin (inches) on every side.
PAPERS = {"a4": (8.27, 11.69), "letter": (8.5, 11.0)}
MARGIN_IN = 0.5
# The smallest factor an element is scaled by; below it, the element is reported as too wide.
MIN_ZOOM = 0.55
# An equation that fits when scaled by this factor or more is scaled whole rather than broken.
MIN_WHOLE = 0.75

# A display equation a little too wide for the column is better scaled down whole than broken
# at an arbitrary place: with wrapping turned off (class onestep-nowrap, see onestep.css), each
# equation that fits when scaled by at least arguments[0] is scaled so (and stays unbroken);
# the others wrap, and FIT scales what is still too wide. Returns how many were scaled whole.
PREFER_SCALING = """
const minWhole = arguments[0];
const eqs = Array.from(document.querySelectorAll('mjx-container[jax="CHTML"][display="true"]'))
  .filter(el => { const r = el.getBoundingClientRect(); return r.width > 0 || r.height > 0; });
eqs.forEach(el => el.classList.add('onestep-nowrap'));
let whole = 0;
for (const el of eqs) {
  const box = el.parentElement;
  const room = box.clientWidth, need = box.scrollWidth;
  if (need <= room + 1) { continue; }
  const zoom = (room - 2) / need;
  if (zoom >= minWhole) {
    el.style.setProperty('--onestep-print-zoom', zoom.toFixed(3));
    whole += 1;
  } else {
    el.classList.remove('onestep-nowrap');
  }
}
return whole;
"""

# Scales each display equation and table that is wider than its box in the current (print)
# layout. arguments[0]: the smallest factor. Returns what it scaled.
FIT = """
const minZoom = arguments[0];
const scaled = [];
const tex = (el) => {
  try {
    const items = window.MathJax.startup.document.getMathItemsWithin(el);
    if (items.length && typeof items[0].math === 'string') { return items[0].math; }
  } catch (e) { /* no MathJax document */ }
  return el.textContent;
};
const article = document.querySelector('article.bd-article') || document.body;
const ar = article.getBoundingClientRect();
const colRight = ar.right - parseFloat(getComputedStyle(article).paddingRight || '0');
const targets = [
  ...Array.from(article.querySelectorAll('mjx-container[jax="CHTML"][display="true"]'))
    .map(e => ['math', e]),
  ...Array.from(article.querySelectorAll('table')).map(e => ['table', e]),
];
for (const [kind, el] of targets) {
  const r = el.getBoundingClientRect();
  if (r.width === 0 && r.height === 0) { continue; }
  // Measured on the box that holds the element (div.math, or the table's container), which is
  // not scaled itself: its scroll width is what the element needs, in page pixels, at the
  // present factor; its width, or the column if it reaches past it, is the room.
  const box = el.parentElement;
  const br = box.getBoundingClientRect();
  const old = parseFloat(el.style.getPropertyValue('--onestep-print-zoom') || '1');
  const room = Math.min(box.clientWidth, colRight - br.left);
  const need = box.scrollWidth;
  if (need <= room + 1 || room <= 0) { continue; }
  const zoom = Math.max(minZoom, old * (room - 2) / need);
  if (zoom >= old) { continue; }
  el.style.setProperty('--onestep-print-zoom', zoom.toFixed(3));
  scaled.push({kind: kind, zoom: Math.round(zoom * 1000) / 1000,
               text: (kind === 'math' ? tex(el) : el.textContent)
                 .replace(/\\s+/g, ' ').trim().slice(0, 100)});
}
return scaled;
"""


def print_page(html_dir: Path, page: str, out: Path, *, paper: str, scale: float,
               max_overflow: int, keep_going: bool) -> int:
    width_in, height_in = PAPERS[paper]
    # The printed column in CSS pixels (96 per inch, divided by the print scale): the layout is
    # emulated at this width.
    column_px = round((width_in - 2 * MARGIN_IN) * 96 / scale)
    page_px = round((height_in - 2 * MARGIN_IN) * 96 / scale)
    profile = tempfile.mkdtemp(prefix="print-pdf-profile-")
    start = time.time()
    try:
        with bc.serve(html_dir) as base:
            driver = bc.make_driver(profile)
            try:
                driver.set_script_timeout(300)
                driver.set_page_load_timeout(300)
                # Printing 200 pages takes minutes on a small machine: Selenium's HTTP requests
                # to chromedriver time out after 120 s by default.
                config = getattr(driver.command_executor, "_client_config", None)
                if config is not None:
                    config.timeout = 1800
                driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
                    "width": column_px, "height": page_px,
                    "deviceScaleFactor": 1, "mobile": False})
                driver.get(urllib.parse.urljoin(base, page))
                state = driver.execute_async_script(bc.WAIT_MATHJAX)
                driver.execute_async_script(bc.WAIT_IMAGES)
                print(f"print_pdf: {page} loaded (MathJax {state}) in {time.time() - start:.0f} s; "
                      f"{paper.upper()} paper at scale {scale:g}, column {column_px} px")
                driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
                driver.execute_async_script(bc.NEXT_FRAMES)
                whole = driver.execute_script(PREFER_SCALING, MIN_WHOLE)
                driver.execute_async_script(bc.NEXT_FRAMES)
                scaled = []
                for _ in range(3):  # a scaled equation may wrap differently: measure again
                    step = driver.execute_script(FIT, MIN_ZOOM)
                    driver.execute_async_script(bc.NEXT_FRAMES)
                    if not step:
                        break
                    scaled.extend(step)
                last = {}
                for item in scaled:
                    last[(item["kind"], item["text"])] = item
                for item in sorted(last.values(), key=lambda i: i["zoom"]):
                    print(f"  scaled {item['kind']} to {item['zoom']:.2f}: {item['text']}")
                result = driver.execute_script(bc.MEASURE_OVERFLOW, 2.0, False)
                found = result["found"]
                print(f"print_pdf: {whole} equations scaled whole (factor >= {MIN_WHOLE}), "
                      f"{len(last)} wrapped equations or tables scaled to fit; "
                      f"{len(found)} element(s) still wider than the printed column "
                      f"(measured: {result['totals']})")
                for item in sorted(found, key=lambda i: -i["over"]):
                    print(f"  {item['kind']} +{item['over']}px ({item['natural']} in "
                          f"{item['avail']}) #{item['section']}: {item['text'][:120]}")
                too_wide = len(found) > max_overflow
                if too_wide and not keep_going:
                    print(f"PRINT CHECK FAILED: {len(found)} element(s) would be cut in the PDF "
                          f"(allowed: --max-overflow {max_overflow})")
                    return 1
                pdf = driver.execute_cdp_cmd("Page.printToPDF", {
                    "paperWidth": width_in, "paperHeight": height_in,
                    "marginTop": MARGIN_IN, "marginBottom": MARGIN_IN,
                    "marginLeft": MARGIN_IN, "marginRight": MARGIN_IN,
                    "printBackground": True, "displayHeaderFooter": False, "scale": scale,
                    "preferCSSPageSize": False, "transferMode": "ReturnAsBase64"})
            finally:
                driver.quit()
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(base64.b64decode(pdf["data"]))
    print(f"print_pdf: wrote {out} in {time.time() - start:.0f} s")
    if too_wide:
        print(f"PRINT CHECK FAILED: {len(found)} element(s) cut in the PDF "
              f"(allowed: --max-overflow {max_overflow})")
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("html_dir", help="the folder to serve (the single-page build)")
    parser.add_argument("page", help="the page to print, relative to HTML_DIR")
    parser.add_argument("out", help="the PDF to write")
    parser.add_argument("--paper", choices=sorted(PAPERS), default="a4",
                        help="paper size (default: %(default)s)")
    parser.add_argument("--scale", type=float, default=0.8,
                        help="print scale, 0.1 to 2 (default: %(default)s)")
    parser.add_argument("--max-overflow", type=int, default=0,
                        help="fail when more elements than this are wider than the printed "
                             "column after scaling (default: %(default)s)")
    parser.add_argument("--keep-going", action="store_true",
                        help="write the PDF even when elements are too wide (still exits 1)")
    args = parser.parse_args(argv)
    html_dir = Path(args.html_dir).resolve()
    if not (html_dir / args.page).is_file():
        print(f"print_pdf: no page {args.page} in {html_dir}", file=sys.stderr)
        return 2
    if args.max_overflow < 0:
        parser.error("--max-overflow must be >= 0")
    if not 0.1 <= args.scale <= 2.0:
        parser.error(f"--scale must be between 0.1 and 2, got {args.scale}")
    return print_page(html_dir, args.page, Path(args.out), paper=args.paper, scale=args.scale,
                      max_overflow=args.max_overflow, keep_going=args.keep_going)


if __name__ == "__main__":
    sys.exit(main())
