"""Checks on the book's Markdown sources that a build does not catch.

A line inside an open inline formula ``$...$`` that starts with ``+ ``, ``- ``, ``* ``, ``1. ``,
``> `` or ``#`` is read by Markdown as a list item, a quote or a heading: the formula breaks and
its TeX is printed raw (the build and MathJax see nothing wrong). The same holds for notebooks'
Markdown cells.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

BOOK = Path(__file__).resolve().parents[1] / "book"
BLOCK_START = re.compile(r"^\s*(?:[-+*] |\d+[.)] |> |#)")


def _markdown_sources() -> list[tuple[str, str]]:
    sources = [(p.name, p.read_text(encoding="utf-8")) for p in sorted(BOOK.glob("*.md"))]
    for path in sorted(BOOK.glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        for i, cell in enumerate(cells):
            if cell["cell_type"] == "markdown":
                sources.append((f"{path.name} cell {i}", "".join(cell["source"])))
    return sources


def broken_inline_math(text: str) -> list[str]:
    """Lines that start a Markdown block while an inline formula is open."""
    bad: list[str] = []
    open_math = in_display = False
    code_fence = None  # the fence of an open code block
    directives: list[str] = []  # open ```{directive} fences (their body is Markdown)
    for line in text.split("\n"):
        stripped = line.strip()
        fence = re.match(r"^(`{3,}|~{3,})(.*)$", stripped)
        if fence:
            marker, info = fence.group(1), fence.group(2).strip()
            if code_fence is not None:
                if marker == code_fence and not info:
                    code_fence = None
            elif info.startswith("{"):
                directives.append(marker)
            elif not info and directives and directives[-1] == marker:
                directives.pop()
            else:
                code_fence = marker
            open_math = False
            continue
        if code_fence is not None:
            continue
        if stripped == "$$":
            in_display = not in_display
            continue
        if in_display:
            continue
        if not stripped:
            open_math = False
            continue
        if open_math and BLOCK_START.match(line):
            bad.append(stripped[:80])
        body = re.sub(r"`[^`]*`", "", line)  # code spans
        body = re.sub(r"\$\$.*?\$\$", "", body)  # one-line display math
        body = body.replace(r"\$", "")
        if body.count("$") % 2:
            open_math = not open_math
    return bad


@pytest.mark.parametrize(
    "text", [pytest.param(text, id=where) for where, text in _markdown_sources()]
)
def test_no_line_of_an_inline_formula_starts_a_markdown_block(text):
    assert not broken_inline_math(text)


def test_the_check_finds_a_broken_formula():
    assert broken_inline_math("so $a = b\n+ c$ holds") == ["+ c$ holds"]
    assert broken_inline_math("so $a = b$\n- an item") == []
    assert broken_inline_math("$$\na\n- b\n$$") == []
    # a directive's closing fence does not open a code block
    assert broken_inline_math("```{note}\nx\n```\nso $a\n- b$") == ["- b$"]
    assert broken_inline_math("```python\nx = '$'\n```\n- item") == []
