"""Lecture slides from the book: one reveal.js deck per session of the teaching plan.

Run through ``bash scripts/build_slides.sh`` (which also prints the PDFs and checks the decks in a
browser), or directly::

    python scripts/make_slides.py [--out _build/slides] [--cache _build/slides_cache]

The slides are *selected* from the book, never written a second time. The selection rules, applied
to every chapter (a notebook, or a MyST page such as ``book/intro.md``):

* the chapter's ``#`` title and its first paragraph -> a title slide;
* a ``## Learning objectives``, ``## What to remember`` (or ``## Summary``) section -> one slide
  with the whole section;
* every other ``##`` section -> a slide with its heading, its first paragraph (cut at a sentence
  end when long; a short or unfinished one goes on with the next paragraph or formula) and the
  first figure made by the section's code cells; each further figure goes on a slide below it
  (reveal.js' vertical slides); ``###`` sub-sections the same, as the next slides; the rest of
  the section's prose goes into the speaker notes (key S);
* every ``prf:`` statement (theorem, definition, proposition, lemma, corollary, conjecture) -> a
  slide of its own (a long statement is continued below); a ``{figure}`` counts as a figure of
  its section, with the first sentence of its caption;
* every ``{exercise}`` -> a line on the chapter's "Exercises to set" slide at the end of the deck,
  with the homework of the teaching plan (``book/teaching.md``);
* "Exercises" sections, solutions, code and text outputs never appear; cells tagged
  ``remove-cell`` never, the outputs of cells tagged ``remove-output`` or ``hide-output`` never.

A lecturer overrides the rules cell by cell with a tag or Jupyter's slideshow metadata
(``slideshow.slide_type``): ``skip`` leaves the cell out, ``notes`` puts it into the speaker notes,
``slide`` makes the whole cell (its full text, or its figures) a slide, ``subslide`` the same
below the current slide, ``fragment`` appends the whole cell to the current slide.

Appendices enter a deck with ``statements`` only: their ``prf:`` statements and exercises, from the
numbered sections given in the table below.

The notebooks are executed with nbclient (in a temporary folder, like the book's
``run_in_temp``), once: the outputs are cached under ``--cache``, keyed by the code of the
notebook, and the book's own execution cache (``_build/.jupyter_cache``, written by
``jupyter-book build``) is used when it holds the same code.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import html
import json
import re
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"


@dataclass(frozen=True)
class Source:
    """One chapter of a lecture: a file of ``book/``, how much of it, and sections to skip."""

    file: str
    statements_only: bool = False
    sections: tuple[str, ...] = ()  # numbered ``##`` sections to keep ("1", "2"); () = all
    skip: tuple[str, ...] = ()  # ``##`` headings left out of the slides


# The sessions of the teaching plan (book/teaching.md, "A two-to-three-week plan"), and the
# chapters each deck is made from. A file that does not exist is reported and left out.
LECTURES: dict[int, tuple[Source, ...]] = {
    1: (Source("intro.md", skip=("How to read this book", "Prerequisites", "Roadmap",
                                  "Notation", "How to cite")),
        Source("notation.ipynb")),
    2: (Source("kernel_regime.ipynb"),
        Source("appendix_hermite.md", statements_only=True)),
    3: (Source("spiked_matrix.ipynb"),
        Source("appendix_marchenko_pastur.md", statements_only=True)),
    4: (Source("gaussian_universality.ipynb"),
        Source("appendix_derivation.md", statements_only=True, sections=("1", "2"))),
    5: (Source("feature_learning.ipynb"),
        Source("feature_learning_beyond.ipynb"),
        Source("appendix_derivation.md", statements_only=True, sections=("3",))),
    6: (Source("strong_step.ipynb"),
        Source("beyond_one_step.ipynb"),
        Source("explorer.ipynb")),
}

FULL_SECTIONS = ("learning objectives", "what to remember", "summary")
EXERCISE_SECTIONS = ("exercises", "exercise", "things to try")
STATEMENTS = {
    "prf:theorem": "Theorem", "prf:definition": "Definition", "prf:proposition": "Proposition",
    "prf:lemma": "Lemma", "prf:corollary": "Corollary", "prf:conjecture": "Conjecture",
}
FIRST_PARAGRAPH_CHARS = 420
SHORT_OPENING_CHARS = 160  # an opening shorter than this takes the next paragraph too
MORE_BLOCKS = 3  # at most this many blocks after the first paragraph
STATEMENT_CHUNK_CHARS = 1300
REVEAL_DIR = BOOK / "_static" / "reveal"
MATHJAX_DIR = BOOK / "_static" / "mathjax"


FAILED: list[str] = []  # notebooks whose execution failed (the build then exits 1)


def log(message: str) -> None:
    print(f"slides: {message}", flush=True)


# --------------------------------------------------------------------------------------------
# Executed notebooks


def code_key(nb) -> str:
    """A hash of the notebook's code cells (what execution depends on)."""
    digest = hashlib.sha256()
    for cell in nb.cells:
        if cell.cell_type == "code":
            digest.update(cell.source.encode())
            digest.update(b"\0")
    return digest.hexdigest()[:20]


def merge_outputs(nb, executed) -> None:
    """Copy the outputs of ``executed`` into ``nb`` (same code cells, in the same order)."""
    done = [c for c in executed.cells if c.cell_type == "code"]
    mine = [c for c in nb.cells if c.cell_type == "code"]
    if len(done) != len(mine):
        raise ValueError("executed notebook does not match the source")
    for cell, other in zip(mine, done, strict=True):
        cell.outputs = other.get("outputs", [])


def from_jupyter_cache(nb, path: Path):
    """The book's execution cache (jupyter-cache), when it holds this notebook's code."""
    cache_dir = ROOT / "_build" / ".jupyter_cache"
    if not cache_dir.is_dir():
        return None
    try:
        from jupyter_cache import get_cache

        _, merged = get_cache(str(cache_dir)).merge_match_into_notebook(nb)
        return merged
    except Exception:  # no match, or an incompatible cache: execute instead
        return None


def merge_stale(nb, cache: Path, stem: str) -> bool:
    """Outputs of a cached execution of an *older* version, for the code cells not changed since.

    A shortcut while editing (``--reuse-stale``): cells whose code changed get no outputs, and
    outputs may be out of date when an earlier cell changed. False when nothing is cached.
    """
    import nbformat

    old = sorted(cache.glob(f"{stem}-*.ipynb"), key=lambda p: p.stat().st_mtime)
    if not old:
        return False
    done = {c.source: c.get("outputs", []) for c in nbformat.read(old[-1], as_version=4).cells
            if c.cell_type == "code"}
    changed = 0
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = done.get(cell.source, [])
            changed += cell.source not in done
    log(f"{stem}: outputs of an older execution ({changed} changed code cells without outputs)")
    return True


