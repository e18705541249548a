"""Copy the book into a folder with every solution removed (the student edition's source).

``python scripts/make_student_edition.py OUT``: copies ``_config.yml``, ``_toc.yml`` and ``book/``
to ``OUT`` and removes, from notebooks and Markdown pages alike,

* gated solutions: everything from a ```` ```{solution-start} ```` fence to the end of its
  ```` ```{solution-end} ```` fence, across cells (code cells inside are dropped);
* fenced ```` ```{solution} ```` blocks;

then sets ``hide_solutions: true`` for sphinx-exercise in the copied configuration and turns the
Binder and Colab launch buttons off there (they would open the repository's notebooks, solutions
included; students download the edition's own notebooks with the page's download button).
Prints how many solutions it removed and fails if a start has no end.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
START = re.compile(r"^(`{3,}|:{3,})\{solution-start\}.*?$", re.M)
END = re.compile(r"^(`{3,}|:{3,})\{solution-end\}\s*\n\1[ \t]*$\n?", re.M)
BLOCK = re.compile(r"^(`{3,}|:{3,})\{solution\}.*?\n.*?^\1[ \t]*$\n?", re.M | re.S)


def strip_text(text: str, inside: bool) -> tuple[str, bool, int]:
    """Remove solutions from one text; ``inside`` carries a gated solution across texts."""
    out, removed, pos = [], 0, 0
    while True:
        if inside:
            m = END.search(text, pos)
            if not m:
                return "".join(out), True, removed
            pos, inside = m.end(), False
            continue
        m = START.search(text, pos)
        if not m:
            out.append(text[pos:])
            break
        out.append(text[pos : m.start()])
        pos, inside, removed = m.end(), True, removed + 1
    joined = "".join(out)
    joined, n = BLOCK.subn("", joined)
    return joined, False, removed + n


def strip_notebook(path: Path) -> int:
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells, inside, removed = [], False, 0
    for cell in nb["cells"]:
        src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if cell["cell_type"] == "code":
            if not inside:
                cells.append(cell)
            continue
        text, inside, n = strip_text(src, inside)
        removed += n
        if text.strip():
            cell["source"] = text
            cells.append(cell)
    if inside:
        raise SystemExit(f"{path}: a solution-start without its solution-end")
    nb["cells"] = cells
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return removed


def main(out: Path) -> None:
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    for name in ("_config.yml", "_toc.yml"):
        shutil.copy(ROOT / name, out / name)
    shutil.copytree(ROOT / "book", out / "book")
    removed = 0
    for path in sorted((out / "book").rglob("*")):
        if path.suffix == ".ipynb":
            removed += strip_notebook(path)
        elif path.suffix == ".md":
            text, inside, n = strip_text(path.read_text(encoding="utf-8"), False)
            if inside:
                raise SystemExit(f"{path}: a solution-start without its solution-end")
            path.write_text(text, encoding="utf-8")
            removed += n
    config = (out / "_config.yml").read_text(encoding="utf-8")
    config = config.replace("\n  config:\n", "\n  config:\n    hide_solutions: true\n", 1)
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
    print(f"student edition source in {out}: {removed} solutions removed")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "_build" / "student_src")
