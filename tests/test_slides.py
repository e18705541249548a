"""The selection rules of the lecture slides (scripts/make_slides.py), without a browser.

The decks themselves are checked in Chromium by tests/slides_check.py (scripts/slides_check.sh).
"""

from __future__ import annotations

import base64
import importlib.util
import re
import struct
import sys
import zlib
from pathlib import Path

import pytest

pytest.importorskip("markdown_it")
pytest.importorskip("mdit_py_plugins")
nbformat = pytest.importorskip("nbformat")

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("make_slides", ROOT / "scripts" / "make_slides.py")
ms = importlib.util.module_from_spec(_spec)
sys.modules["make_slides"] = ms
_spec.loader.exec_module(ms)


def png(width: int, height: int) -> str:
    """A valid white PNG of the given size, base64 (as in a notebook output)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    rows = b"".join(b"\x00" + b"\xff" * width for _ in range(height))
    raw = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0,
                                                              0, 0))
           + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
    return base64.b64encode(raw).decode()


def md(source: str, **meta) -> nbformat.NotebookNode:
    return nbformat.v4.new_markdown_cell(source, metadata=meta)


def code(source: str, *, image: str | None = None, **meta) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source, metadata=meta)
    if image:
        cell.outputs = [nbformat.v4.new_output("display_data", data={"image/png": image,
                                                                      "text/plain": "<Figure>"})]
    return cell


@pytest.fixture(scope="module")
def renderer():
    titles = {"notation": "Setting and notation"}
    return ms.Renderer({}, {"cui2024asymptotics": "Cui et al.|2024"}, titles)


@pytest.fixture(scope="module")
def chapter(renderer):
    wide, square = png(40, 10), png(12, 10)
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        md("# A chapter\n\nThe opening of the chapter. It goes on."),
        code("# install guard", image=wide, tags=["hide-output"]),
        md("## Learning objectives\n\n- one $a$\n- two"),
        md("## First section\n\nFirst paragraph, with $x^2$ in it, long enough to stand alone "
           "on its slide (an opening shorter than 160 characters takes the next paragraph too). "
           "Second sentence.\n\n"
           "A second paragraph for the notes, with $y$.\n\n"
           ":::{prf:theorem} Big result {cite}`cui2024asymptotics`\n:label: thm-big\n"
           "It holds that\n\n$$\nz = 1 .\n$$ (eq-z)\n:::"),
        code("plot()", image=square),
        code("assert ok", image=wide, tags=["remove-cell"]),
        code("second_plot()", image=wide),
        md("### A sub-section\n\nText of the sub-section, see {eq}`eq-z` and {doc}`notation`."),
        md("## The step is\n\nThe step reads\n\n$$\nw = v ,\n$$\n\nwhere $v$ is given."),
        md("## Hidden section\n\nNot on the slides.", tags=["skip"]),
        md("Explicit slide: the **whole** cell. Even this second sentence.",
           slideshow={"slide_type": "slide"}),
        md("## Exercises\n\n```{exercise}\n:label: ex-one\n\nFirst line of the exercise, "
           + "long, " * 30 + "up to here. More.\n```\n\n```{solution-start} ex-one\n```"),
        code("solution_plot()", image=wide),
        md("```{solution-end}\n```\n\n```{exercise}\n:label: ex-two\n\n1. Part one.\n"
           "2. Part two.\n```\n\n```{exercise}\n:label: ex-three\n\n(★, derivation)\n\n"
           "1. Show this.\n2. And that.\n```"),
        md("## What to remember\n\n- the key point $k$\n- another one"),
    ]
    cells = ms.read_cells(Path("x.ipynb"), nb)
    return ms.chapter_slides(ms.Source("x.ipynb"), cells, renderer)


def titles(chapter):
    return [re.sub("<[^>]+>", "", s.title) for s in chapter.slides]


def test_slides_in_the_order_of_the_chapter(chapter):
    assert titles(chapter) == [
        "A chapter", "Learning objectives", "First section",
        "Theorem: Big result (Cui et al., 2024)", "A sub-section", "The step is", "The step is",
        "What to remember"]
    assert [s.kind for s in chapter.slides] == [
        "chapter", "full", "section", "statement", "section", "section", "explicit", "full"]
    assert chapter.slides[4].kicker == "First section"


def test_section_slide_takes_first_paragraph_and_figures(chapter):
    section = chapter.slides[2]
    body = "".join(section.body)
    assert "First paragraph" in body and "Second sentence" in body
    assert "second paragraph" not in body
    assert any("second paragraph" in n for n in section.notes)
    # one figure on the slide, the second one on a slide below it
    ms.spread_figures(section)
    assert len(section.figures) == 1 and section.figures[0].width == 12
    assert [s.kind for s in section.below] == ["figure"]
    assert section.below[0].figures[0].width == 40


def test_removed_hidden_and_solution_outputs_never_on_slides(chapter):
    widths = []

    def walk(slides):
        for s in slides:
            widths.extend(f.width for f in s.figures)
            walk(s.below)
    walk(chapter.slides)
    # the square plot and the second plot only: not the install guard (hide-output), the
    # remove-cell assert, nor the solution's plot
    assert sorted(widths) == [12, 40]


def test_math_for_mathjax_on_slides_and_tex_in_notes(chapter):
    section = chapter.slides[2]
    assert r'<span class="math">\(x^2\)</span>' in "".join(section.body)
    assert "$y$" in "".join(section.notes)
    statement = "".join(chapter.slides[3].body)
    assert r"\tag{1}" in statement


def test_references_resolved(chapter):
    text = "".join(chapter.slides[4].body)
    assert "(1)" in text and "<em>Setting and notation</em>" in text
    assert "{eq}" not in text and "{doc}" not in text


def test_short_opening_takes_the_next_paragraph(renderer):
    nb = nbformat.v4.new_notebook()
    because = "Because of this, " + "and of that, " * 12 + "which is long enough."
    nb.cells = [md(f"# T\n\n## S\n\nWhy at all?\n\n{because}\n\nAnd not that.")]
    short = ms.chapter_slides(ms.Source("y.ipynb"), ms.read_cells(Path("y.ipynb"), nb),
                              renderer).slides[1]
    body = "".join(short.body)
    assert "Why at all?" in body and "long enough." in body
    assert "And not that." not in body


def test_unfinished_paragraph_takes_its_formula(chapter):
    step = "".join(chapter.slides[5].body)
    assert r"w = v ," in step and "where" in step


def test_explicit_slide_and_skip(chapter):
    explicit = "".join(chapter.slides[6].body)
    assert "Even this second sentence." in explicit
    assert "Hidden section" not in " ".join(titles(chapter))


def test_exercises_collected_with_first_line(chapter):
    assert [label for label, _ in chapter.exercises] == ["ex-one", "ex-two", "ex-three"]
    assert chapter.exercises[2][1] == "(★, derivation) Show this."
    assert "First line of the exercise" in chapter.exercises[0][1]
    assert "up to here." in chapter.exercises[0][1]
    assert "More." not in chapter.exercises[0][1]
    assert chapter.exercises[1][1] == "Part one."


def test_full_sections(chapter):
    remember = "".join(chapter.slides[-1].body)
    assert "the key point" in remember and "another one" in remember


@pytest.mark.parametrize("text, head", [
    ("One sentence. Two sentences.", "One sentence."),
    ("A formula $a. B$ inside. Next one here.", "A formula $a. B$ inside."),
    ("See e.g. this one. Then more.", "See e.g. this one."),
])
def test_trim_cuts_at_sentence_ends_outside_math(text, head):
    assert ms.trim(text, len(head) + 2)[0] == head


@pytest.mark.parametrize("block, done", [
    ("Text.", True), ("Text,", False), ("The step is", False), ("$$\nx ,\n$$", False),
    ("$$\nx .\n$$ (eq-a)", True), ("- a list", True),
])
def test_finished(block, done):
    assert ms.finished(block) is done


def test_every_chapter_of_the_toc_is_in_a_deck():
    toc = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    chapters = re.findall(r"file:\s*book/(\w+)", toc.split("caption: Appendices")[0])
    in_decks = {Path(s.file).stem for sources in ms.LECTURES.values() for s in sources}
    missing = [c for c in chapters if c not in in_decks and c != "intro"]
    assert not missing, f"chapters of _toc.yml in no deck (LECTURES): {missing}"


def test_teaching_plan_has_the_sessions():
    plan = ms.teaching_plan()
    assert sorted(plan) == sorted(ms.LECTURES)
    assert all(row["in_class"] for row in plan.values())


@pytest.mark.parametrize("number", sorted(ms.LECTURES))
def test_decks_from_the_book(number, tmp_path):
    """Each deck, from the book as it is (without executing it): enough slides, no MyST left."""
    ms.BOOK_TITLE = ms.book_title()
    titles_ = {p.stem: ms.title_of(p) for p in sorted(ms.BOOK.glob("*.ipynb"))
               + sorted(ms.BOOK.glob("*.md"))}
    r = ms.Renderer(None, ms.bib_entries(), titles_)
    deck = ms.build_deck(number, ms.LECTURES[number], r, ms.teaching_plan(), tmp_path,
                         execute=False)
    assert deck.count >= 8
    page = ms.deck_page(deck)
    for leftover in ("```{", ":::{", "{prf:", "{doc}`", "{cite", "{ref}`", "{eq}`"):
        assert leftover not in page, f"lecture {number}: MyST left in the deck: {leftover}"
    visible = re.sub(r'<(script|style|title|pre|code|aside)[^>]*>.*?</\1>'
                     r'|<span class="math">.*?</span>|<div class="math display">.*?</div>', "",
                     page, flags=re.S)
    visible = re.sub(r"<[^>]+>", "", visible)  # text only, not the attributes
    assert "$" not in visible, "raw TeX outside the math elements"
    assert "mathjax/tex-chtml-full.js" in page and "reveal.js/dist/reveal.js" in page
    assert not re.search(r'<(script|link|img)[^>]+(src|href)="https?:', page), "needs network"


def _executed_pair(tmp_path):
    """A stripped notebook on disk and its 'executed' twin (an image output)."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = [md("# T\n\n## S\n\nText."), code("plot()")]
    path = tmp_path / "chapter.ipynb"
    nbformat.write(nb, path)
    done = nbformat.reads(nbformat.writes(nb), as_version=4)
    done.cells[1].outputs = [nbformat.v4.new_output(
        "display_data", data={"image/png": png(4, 3), "text/plain": "<Figure>"})]
    return path, done