def executed_notebook(path: Path, cache: Path, *, execute: bool = True,
                      reuse_stale: bool = False):
    """The notebook at ``path`` with the outputs of an execution of its current code.

    Returns None (and says why) when it could not be executed.
    """
    import nbformat

    nb = nbformat.read(path, as_version=4)
    key = code_key(nb)
    cached = cache / f"{path.stem}-{key}.ipynb"
    if cached.exists():
        merge_outputs(nb, nbformat.read(cached, as_version=4))
        return nb
    merged = from_jupyter_cache(nb, path)
    if merged is not None:
        log(f"{path.name}: outputs from the book's execution cache")
        return merged
    if reuse_stale and merge_stale(nb, cache, path.stem):
        return nb
    if not execute:
        log(f"{path.name}: not executed (--no-execute): slides without its figures")
        return nb
    from nbclient import NotebookClient

    log(f"{path.name}: executing (a few minutes) ...")
    start = time.time()
    run = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory(prefix="slides-run-") as tmp:
        # allow_errors: a failing cell is reported (and fails the build at the end), the
        # figures of the other cells still reach the slides
        client = NotebookClient(run, timeout=900, kernel_name="python3", allow_errors=True,
                                resources={"metadata": {"path": tmp}})
        try:
            client.execute()
        except Exception as exc:  # the kernel died or a cell timed out
            log(f"{path.name}: EXECUTION FAILED: {str(exc)[-600:]}")
            FAILED.append(path.name)
            return None
    errors = [(k, out) for k, c in enumerate(run.cells) if c.cell_type == "code"
              for out in c.get("outputs", []) if out.get("output_type") == "error"]
    if errors:
        for k, out in errors:
            first = run.cells[k].source.splitlines()[0] if run.cells[k].source else ""
            log(f"{path.name}: EXECUTION FAILED in cell {k} ({first[:60]!r}): "
                f"{out.get('ename')}: {str(out.get('evalue'))[:300]}")
        FAILED.append(path.name)
        merge_outputs(nb, run)
        return nb  # not cached: executed again next time
    log(f"{path.name}: executed in {time.time() - start:.0f} s")
    cache.mkdir(parents=True, exist_ok=True)
    for old in cache.glob(f"{path.stem}-*.ipynb"):
        old.unlink()
    nbformat.write(run, cached)
    merge_outputs(nb, run)
    return nb


# --------------------------------------------------------------------------------------------
# The book's sources: cells, labels, references, titles


@dataclass
class Cell:
    kind: str  # "markdown" or "code"
    source: str
    tags: tuple[str, ...] = ()
    slide_type: str = ""  # explicit: slide, subslide, fragment, skip, notes ("" = by the rules)
    outputs: list = field(default_factory=list)


def read_cells(path: Path, nb=None) -> list[Cell]:
    """The cells of a notebook (``nb``: executed copy) or of a MyST page (one markdown cell)."""
    if path.suffix == ".md":
        return [Cell("markdown", path.read_text(encoding="utf-8"))]
    if nb is None:
        import nbformat

        nb = nbformat.read(path, as_version=4)
    cells = []
    for c in nb.cells:
        tags = tuple(c.metadata.get("tags", []))
        slide_type = (c.metadata.get("slideshow") or {}).get("slide_type", "") or ""
        for tag in ("slide", "subslide", "fragment", "skip", "notes"):
            if tag in tags:
                slide_type = tag
        if slide_type == "-":
            slide_type = ""
        cells.append(Cell(c.cell_type, c.source, tags, slide_type,
                          list(c.get("outputs", [])) if c.cell_type == "code" else []))
    return cells


def directive(token) -> tuple[str, str, dict[str, str], str] | None:
    """(name, argument, options, body) of a MyST directive token, or None for a code fence."""
    if token.type not in ("fence", "colon_fence"):
        return None
    info = token.info.strip()
    m = re.match(r"^\{([\w:.-]+)\}\s*(.*)$", info)
    if not m:
        return None
    options: dict[str, str] = {}
    lines = token.content.split("\n")
    i = 0
    if lines and lines[0].strip() == "---":  # a YAML block of options
        j = next((k for k in range(1, len(lines)) if lines[k].strip() == "---"), None)
        if j is not None:
            for line in lines[1:j]:
                key, _, value = line.partition(":")
                options[key.strip()] = value.strip()
            i = j + 1
    while i < len(lines):
        om = re.match(r"^:([\w-]+):\s*(.*)$", lines[i])
        if not om:
            break
        options[om.group(1)] = om.group(2)
        i += 1
    return m.group(1), m.group(2).strip(), options, "\n".join(lines[i:]).strip("\n")


def title_of(path: Path) -> str:
    """The ``#`` title of a notebook or a page (its first level-1 heading)."""
    if path.suffix == ".ipynb":
        text = "\n".join(c.source for c in read_cells(path) if c.kind == "markdown")
    else:
        text = path.read_text(encoding="utf-8")
    m = re.search(r"^# (.+)$", text, flags=re.M)
    return m.group(1).strip() if m else path.stem


def bib_entries() -> dict[str, str]:
    """``{key: "Cui et al.|2024"}`` from the book's BibTeX files."""
    entries: dict[str, str] = {}
    for bib in sorted(BOOK.glob("*.bib")):
        text = bib.read_text(encoding="utf-8")
        for m in re.finditer(r"@\w+\s*\{\s*([^,\s]+)\s*,(.*?)\n\}", text, flags=re.S):
            key, body = m.group(1), m.group(2)
            am = re.search(r"author\s*=\s*\{(.*?)\},?\s*\n", body, flags=re.S)
            ym = re.search(r"year\s*=\s*\{?(\d{4})", body)
            names = []
            for author in re.split(r"\s+and\s+", am.group(1) if am else key):
                author = author.strip()
                last = author.split(",")[0] if "," in author else author.split()[-1]
                last = re.sub(r"\\.|[{}]", lambda x: "" if x.group(0) in "{}" else "",
                              last).strip()
                names.append(last)
            if len(names) == 1:
                who = names[0]
            elif len(names) == 2:
                who = f"{names[0]} and {names[1]}"
            else:
                who = f"{names[0]} et al."
            entries[key] = f"{who}|{ym.group(1) if ym else ''}"
    return entries


