"""The editor's workbench: ``align serve``'s pages at ``/workbench/``.

A thin shell over align's library for editors who review, post-edit and
publish translations in a browser (server-rendered HTML, plain JavaScript and
CSS shipped with align, nothing fetched from elsewhere):

    routes.py         the pages and their POST endpoints (``ROUTES``), CSRF token and Origin check
    edits.py          post-editing and re-translating sentences of an AlignedDocument, counts, versions
    glossary_file.py  accepting a check-terms suggestion into the server's glossary file
    pages.py          Jinja2 environment (autoescape on) and the pages' view data
    templates/        workspace.html, document.html, terms.html
    static/           workbench.js, workbench.css (align.css comes from tei/, as the HTML export's)

Documents are the workspace's TEI files (``align serve --workspace``), read with
:func:`align.tei.read_tei` and written with :func:`align.tei.write_tei` (atomic).
"""
