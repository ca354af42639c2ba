"""MkDocs hooks (``hooks:`` in mkdocs.yml): the site shows the repository's Markdown as it is.

README.md is the site's home page and CHANGELOG.md its changelog, without copies in docs/;
LICENSE, the examples (notebook, web apps, Celery, Streamlit, Gradio) and the tests that run them are served as
files. Links are written for GitHub, relative
to the file that holds them (``docs/quickstart.md`` in README.md, ``../CHANGELOG.md`` in
docs/versioning.md), so this rewrites each to where the same file is in the site: both readings
work, and ``mkdocs build --strict`` still fails on a link to a file that is in neither.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

# Files from outside docs/: repository path -> path in the site. docs/X is X.
FROM_ROOT = {
    "README.md": "index.md",
    "CHANGELOG.md": "changelog.md",
    "LICENSE": "LICENSE",
    "examples/quickstart.ipynb": "examples/quickstart.ipynb",
    "examples/flask_app.py": "examples/flask_app.py",
    "examples/django_app.py": "examples/django_app.py",
    "tests/test_web_examples.py": "examples/test_web_examples.py",
    "examples/celery_app.py": "examples/celery_app.py",
    "tests/test_worker_examples.py": "examples/test_worker_examples.py",
    "examples/streamlit_app.py": "examples/streamlit_app.py",
    "examples/gradio_app.py": "examples/gradio_app.py",
    "tests/test_ui_examples.py": "examples/test_ui_examples.py",
}
_REPO_PATH = {site: repo for repo, site in FROM_ROOT.items()}
# A Markdown link's target: ``](target#anchor "title")`` -> target.
_LINK = re.compile(r"(?<=\]\()([^)\s#]+)")


def on_files(files: Files, config: Any) -> Files:
    root = Path(config.config_file_path).parent
    for repo_path, site_path in FROM_ROOT.items():
        files.append(File.generated(config, site_path, abs_src_path=str(root / repo_path)))
    return files


def on_page_markdown(markdown: str, page: Any, config: Any, files: Files) -> str:
    site_path = page.file.src_uri
    repo_path = _REPO_PATH.get(site_path, f"docs/{site_path}")
    return _LINK.sub(lambda link: _site_link(link.group(1), repo_path, site_path), markdown)


def _site_link(target: str, repo_path: str, site_path: str) -> str:
    if re.match(r"[a-z][a-z0-9+.-]*:", target, re.IGNORECASE) or target.startswith("/"):
        return target  # https:, mailto:, absolute: not a file of the repository
    in_repo = posixpath.normpath(posixpath.join(posixpath.dirname(repo_path), target))
    if in_repo.startswith("docs/"):
        in_site = in_repo[len("docs/"):]
    elif in_repo in FROM_ROOT:
        in_site = FROM_ROOT[in_repo]
    else:
        return target  # left as written: --strict reports it if it leads nowhere
    return posixpath.relpath(in_site, posixpath.dirname(site_path) or ".")