@dataclass
class Label:
    doc: str  # stem of the file
    kind: str  # directive name, "section" or "equation"
    title: str = ""


def label_index(md) -> dict[str, Label]:
    """Every label of the book: directive ``:label:``, ``(target)=`` and equation labels."""
    labels: dict[str, Label] = {}

    def scan(text: str, doc: str) -> None:
        tokens = md.parse(text)
        for k, tok in enumerate(tokens):
            if tok.type == "myst_target":
                nxt = next((t for t in tokens[k + 1:] if t.type == "inline"), None)
                labels[tok.content] = Label(doc, "section", nxt.content if nxt else tok.content)
            elif tok.type == "math_block_label":
                labels[tok.info] = Label(doc, "equation")
            else:
                d = directive(tok)
                if d and "label" in d[2]:
                    labels[d[2]["label"]] = Label(doc, d[0], d[1])
                if d and d[3] and d[0] not in ("code-cell",):
                    scan(d[3], doc)

    for path in sorted(BOOK.glob("*.ipynb")) + sorted(BOOK.glob("*.md")):
        for cell in read_cells(path):
            if cell.kind == "markdown":
                scan(cell.source, path.stem)
    return labels


# --------------------------------------------------------------------------------------------
# Markdown (MyST) to HTML, with the math left to MathJax


class Renderer:
    """MyST markdown to slide HTML: math for MathJax, roles resolved to text, directives dropped.

    ``notes=True`` renders for the speaker notes, whose math stays TeX source (the speaker view
    has no MathJax).
    """

    def __init__(self, labels: dict[str, Label] | None, bib: dict[str, str],
                 titles: dict[str, str]):
        from markdown_it import MarkdownIt
        from mdit_py_plugins.amsmath import amsmath_plugin
        from mdit_py_plugins.colon_fence import colon_fence_plugin
        from mdit_py_plugins.dollarmath import dollarmath_plugin
        from mdit_py_plugins.myst_blocks import myst_block_plugin
        from mdit_py_plugins.myst_role import myst_role_plugin

        md = (MarkdownIt("commonmark")
              .use(dollarmath_plugin, allow_labels=True, double_inline=True)
              .use(amsmath_plugin).use(colon_fence_plugin).use(myst_role_plugin)
              .use(myst_block_plugin).enable("table"))
        self.md = md
        self.labels = labels if labels is not None else label_index(md)
        self.bib = bib
        self.titles = titles
        self.notes = False
        self.equations: dict[str, int] = {}  # label -> number on this deck's slides
        self.exercises: dict[str, str] = {}  # label -> "Exercise 2.3" on this deck
        for name in ("math_inline", "math_inline_double", "math_block", "math_block_label",
                     "amsmath", "myst_role", "myst_target", "myst_block_break",
                     "myst_line_comment", "fence", "colon_fence", "image"):
            method = getattr(self, "_r_" + name)
            md.add_render_rule(name, lambda _renderer, tokens, idx, options, env, _m=method:
                               _m(tokens, idx, options, env))

    # math ------------------------------------------------------------------------------------
    def _math(self, tex: str, display: bool, tag: str = "") -> str:
        tex = tex.strip()
        if self.notes:
            return html.escape(f"$${tex}$$" if display else f"${tex}$")
        if tag:
            tex = f"{tex} \\tag{{{tag}}}"
        if display:
            return f'<div class="math display">\\[{html.escape(tex)}\\]</div>\n'
        return f'<span class="math">\\({html.escape(tex)}\\)</span>'

    def _r_math_inline(self, tokens, idx, options, env):
        return self._math(tokens[idx].content, False)

    def _r_math_inline_double(self, tokens, idx, options, env):
        return self._math(tokens[idx].content, True)

    def _r_math_block(self, tokens, idx, options, env):
        return self._math(tokens[idx].content, True)

    def _r_math_block_label(self, tokens, idx, options, env):
        label = tokens[idx].info
        if self.notes:
            return self._math(tokens[idx].content, True)
        number = self.equations.setdefault(label, len(self.equations) + 1)
        return self._math(tokens[idx].content, True, str(number))

    def _r_amsmath(self, tokens, idx, options, env):
        if self.notes:
            return html.escape(tokens[idx].content)
        return f'<div class="math display">{html.escape(tokens[idx].content.strip())}</div>\n'

    # roles -----------------------------------------------------------------------------------
    def cite(self, keys: str, textual: bool) -> str:
        out = []
        for key in (k.strip() for k in keys.split(",")):
            who, _, year = self.bib.get(key, f"{key}|").partition("|")
            out.append(f"{who} ({year})" if textual else f"{who}, {year}")
        text = "; ".join(out)
        return html.escape(text if textual else f"({text})")

    def role(self, name: str, content: str) -> str:
        target = content
        m = re.match(r"^(.*?)\s*<([^>]+)>$", content, flags=re.S)
        explicit = None
        if m:
            explicit, target = m.group(1), m.group(2)
        if name in ("cite", "cite:p", "cite:ps", "cite:ct"):
            return self.cite(target, False)
        if name in ("cite:t", "cite:ts"):
            return self.cite(target, True)
        if name == "math":
            return self._math(content, False)
        if explicit:
            return html.escape(explicit)
        if name == "doc":
            stem = target.split("/")[-1]
            return f"<em>{self.doc_title(stem)}</em>"
        if name == "eq":
            if target in self.equations and not self.notes:
                return f"({self.equations[target]})"
            label = self.labels.get(target)
            where = f"<em>{self.doc_title(label.doc)}</em>" if label else "the book"
            return f"(an equation of {where})"
        if name in ("ref", "prf:ref", "numref", "numref:ref"):
            if target in self.exercises:
                return html.escape(self.exercises[target])
            label = self.labels.get(target)
            if label is None:
                return html.escape(target)
            if label.kind in ("exercise",):
                return f"an exercise of <em>{self.doc_title(label.doc)}</em>"
            if label.title:
                kind = STATEMENTS.get(label.kind, "")
                title = self.inline(label.title)
                return f"{kind} <em>{title}</em>" if kind else f"<em>{title}</em>"
            return html.escape(target)
        if name == "term":
            return html.escape(target)
        return html.escape(content)

    def doc_title(self, stem: str) -> str:
        """The title of a chapter (its math rendered like the text around it)."""
        title = self.titles.get(stem)
        return self.inline(title) if title else html.escape(stem)

    def _r_myst_role(self, tokens, idx, options, env):
        tok = tokens[idx]
        return self.role(tok.meta.get("name", ""), tok.content)

    # dropped or simplified -------------------------------------------------------------------
    def _r_myst_target(self, tokens, idx, options, env):
        return ""

    def _r_myst_block_break(self, tokens, idx, options, env):
        return ""

    def _r_myst_line_comment(self, tokens, idx, options, env):
        return ""

    def _r_fence(self, tokens, idx, options, env):
        tok = tokens[idx]
        if directive(tok) is not None:
            return ""  # directives inside a rendered text are left to the book
        return f"<pre><code>{html.escape(tok.content)}</code></pre>\n"

    def _r_colon_fence(self, tokens, idx, options, env):
        return ""

    def _r_image(self, tokens, idx, options, env):
        tok = tokens[idx]
        uri = image_data_uri(BOOK / tok.attrGet("src")) if tok.attrGet("src") else None
        alt = html.escape(tok.content or "")
        return f'<img src="{uri}" alt="{alt}">' if uri else alt

    # entry points ----------------------------------------------------------------------------
    def render(self, text: str, *, notes: bool = False) -> str:
        self.notes = notes
        try:
            return self.md.render(text)
        finally:
            self.notes = False

    def inline(self, text: str) -> str:
        return self.md.renderInline(text)