def test_outputs_from_the_slides_cache_when_the_code_is_unchanged(tmp_path):
    path, done = _executed_pair(tmp_path)
    cache = tmp_path / "cache"
    cache.mkdir()
    key = ms.code_key(nbformat.read(path, as_version=4))
    nbformat.write(done, cache / f"chapter-{key}.ipynb")
    nb = ms.executed_notebook(path, cache, execute=False)
    assert ms.output_figures(ms.read_cells(path, nb)[1])
    # the code changed: the cached outputs are not used (and nothing is executed here)
    changed = nbformat.read(path, as_version=4)
    changed.cells[1].source = "plot(2)"
    nbformat.write(changed, path)
    nb = ms.executed_notebook(path, cache, execute=False)
    assert not ms.output_figures(ms.read_cells(path, nb)[1])


def test_outputs_from_the_books_jupyter_cache(tmp_path, monkeypatch):
    jupyter_cache = pytest.importorskip("jupyter_cache")
    from jupyter_cache.base import CacheBundleIn

    path, done = _executed_pair(tmp_path)
    cache = jupyter_cache.get_cache(str(tmp_path / "_build" / ".jupyter_cache"))
    cache.cache_notebook_bundle(CacheBundleIn(done, str(path)), check_validity=False,
                                overwrite=True)
    monkeypatch.setattr(ms, "ROOT", tmp_path)
    nb = ms.executed_notebook(path, tmp_path / "empty", execute=False)
    assert ms.output_figures(ms.read_cells(path, nb)[1])
