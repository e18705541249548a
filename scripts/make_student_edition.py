"""Copy the book into a folder with every solution removed (the student edition's source).

``python scripts/make_student_edition.py OUT``: copies ``_config.yml``, ``_toc.yml`` and ``book/``
to ``OUT`` and removes, from notebooks and Markdown pages alike,

* gated solutions: everything from a ```` ```{solution-start} ```` fence to the end of its
  ```` ```{solution-end} ```` fence, across cells (code cells inside are dropped);
* fenced ```` ```{solution} ```` blocks;

then sets ``hide_solutions: true`` for sphinx-exercise in the copied configuration and turns the
Binder and Colab launch buttons off there (they would open the repository's notebooks, solutions
included; students download the edition's own notebooks with the page's download button).
Prints how many solutions it removed and fails if a start has no end. It also writes
``OUT/removed_solutions.json``: the lines of the removed solutions (code lines, and prose lines
without markup) that occur nowhere else in the edition.

``python scripts/make_student_edition.py --check HTML_DIR [OUT]`` reads that file and fails
(exit 1) if any of those lines appears in the visible text of a page of the built edition: a
solution that survived the removal, in whatever markup.
"""

from __future__ import annotations

import html.parser
import json
import os
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
START = re.compile(r"^(`{3,}|:{3,})\{solution-start\}.*?$", re.M)
END = re.compile(r"^(`{3,}|:{3,})\{solution-end\}\s*\n\1[ \t]*$\n?", re.M)
BLOCK = re.compile(r"^(`{3,}|:{3,})\{solution\}.*?\n.*?^\1[ \t]*$\n?", re.M | re.S)
# A removed line is looked for in the built pages when it is this long (shorter lines, such as
# `plt.show()`, are not evidence) ...
MIN_SNIPPET = 30
# ... and, for prose, free of markup that the HTML renders differently.
MARKUP = re.compile(r"[$`{}\[\]*_\\<>|#]")


def strip_text(text: str, inside: bool, removed_parts: list[str] | None = None
               ) -> tuple[str, bool, int]:
    """Remove solutions from one text; ``inside`` carries a gated solution across texts.

    The removed text is appended to ``removed_parts`` when it is given.
    """
    parts = removed_parts if removed_parts is not None else []
    out, removed, pos = [], 0, 0
    while True:
        if inside:
            m = END.search(text, pos)
            if not m:
                parts.append(text[pos:])
                return "".join(out), True, removed
            parts.append(text[pos : m.end()])
            pos, inside = m.end(), False
            continue
        m = START.search(text, pos)
        if not m:
            out.append(text[pos:])
            break
        out.append(text[pos : m.start()])
        pos, inside, removed = m.start(), True, removed + 1
    joined = "".join(out)
    parts.extend(m.group(0) for m in BLOCK.finditer(joined))
    joined, n = BLOCK.subn("", joined)
    return joined, False, removed + n


def strip_notebook(path: Path, removed_parts: list[str] | None = None) -> int:
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells, inside, removed = [], False, 0
    for cell in nb["cells"]:
        src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if cell["cell_type"] == "code":
            if not inside:
                cells.append(cell)
            elif removed_parts is not None:
                removed_parts.append("```python\n" + src + "\n```")
            continue
        text, inside, n = strip_text(src, inside, removed_parts)
        removed += n
        if text.strip():
            cell["source"] = text
            cells.append(cell)
    if inside:
        raise SystemExit(f"{path}: a solution-start without its solution-end")
    nb["cells"] = cells
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return removed


def _normalise(text: str) -> str:
    """Whitespace collapsed, typographic quotes and dashes made plain (Sphinx's smartquotes)."""
    for a, b in (("\u2019", "'"), ("\u2018", "'"), ("\u201c", '"'), ("\u201d", '"'),
                 ("\u2013", "--"), ("\u2014", "---"), ("\u2026", "..."), ("\u00a0", " ")):
        text = text.replace(a, b)
    return re.sub(r"\s+", " ", text).strip()