def image_data_uri(path: Path) -> str | None:
    if not path.is_file():
        return None
    mime = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
            ".svg": "image/svg+xml", ".gif": "image/gif"}.get(path.suffix.lower())
    if mime is None:
        return None
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode()}"


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG (from its header); (4, 3) when unreadable."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR":
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    return 4, 3


# --------------------------------------------------------------------------------------------
# Selection: from the cells of a chapter to its slides


@dataclass
class Figure:
    uri: str
    width: int
    height: int
    caption: str = ""  # HTML


@dataclass
class Slide:
    kind: str  # lecture, chapter, section, statement, full, figure, exercises, explicit
    title: str  # HTML
    kicker: str = ""  # HTML: the chapter, shown small above the title
    body: list[str] = field(default_factory=list)  # HTML
    figures: list[Figure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # HTML, math as TeX source
    below: list[Slide] = field(default_factory=list)  # vertical slides under this one
    source: str = ""  # "notebook.ipynb, section title": where a lecturer finds it in the book

    def empty(self) -> bool:
        return not (self.body or self.figures or self.below)


@dataclass
class Block:
    kind: str  # heading, paragraph, list, math, directive, code, other
    src: str
    level: int = 0  # heading level
    text: str = ""  # heading text
    directive: tuple | None = None


def blocks(md, text: str) -> list[Block]:
    """The top-level blocks of a markdown text, with their source."""
    lines = text.split("\n")
    tokens = md.parse(text)
    out: list[Block] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        j = i
        if tok.nesting == 1:  # find the matching close at the same level
            depth = 0
            while j < len(tokens):
                depth += tokens[j].nesting
                if depth == 0:
                    break
                j += 1
        src = "\n".join(lines[tok.map[0]:tok.map[1]]) if tok.map else tok.content
        t = tok.type
        if t == "heading_open":
            out.append(Block("heading", src, int(tok.tag[1]), tokens[i + 1].content))
        elif t == "paragraph_open":
            out.append(Block("paragraph", src))
        elif t in ("bullet_list_open", "ordered_list_open"):
            out.append(Block("list", src))
        elif t in ("math_block", "math_block_label", "amsmath"):
            out.append(Block("math", src))
        elif t in ("fence", "colon_fence"):
            d = directive(tok)
            out.append(Block("directive", src, directive=d) if d else Block("code", src))
        elif t in ("table_open", "blockquote_open", "html_block"):
            out.append(Block("other", src))
        i = j + 1
    return out


ABBREVIATIONS = ("e.g", "i.e", "cf", "al", "Fig", "Eq", "vs", "resp", "etc", "approx")


def sentence_ends(text: str) -> list[int]:
    """Positions just after the sentences of a markdown text (outside math and code)."""
    ends = []
    in_math = in_code = False
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and in_math:
            i += 2
            continue
        if ch == "`":
            in_code = not in_code
        elif ch == "$" and not in_code:
            if text.startswith("$$", i):
                i += 1
            in_math = not in_math
        elif ch in ".?!" and not in_math and not in_code:
            after = text[i + 1:i + 2]
            word = re.findall(r"[\w.]+$", text[:i])
            if (after == "" or after.isspace()) and not (word and word[0] in ABBREVIATIONS):
                ends.append(i + 1)
        i += 1
    return ends


def trim(text: str, limit: int) -> tuple[str, str]:
    """The first sentences of ``text`` that fit in ``limit`` characters, and the rest."""
    text = text.strip()
    if len(text) <= limit:
        return text, ""
    ends = [e for e in sentence_ends(text) if e < len(text)]
    if not ends:
        return text, ""
    fitting = [e for e in ends if e <= limit]
    cut = fitting[-1] if fitting else ends[0]
    return text[:cut].strip(), text[cut:].strip()


def finished(src: str) -> bool:
    """Whether a block ends its sentence (else the text goes on after a formula or a list).

    A paragraph is finished when it ends on ".", "?" or "!"; a formula unless it ends on ",",
    ";" or ":"; a list always.
    """
    text = src.strip()
    if re.match(r"^(\d+[.)]|[-*+])\s", text):
        return True
    if text.startswith("$$") or text.startswith("\\begin{"):
        text = re.sub(r"\s*\([\w:.-]+\)$", "", text)  # an equation label
        text = re.sub(r"\\end\{[^}]*\}$", "", text.strip("$").strip()).strip()
        text = re.sub(r"(\\[,;!: ]|\\q?quad|\\\\)+$", "", text).strip()
        return not text.endswith((",", ":", ";"))
    text = re.sub(r"[)*_`'\"”’]+$", "", text)
    return text.endswith((".", "?", "!"))


def first_item(src: str) -> str:
    """The first item of a markdown list, without its marker (or the text as it is)."""
    lines = src.strip().split("\n")
    if not re.match(r"^\s*(\d+[.)]|[-*+])\s", lines[0]):
        return src
    item = [re.sub(r"^\s*(\d+[.)]|[-*+])\s+", "", lines[0])]
    for line in lines[1:]:
        if re.match(r"^\s*(\d+[.)]|[-*+])\s", line):
            break
        item.append(line.strip())
    return " ".join(item)


def output_figures(cell: Cell) -> list[Figure]:
    """The images among a code cell's outputs (PNG, JPEG or SVG), embedded."""
    figures = []
    for out in cell.outputs:
        data = out.get("data", {}) if out.get("output_type") in (
            "display_data", "execute_result") else {}
        for mime in ("image/png", "image/jpeg", "image/svg+xml"):
            if mime in data:
                payload = data[mime]
                if isinstance(payload, list):
                    payload = "".join(payload)
                if mime == "image/svg+xml":
                    raw = payload.encode()
                    b64 = base64.b64encode(raw).decode()
                    w, h = 4, 3
                else:
                    b64 = payload.replace("\n", "")
                    w, h = png_size(base64.b64decode(b64)) if mime == "image/png" else (4, 3)
                figures.append(Figure(f"data:{mime};base64,{b64}", w, h))
                break
    return figures


@dataclass
class Chapter:
    stem: str
    title: str  # HTML
    slides: list[Slide]
    exercises: list[tuple[str, str]]  # (label, HTML of its first sentence)
    statements_only: bool = False
    sections: tuple[str, ...] = ()
    plain: str = ""  # the title as written (markdown)


def section_number(heading: str) -> str:
    m = re.match(r"^(\d+)\.", heading.strip())
    return m.group(1) if m else ""


def chapter_slides(src: Source, cells: list[Cell], r: Renderer) -> Chapter:
    """Apply the selection rules (module docstring) to the cells of one chapter."""
    stem = Path(src.file).stem
    chapter_title = r.titles.get(stem, stem)
    kicker = html.escape(chapter_title) if not src.statements_only else \
        f"From {html.escape(chapter_title)}"
    chapter = Chapter(stem, r.inline(chapter_title), [], [], src.statements_only, src.sections,
                      chapter_title)
    opening = Slide("chapter", chapter.title, source=src.file)
    if not src.statements_only:
        chapter.slides.append(opening)
    mode = "intro"  # intro, normal, full, exercises, skip, statements
    current: Slide | None = None  # the ## slide
    target: Slide | None = opening  # the slide receiving the content (## or ###)
    has_first: set[int] = set()  # slides that have their first paragraph
    more: dict[int, int] = {}  # slides whose first paragraph goes on: blocks still allowed
    length: dict[int, int] = {}  # characters of text taken for a slide

    def take(slide: Slide, b: Block) -> None:
        """Put a block of the opening of a section on its slide (a long paragraph cut)."""
        key = id(slide)
        used = length.get(key, 0)
        head, rest = (trim(b.src, max(FIRST_PARAGRAPH_CHARS - used, 200))
                      if b.kind == "paragraph" else (b.src, ""))
        slide.body.append(full(head))
        length[key] = used + len(head)
        if rest:
            slide.notes.append(notes(rest))
        goes_on = not rest and (not finished(head) or length[key] < SHORT_OPENING_CHARS)
        more[key] = (more.get(key, MORE_BLOCKS + 1) - 1) if goes_on else 0
    in_solution = False

    def full(text: str) -> str:
        return r.render(text)

    def notes(text: str) -> str:
        return r.render(text, notes=True)

    def new_section(title: str, kind: str) -> Slide:
        return Slide(kind, r.inline(title), kicker, source=f"{src.file}, {title}")

    def add_statement(d: tuple) -> None:
        name, arg, _, body = d
        title = STATEMENTS[name] + (f": {r.inline(arg)}" if arg else "")
        parts = [b.src for b in blocks(r.md, body)] or [body]
        # a long statement is cut between blocks into parts of about equal length
        total = sum(len(p) for p in parts)
        pieces = max(1, round(total / STATEMENT_CHUNK_CHARS))
        chunks: list[list[str]] = [[]]
        size = 0
        for part in parts:
            if size >= total / pieces and chunks[-1] and len(chunks) < pieces:
                chunks.append([])
                size = 0
            chunks[-1].append(part)
            size += len(part)
        slide = Slide("statement", title, kicker, [full("\n\n".join(chunks[0]))],
                      source=f"{src.file}, {STATEMENTS[name].lower()} {arg}")
        for chunk in chunks[1:]:
            slide.below.append(Slide("statement", title + " (continued)", kicker,
                                     [full("\n\n".join(chunk))], source=slide.source))
        chapter.slides.append(slide)

    def add_figures(figures: list[Figure]) -> None:
        nonlocal target, current
        if not figures:
            return
        if target is None or target is opening:
            target = current = new_section(chapter_title, "section")
            chapter.slides.append(current)
        target.figures.extend(figures)

    for cell in cells:
        if "remove-cell" in cell.tags or cell.slide_type == "skip":
            continue
        explicit = cell.slide_type
        if explicit == "notes":
            if cell.kind == "markdown":
                (target or opening).notes.append(notes(cell.source))
            continue
        if cell.kind == "code":
            if in_solution or mode in ("exercises", "skip", "statements"):
                if not explicit:
                    continue
            if {"remove-output", "hide-output"} & set(cell.tags):
                continue
            figures = output_figures(cell)
            if explicit in ("slide", "subslide") and figures:
                base = current.title if current else chapter.title
                extra = Slide("explicit", base, kicker, figures=figures, source=src.file)
                if explicit == "subslide" and current is not None:
                    current.below.append(extra)
                else:
                    chapter.slides.append(extra)
            else:
                add_figures(figures)
            continue

        # markdown
        cell_blocks = blocks(r.md, cell.source)
        explicit_slide: Slide | None = None
        if explicit in ("slide", "subslide"):
            if not any(b.kind == "heading" and b.level == 2 for b in cell_blocks):
                base = current.title if current else chapter.title
                explicit_slide = Slide("explicit", base, kicker, source=src.file)
                if explicit == "subslide" and current is not None:
                    current.below.append(explicit_slide)
                else:
                    chapter.slides.append(explicit_slide)
                target = explicit_slide
        for b in cell_blocks:
            if b.kind == "directive" and b.directive[0] == "solution-start":
                in_solution = True
                continue
            if b.kind == "directive" and b.directive[0] == "solution-end":
                in_solution = False
                continue
            if in_solution:
                continue
            if b.kind == "heading":
                if b.level == 1:
                    mode = "intro"
                    chapter_title = b.text.strip()
                    chapter.title = opening.title = r.inline(chapter_title)
                    chapter.plain = chapter_title
                    kicker = html.escape(chapter_title) if not src.statements_only else \
                        f"From {html.escape(chapter_title)}"
                    continue
                if b.level == 2:
                    low = b.text.strip().lower()
                    current = target = None
                    if src.statements_only:
                        keep = not src.sections or section_number(b.text) in src.sections
                        mode = "statements" if keep else "skip"
                    elif b.text.strip() in src.skip:
                        mode = "skip"
                    elif low in EXERCISE_SECTIONS:
                        mode = "exercises"
                    else:
                        kind = "full" if low.startswith(FULL_SECTIONS) else "section"
                        mode = "full" if kind == "full" else "normal"
                        current = target = new_section(b.text, kind)
                        chapter.slides.append(current)
                        if explicit in ("slide", "subslide"):
                            explicit_slide = current
                    continue
                # ### and deeper
                if mode == "normal" and current is not None and explicit_slide is None:
                    target = new_section(b.text, "section")
                    target.kicker = current.title
                    chapter.slides.append(target)
                elif mode == "full" or explicit_slide is not None:
                    (explicit_slide or target).body.append(f"<h3>{r.inline(b.text)}</h3>")
                continue
            if b.kind == "directive":
                name, arg, options, body = b.directive
                if name == "exercise" and mode != "skip":
                    # its first line: the first paragraph (or list item), with the next one
                    # when it is only a mark such as "(★, derivation)"
                    opening = ""
                    for part in blocks(r.md, body)[:3] or [Block("paragraph", body)]:
                        opening = (opening + " " + first_item(part.src)).strip()
                        if len(opening) >= 60 or part.kind == "list":
                            break
                    first, _ = trim(opening, 220)
                    label = options.get("label", "")
                    text = r.inline(arg) + (": " if arg else "") + r.inline(
                        " ".join(first.split()))
                    chapter.exercises.append((label, text))
                elif name in STATEMENTS and mode not in ("skip", "exercises"):
                    add_statement(b.directive)
                elif name == "figure" and mode in ("intro", "normal", "full"):
                    uri = image_data_uri(BOOK / arg)
                    if uri:
                        w, h = png_size((BOOK / arg).read_bytes())
                        caption, _ = trim(" ".join(body.split()), 200)
                        add_figures([Figure(uri, w, h, r.inline(caption))])
                continue
            if b.kind == "code":
                continue
            if explicit_slide is not None:
                explicit_slide.body.append(full(b.src))
            elif explicit == "fragment" and target is not None:
                target.body.append(full(b.src))
            elif mode == "intro":
                if id(opening) not in has_first and b.kind == "paragraph":
                    head, rest = trim(b.src, FIRST_PARAGRAPH_CHARS)
                    opening.body.append(full(head))
                    has_first.add(id(opening))
                    if rest:
                        opening.notes.append(notes(rest))
                else:
                    opening.notes.append(notes(b.src))
            elif mode == "normal" and target is not None:
                key = id(target)
                if key not in has_first and b.kind in ("paragraph", "list"):
                    take(target, b)
                    has_first.add(key)
                elif more.get(key, 0) > 0 and b.kind in ("paragraph", "list", "math"):
                    # the first paragraph goes on (it ended on "," or ":", or is very short)
                    take(target, b)
                else:
                    more[key] = 0
                    target.notes.append(notes(b.src))
            elif mode == "full" and target is not None:
                target.body.append(full(b.src))
    return chapter


def spread_figures(slide: Slide) -> None:
    """One figure per slide: the further figures of a slide go on slides below it."""
    for child in slide.below:
        spread_figures(child)
    extra = []
    for fig in slide.figures[1:]:
        extra.append(Slide("figure", slide.title, slide.kicker, figures=[fig],
                           source=slide.source))
    slide.figures = slide.figures[:1]
    flat = []
    for child in slide.below:  # a ### slide's own extra figures follow it
        flat.append(child)
        flat.extend(child.below)
        child.below = []
    slide.below = extra + [c for c in flat if not c.empty()]


# --------------------------------------------------------------------------------------------
# Decks


def teaching_plan() -> dict[int, dict[str, str]]:
    """The rows of the teaching plan's table in book/teaching.md (material, in class, homework)."""
    path = BOOK / "teaching.md"
    plan: dict[int, dict[str, str]] = {}
    if not path.exists():
        return plan
    for line in path.read_text(encoding="utf-8").splitlines():
        cols = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cols) >= 4 and cols[0].isdigit():
            plan[int(cols[0])] = {"material": cols[1], "in_class": cols[2],
                                  "homework": cols[3]}
    return plan


