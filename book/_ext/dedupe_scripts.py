"""Sphinx extension: drop repeated <script> entries from every HTML page.

sphinx-thebe and sphinx-togglebutton (loaded by Jupyter Book) add their inline configuration
scripts after the HTML builder exists; Sphinx 7.4 then records each one twice, once with
``filename=None`` (``app.add_js_file`` forwarding to the builder) and once with ``filename=""``
(the registry, replayed when writing starts), and its own duplicate check sees two different
assets. Every page then carries ``const THEBE_JS_URL = ...`` twice and the browser raises
"Identifier 'THEBE_JS_URL' has already been declared". This keeps the first copy of each
script (same file, same inline body, same attributes) and drops the rest. Checked by
tests/browser_check.py (no JavaScript errors).
"""

from __future__ import annotations


def _key(script) -> tuple:
    attributes = getattr(script, "attributes", {}) or {}
    filename = getattr(script, "filename", script) or ""  # None and "" both mean inline
    return (str(filename), tuple(sorted((str(k), str(v)) for k, v in attributes.items())))


def dedupe_scripts(app, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen: set[tuple] = set()
    unique = []
    for script in scripts:
        key = _key(script)
        if key in seen:
            continue
        seen.add(key)
        unique.append(script)
    scripts[:] = unique


def _singlehtml_handlers(app) -> None:
    """Give the single-page HTML builder (used for a PDF) the HTML visitors of every node.

    sphinx-proof and sphinx-exercise register their nodes for ``html`` only, so
    ``--builder singlehtml`` (and ``pdfhtml``, built on it) stops at "unknown node type:
    definition_node". Copy the missing HTML handlers to ``singlehtml``.
    """
    handlers = app.registry.translation_handlers
    html = handlers.get("html", {})
    single = handlers.setdefault("singlehtml", {})
    for node, visitors in html.items():
        single.setdefault(node, visitors)


def setup(app):
    app.connect("builder-inited", _singlehtml_handlers)
    # Late priority: run after every extension has added its scripts to the page.
    app.connect("html-page-context", dedupe_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
