"""The official JS SDK (``tests/js``, from npm) against a Flask app with the browser mount, for
``tests/test_mount_js.py`` and ``benchmarks/mount.py``.

- ``node_modules()``: ``tests/js/node_modules``, installed with ``npm ci`` from the committed
  lockfile when missing or older than it (``NodeMissing`` when there is no ``node``/``npm``).
- ``run_node(scenario, options)``: ``tests/js/sdk_client.mjs``'s JSON result.
- ``bundle_page(into)``: ``tests/js/page.jsx`` (React, ``useStream``) bundled with esbuild.
- ``user_of(request)``: the user for ``owner_policy``: the ``X-Test-User`` header or the ``user``
  cookie; ``add_page(app, bundle)``: the page on a Flask app (``tests/mount_app.py`` makes the app
  with the mount at ``PREFIX`` and serves it).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any, Optional

JS = Path(__file__).parent / "js"
PREFIX = "/langgraph"
USER_HEADER = "X-Test-User"
USER_COOKIE = "user"
NPM_CI_TIMEOUT = 600.0


class NodeMissing(RuntimeError):
    """``node`` or ``npm`` is not on the PATH."""


def node_modules() -> Path:
    """``tests/js/node_modules``, after ``npm ci`` if it is missing or older than the lockfile."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        raise NodeMissing("needs node and npm on the PATH (Node 20+; Debian: apt-get install nodejs npm)")
    installed = JS / "node_modules" / ".package-lock.json"  # npm writes it last
    lock = JS / "package-lock.json"
    if not installed.exists() or installed.stat().st_mtime < lock.stat().st_mtime:
        done = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=JS, capture_output=True, text=True,
                              timeout=NPM_CI_TIMEOUT, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"npm ci in {JS} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return JS / "node_modules"


def run_node(scenario: str, options: dict[str, Any], timeout: float = 90.0) -> Any:
    """Run ``sdk_client.mjs <scenario>`` with ``options``; its JSON result (``AssertionError``
    with its stderr when it fails)."""
    node = shutil.which("node")
    if node is None:
        raise NodeMissing("needs node on the PATH")
    done = subprocess.run([node, str(JS / "sdk_client.mjs"), scenario, json.dumps(options)], cwd=JS,
                          capture_output=True, text=True, timeout=timeout, check=False,
                          env={"PATH": str(Path(node).parent), "NODE_NO_WARNINGS": "1"})
    assert done.returncode == 0, f"node sdk_client.mjs {scenario} failed ({done.returncode}):\n{done.stderr}"
    return json.loads(done.stdout)


def bundle_page(into: Path) -> Path:
    """``tests/js/page.jsx`` and its imports (React, the SDK) as one ES module in ``into``."""
    esbuild = node_modules() / ".bin" / "esbuild"
    out = into / "page.js"
    subprocess.run([str(esbuild), str(JS / "page.jsx"), "--bundle", "--format=esm", "--jsx=automatic",
                    "--define:process.env.NODE_ENV=\"production\"", "--log-level=warning", f"--outfile={out}"],
                   cwd=JS, check=True, capture_output=True, timeout=120)
    return out


PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Chat</title><link rel="icon" href="data:,"></head>
<body><div id="root" data-api="{prefix}" data-assistant="{assistant}"></div>
<script type="module" src="page.js"></script></body></html>
"""


def user_of(request: Any) -> Optional[str]:
    """The user of a request to the test app: the ``X-Test-User`` header (the SDK's
    ``defaultHeaders``) or the ``user`` cookie (a browser's session)."""
    return request.headers.get(USER_HEADER) or request.cookies.get(USER_COOKIE) or None


def add_page(app: Any, bundle: Path, assistant: str = "slow_tokens") -> None:
    """Serve the page on ``app`` (Flask): its HTML at ``/``, the bundle at ``/page.js``."""
    from flask import Response

    html = PAGE.format(prefix=PREFIX, assistant=assistant)
    script = bundle.read_bytes()
    app.add_url_rule("/", "page", lambda: Response(html, mimetype="text/html"))
    app.add_url_rule("/page.js", "page_js", lambda: Response(script, mimetype="text/javascript"))