@dataclass
class Deck:
    number: int
    title: str  # plain text
    chapters: list[Chapter]
    slides: list[Slide]
    missing: list[str]

    @property
    def count(self) -> int:
        return sum(1 + len(s.below) for s in self.slides)


def build_deck(number: int, sources: tuple[Source, ...], r: Renderer,
               plan: dict[int, dict[str, str]], cache: Path, execute: bool,
               reuse_stale: bool = False) -> Deck:
    r.equations = {}
    r.exercises = {}
    chapters: list[Chapter] = []
    missing = []
    present = [s for s in sources if (BOOK / s.file).exists()]
    for s in sources:
        if s not in present:
            missing.append(s.file)
            log(f"lecture {number}: book/{s.file} does not exist: left out of the deck")
    # exercise numbers first, so that references to them read "Exercise 2.3"
    k = 0
    for s in present:
        for label, lab in r.labels.items():
            if lab.doc == Path(s.file).stem and lab.kind == "exercise":
                if s.statements_only and s.sections:
                    continue  # numbered below, only if its section is kept
                k += 1
                r.exercises[label] = f"Exercise {number}.{k}"
    for s in present:
        path = BOOK / s.file
        nb = executed_notebook(path, cache, execute=execute, reuse_stale=reuse_stale) \
            if path.suffix == ".ipynb" else None
        chapter = chapter_slides(s, read_cells(path, nb), r)
        if s.statements_only and s.sections:
            for label, _ in chapter.exercises:
                if label and label not in r.exercises:
                    k += 1
                    r.exercises[label] = f"Exercise {number}.{k}"
        chapters.append(chapter)

    titles = [c.title for c in chapters if not c.statements_only]
    plain_titles = [r.titles.get(c.stem, c.stem) for c in chapters if not c.statements_only]
    row = plan.get(number, {})
    lecture = Slide("lecture", f"Lecture {number}")
    lecture.body.append("<p class='chapters'>" + " · ".join(titles) + "</p>")
    if row.get("in_class"):
        lecture.body.append(f"<p class='plan'><strong>In class:</strong> "
                            f"{r.inline(row['in_class'])}</p>")
    lecture.body.append(f"<p class='book'>{html.escape(BOOK_TITLE)}</p>")
    slides = [lecture]
    for k, c in enumerate(chapters):
        for s in c.slides:
            spread_figures(s)
        # a chapter's title slide divides the deck; the first one only when it says something
        slides.extend(s for s in c.slides
                      if not s.empty() or (s.kind == "chapter" and k > 0))

    exercise_slides = []
    for c in chapters:
        if not c.exercises:
            continue
        items = []
        for label, text in c.exercises:
            name = r.exercises.get(label, "Exercise")
            items.append(f"<li><strong>{html.escape(name)}</strong> {text}</li>")
        kicker = c.title if not c.statements_only else f"From {c.title}"
        exercise_slides.append(Slide("exercises", "Exercises to set", kicker,
                                     ["<ul class='exercises'>" + "".join(items) + "</ul>"],
                                     source=f"{c.stem}, exercises"))
    if row.get("homework"):
        homework = (f"<p class='plan'><strong>Homework (teaching plan):</strong> "
                    f"{r.inline(row['homework'])}</p>")
        if exercise_slides:
            exercise_slides[-1].body.append(homework)
        else:
            exercise_slides.append(Slide("exercises", "Exercises to set", "", [homework]))
    slides.extend(exercise_slides)
    title = f"Lecture {number}: " + "; ".join(tex_plain(t) for t in plain_titles)
    return Deck(number, title, chapters, slides, missing)