def solution_snippets(removed_parts: list[str], kept_text: str) -> list[str]:
    """Lines of the removed solutions that would betray one in the built pages."""
    kept = _normalise(kept_text)
    snippets: set[str] = set()
    for part in removed_parts:
        fences: list[tuple[str, bool]] = []  # (fence, holds code) of the open fenced blocks
        for raw in part.splitlines():
            line = raw.strip()
            fence = re.match(r"^(`{3,}|:{3,})(.*)$", line)
            if fence:
                if fences and fence.group(1) == fences[-1][0] and not fence.group(2).strip():
                    fences.pop()
                else:
                    fences.append((fence.group(1), "{" not in fence.group(2)))
                continue
            in_code = bool(fences) and fences[-1][1]
            if len(line) < MIN_SNIPPET or line.startswith("#"):
                continue
            if not in_code and (MARKUP.search(line) or line.startswith(":")):
                continue
            norm = _normalise(line)
            if norm not in kept:
                snippets.add(norm)
    return sorted(snippets)


class _Text(html.parser.HTMLParser):
    """The text of a page as a reader sees it (scripts and styles left out)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def check(html_dir: Path, src: Path) -> int:
    """Exit status 1 if a removed solution's line is in a page of ``html_dir``."""
    snippets = json.loads((src / "removed_solutions.json").read_text(encoding="utf-8"))
    found = []
    pages = sorted(p for p in html_dir.rglob("*.html") if "_static" not in p.parts)
    for page in pages:
        parser = _Text()
        parser.feed(page.read_text(encoding="utf-8", errors="replace"))
        text = _normalise("".join(parser.parts))
        found.extend((page.relative_to(html_dir), s) for s in snippets if s in text)
    for page, snippet in found:
        print(f"  solution text in {page}: {snippet[:100]!r}")
    print(f"student edition check: {len(snippets)} lines of removed solutions looked for in "
          f"{len(pages)} pages, {len(found)} found")
    return 1 if found else 0


def main(out: Path) -> None:
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    for name in ("_config.yml", "_toc.yml"):
        shutil.copy(ROOT / name, out / name)
    shutil.copytree(ROOT / "book", out / "book")
    removed = 0
    removed_parts: list[str] = []
    for path in sorted((out / "book").rglob("*")):
        if path.suffix == ".ipynb":
            removed += strip_notebook(path, removed_parts)
        elif path.suffix == ".md":
            text, inside, n = strip_text(path.read_text(encoding="utf-8"), False, removed_parts)
            if inside:
                raise SystemExit(f"{path}: a solution-start without its solution-end")
            path.write_text(text, encoding="utf-8")
            removed += n
    kept = []
    for path in sorted((out / "book").rglob("*")):
        if path.suffix == ".ipynb":
            nb = json.loads(path.read_text(encoding="utf-8"))
            kept.extend("".join(c["source"]) if isinstance(c["source"], list) else c["source"]
                        for c in nb["cells"])
        elif path.suffix in (".md", ".py"):
            kept.append(path.read_text(encoding="utf-8"))
    snippets = solution_snippets(removed_parts, "\n".join(kept))
    (out / "removed_solutions.json").write_text(json.dumps(snippets, indent=1, ensure_ascii=False),
                                                encoding="utf-8")
    config = (out / "_config.yml").read_text(encoding="utf-8")
    config = config.replace("\n  config:\n", "\n  config:\n    hide_solutions: true\n", 1)
    if os.environ.get("STUDENT_EXECUTE") == "off":  # a structural check without execution (CI)
        config = re.sub(r"execute_notebooks: *\S+", "execute_notebooks: 'off'", config)
    if "hide_solutions: true" not in config:
        raise SystemExit("could not set hide_solutions in the copied _config.yml")
    config = re.sub(
        r'^title: *"?(.*?)"?\s*$', r'title: "\1 (student edition)"', config, count=1, flags=re.M
    )
    config, n_launch = re.subn(
        r"^(\s+)(binderhub_url|colab_url|jupyterhub_url|deepnote_url):.*$", r'\1\2: ""', config,
        flags=re.M,
    )
    if n_launch == 0:
        raise SystemExit("could not turn the launch buttons off in the copied _config.yml")
    (out / "_config.yml").write_text(config, encoding="utf-8")
    print(f"student edition source in {out}: {removed} solutions removed "
          f"({len(snippets)} of their lines kept in removed_solutions.json for the check)")


if __name__ == "__main__":
    args = sys.argv[1:]
    default_src = ROOT / "_build" / "student_src"
    if args[:1] == ["--check"]:
        if len(args) not in (2, 3):
            raise SystemExit("usage: make_student_edition.py --check HTML_DIR [SRC]")
        sys.exit(check(Path(args[1]), Path(args[2]) if len(args) == 3 else default_src))
    main(Path(args[0]) if args else default_src)