GREEK = {name: chr(code) for name, code in (
    ("alpha", 0x3B1), ("beta", 0x3B2), ("gamma", 0x3B3), ("delta", 0x3B4), ("epsilon", 0x3B5),
    ("varepsilon", 0x3B5), ("zeta", 0x3B6), ("eta", 0x3B7), ("theta", 0x3B8), ("kappa", 0x3BA),
    ("lambda", 0x3BB), ("mu", 0x3BC), ("nu", 0x3BD), ("xi", 0x3BE), ("pi", 0x3C0),
    ("rho", 0x3C1), ("sigma", 0x3C3), ("tau", 0x3C4), ("phi", 0x3C6), ("chi", 0x3C7),
    ("psi", 0x3C8), ("omega", 0x3C9), ("Delta", 0x394), ("Sigma", 0x3A3), ("Omega", 0x3A9),
    ("infty", 0x221E), ("to", 0x2192), ("star", 0x22C6))}
SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def tex_plain(text: str) -> str:
    """Plain text for a title with simple math (the page title, the index): $\\alpha_0$ -> α₀."""
    def math(m: re.Match) -> str:
        tex = m.group(1)
        tex = re.sub(r"\\tilde\s*\{?\\?(\w+)\}?", lambda t: "\\" + t.group(1) + "\u0303"
                     if t.group(1) in GREEK else t.group(1) + "\u0303", tex)
        tex = re.sub(r"\\([A-Za-z]+)", lambda t: GREEK.get(t.group(1), t.group(1)), tex)
        tex = re.sub(r"_\{?(\d+)\}?", lambda t: t.group(1).translate(SUBSCRIPTS), tex)
        return tex.replace("{", "").replace("}", "").replace("^", "")
    return re.sub(r"\$([^$]+)\$", math, plain(text))


def plain(text: str) -> str:
    """MyST roles reduced to their content (for attributes and the "In the book" note)."""
    return re.sub(r"\{[\w:.-]+\}`([^`]*)`", r"\1", text)


def figure_html(fig: Figure) -> str:
    caption = f"<figcaption>{fig.caption}</figcaption>" if fig.caption else ""
    return f'<figure><img src="{fig.uri}" alt="figure">{caption}</figure>'


def slide_html(s: Slide) -> str:
    layout = ""
    if s.figures and s.body:
        fig = s.figures[0]
        layout = " lay-side" if fig.width / max(fig.height, 1) < 1.9 else " lay-stack"
    elif s.figures:
        layout = " lay-figure"
    source = html.escape(plain(s.source))
    parts = [f'<section class="slide-{s.kind}{layout}" data-source="{source}">']
    if s.kicker:
        parts.append(f'<p class="kicker">{s.kicker}</p>')
    tag = "h1" if s.kind in ("lecture", "chapter") else "h2"
    parts.append(f"<{tag}>{s.title}</{tag}>")
    parts.append('<div class="content">')
    if s.body:
        parts.append('<div class="text">' + "\n".join(s.body) + "</div>")
    if s.figures:
        parts.append('<div class="figs">' + "".join(figure_html(f) for f in s.figures)
                     + "</div>")
    parts.append("</div>")
    notes = list(s.notes)
    if s.source:
        notes.append(f"<p><em>In the book: {source}</em></p>")
    parts.append('<aside class="notes">' + "\n".join(notes) + "</aside>")
    parts.append("</section>")
    one = "\n".join(parts)
    if not s.below:
        return one
    return "<section>\n" + one + "\n" + "\n".join(slide_html(c) for c in s.below) + \
        "\n</section>"


def mathjax_macros() -> dict:
    """The TeX macros of the book (_config.yml, sphinx.config.mathjax3_config)."""
    import yaml

    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    try:
        return config["sphinx"]["config"]["mathjax3_config"]["tex"]["macros"]
    except (KeyError, TypeError):
        return {}


def book_title() -> str:
    import yaml

    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    return str(config.get("title", "onestep"))


BOOK_TITLE = "onestep"

DECK_TEMPLATE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{title}</title>
<link rel="stylesheet" href="reveal.js/dist/reset.css">
<link rel="stylesheet" href="reveal.js/dist/reveal.css">
<link rel="stylesheet" href="reveal.js/dist/theme/white.css">
<link rel="stylesheet" href="slides.css">
<script>
window.MathJax = {{
  tex: {{macros: {macros}, inlineMath: [["\\\\(", "\\\\)"]], displayMath: [["\\\\[", "\\\\]"]],
        processEscapes: false, tags: "none"}},
  options: {{ignoreHtmlClass: "reveal", processHtmlClass: "math"}},
  startup: {{typeset: false}}
}};
</script>
<script src="mathjax/tex-chtml-full.js"></script>
</head>
<body>
<div class="reveal measuring">
<div class="slides">
{slides}
</div>
</div>
<script src="reveal.js/dist/reveal.js"></script>
<script src="reveal.js/plugin/notes/notes.js"></script>
<script src="slides.js"></script>
</body>
</html>
"""


def deck_page(deck: Deck) -> str:
    macros = json.dumps(mathjax_macros())
    return DECK_TEMPLATE.format(title=html.escape(deck.title), macros=macros,
                                slides="\n".join(slide_html(s) for s in deck.slides))


INDEX_TEMPLATE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Lecture slides: {book}</title>
<style>
body {{ font-family: "Source Sans Pro", Helvetica, Arial, sans-serif; max-width: 52em;
  margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.45; }}
h1 {{ font-size: 1.6em; }}
td, th {{ padding: 0.35em 0.7em; vertical-align: top; text-align: left; }}
table {{ border-collapse: collapse; }} tr {{ border-bottom: 1px solid #ddd; }}
code, kbd {{ background: #f3f3f3; padding: 0 0.25em; }}
</style>
</head>
<body>
<h1>Lecture slides</h1>
<p>One deck per session of the teaching plan of <em>{book}</em>. The slides are selected from
the executed chapters of the book (titles, first paragraphs, figures, statements, "What to
remember", exercises), so they never drift from it; the rest of each section is in the speaker
notes.</p>
<table>
<tr><th>Lecture</th><th>Chapters</th><th>Slides</th><th>Files</th></tr>
{rows}
</table>
<h2>Presenting</h2>
<ul>
<li>Open a deck in a browser; <kbd>→</kbd>/<kbd>Space</kbd> next slide, <kbd>↓</kbd> the slides
below one (further figures, sub-sections, the rest of a long statement), <kbd>Esc</kbd> overview,
<kbd>F</kbd> full screen, <kbd>S</kbd> speaker view with the notes (the rest of the section, math
as TeX) and a timer.</li>
<li>Everything is in this folder (reveal.js, MathJax, the figures inside the pages): it works
without a network, from a USB stick too if served locally
(<code>python -m http.server -d _build/slides</code>).</li>
<li>The PDFs are reveal.js' print view (<code>lecture-1.html?print-pdf</code>) printed by
Chromium, one slide a page.</li>
</ul>
<p>Text and figures: CC BY 4.0; reveal.js: MIT (<code>reveal.js/LICENSE</code>); MathJax: Apache
2.0 (<code>mathjax/LICENSE</code>).</p>
</body>
</html>
"""


def index_page(decks: list[Deck]) -> str:
    rows = []
    for d in decks:
        lines = []
        for c in d.chapters:
            line = html.escape(tex_plain(c.plain))
            if c.statements_only:
                where = ", §" + "–".join(c.sections) if c.sections else ""
                line += f" (statements{where})"
            lines.append(line)
        chapters = "<br>".join(lines)
        rows.append(f"<tr><td>{d.number}</td><td>{chapters}</td><td>{d.count}</td>"
                    f'<td><a href="lecture-{d.number}.html">slides</a> · '
                    f'<a href="lecture-{d.number}.pdf">PDF</a></td></tr>')
    return INDEX_TEMPLATE.format(book=html.escape(BOOK_TITLE), rows="\n".join(rows))


def copy_assets(out: Path) -> None:
    """reveal.js and MathJax (vendored under book/_static) and the decks' own CSS and JS."""
    for src, dst in ((REVEAL_DIR, out / "reveal.js"), (MATHJAX_DIR, out / "mathjax")):
        if not src.is_dir():
            raise SystemExit(f"slides: {src} is missing (the vendored copy, see its README)")
        if dst.exists():
            shutil.rmtree(dst)
        shutil.copytree(src, dst, ignore=shutil.ignore_patterns("README.md"))
    assets = Path(__file__).resolve().parent / "slides_assets"
    for name in ("slides.css", "slides.js"):
        shutil.copy2(assets / name, out / name)


def main(argv: list[str] | None = None) -> int:
    global BOOK_TITLE
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "_build" / "slides"))
    parser.add_argument("--cache", default=str(ROOT / "_build" / "slides_cache"),
                        help="executed notebooks, reused while their code is unchanged")
    parser.add_argument("--no-execute", action="store_true",
                        help="never execute: decks without the figures of unexecuted chapters")
    parser.add_argument("--reuse-stale", action="store_true",
                        help="while editing: reuse the outputs of unchanged code cells from an "
                             "older cached execution instead of executing again")
    parser.add_argument("--lectures", nargs="*", type=int, default=None,
                        help="build only these decks (numbers of LECTURES)")
    args = parser.parse_args(argv)

    start = time.time()
    out, cache = Path(args.out), Path(args.cache)
    out.mkdir(parents=True, exist_ok=True)
    BOOK_TITLE = book_title()
    titles = {p.stem: title_of(p) for p in sorted(BOOK.glob("*.ipynb")) +
              sorted(BOOK.glob("*.md"))}
    r = Renderer(None, bib_entries(), titles)
    plan = teaching_plan()
    listed = {s.file.rsplit(".", 1)[0] for sources in LECTURES.values() for s in sources}
    for number, row in plan.items():
        for stem in re.findall(r"\{doc\}`([^`]+)`", row["material"]):
            if stem not in listed:
                log(f"note: the teaching plan lists {stem} in session {number}, "
                    "but no deck includes it (LECTURES in scripts/make_slides.py)")
    if plan and len(plan) != len(LECTURES):
        log(f"note: the teaching plan has {len(plan)} sessions, LECTURES {len(LECTURES)}")

    decks = []
    for number, sources in LECTURES.items():
        if args.lectures and number not in args.lectures:
            continue
        deck = build_deck(number, sources, r, plan, cache, not args.no_execute,
                          args.reuse_stale)
        (out / f"lecture-{number}.html").write_text(deck_page(deck), encoding="utf-8")
        decks.append(deck)
        log(f"lecture-{number}.html: {deck.count} slides ({deck.title})")
    copy_assets(out)
    (out / "index.html").write_text(index_page(decks), encoding="utf-8")
    manifest = {"decks": [{"file": f"lecture-{d.number}.html", "title": d.title,
                           "slides": d.count, "missing": d.missing} for d in decks]}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    log(f"{len(decks)} decks in {out} ({time.time() - start:.0f} s)")
    if FAILED:
        log(f"FAILED: {', '.join(FAILED)} did not execute; their decks lack their figures")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
