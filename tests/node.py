"""The official JS SDK (``tests/js``, from npm) against a Flask app with the browser mount, for
``tests/test_mount_js.py`` and ``benchmarks/mount.py``.

- ``node_modules()``: ``tests/js/node_modules``, installed with ``npm ci`` from the committed
  lockfile when missing or older than it (``NodeMissing`` when there is no ``node``/``npm``).
- ``run_node(scenario, options)``: ``tests/js/sdk_client.mjs``'s JSON result.
- ``bundle(entry, out)``: a module and its imports bundled with esbuild (``bundle_page(into)``:
  ``tests/js/page.jsx``, React and ``useStream``); ``run_module(path)``: a bundle run by node.
- ``user_of(request)``: the user for ``owner_policy``: the ``X-Test-User`` header or the ``user``
  cookie; ``add_page(app, bundle)``: the page on a Flask app (``tests/mount_app.py`` makes the app
  with the mount at ``PREFIX`` and serves it).
"""

from __future__ import annotations

import json
import os
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


def bundle(entry: Path, out: Path, platform: str = "browser") -> Path:
    """``entry`` and its imports (React, the SDK, from ``tests/js/node_modules`` wherever
    ``entry`` is) as one ES module at ``out``."""
    esbuild = node_modules() / ".bin" / "esbuild"
    done = subprocess.run(
        [str(esbuild), str(entry), "--bundle", "--format=esm", "--jsx=automatic", f"--platform={platform}",
         "--define:process.env.NODE_ENV=\"production\"", "--log-level=warning", f"--outfile={out}"],
        cwd=JS, capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "NODE_PATH": str(JS / "node_modules")},
    )
    assert done.returncode == 0, f"esbuild {entry.name} failed:\n{done.stderr}"
    return out


def bundle_page(into: Path) -> Path:
    """``tests/js/page.jsx`` bundled into ``into``."""
    return bundle(JS / "page.jsx", into / "page.js")


def run_module(module: Path, timeout: float = 60.0) -> str:
    """Run an ES module (a bundle) with node; its stdout (``AssertionError`` when it fails)."""
    node = shutil.which("node")
    if node is None:
        raise NodeMissing("needs node on the PATH")
    done = subprocess.run([node, str(module)], capture_output=True, text=True, timeout=timeout, check=False,
                          env={"PATH": str(Path(node).parent), "NODE_NO_WARNINGS": "1"})
    assert done.returncode == 0, f"node {module.name} failed ({done.returncode}):\n{done.stderr}"
    return done.stdout


PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Chat</title><link rel="icon" href="data:,"></head>
<body><div id="root" data-api="{prefix}" data-assistant="{assistant}"></div>
<script type="module" src="page.js"></script></body></html>
"""


def user_of(request: Any) -> Optional[str]:
    """The user of a request to the test app: the ``X-Test-User`` header (the SDK's
    ``defaultHeaders``) or the ``user`` cookie (a browser's session)."""
    return request.headers.get(USER_HEADER) or request.cookies.get(USER_COOKIE) or None


def add_page(app: Any, bundle: Path, at: str = "/", assistant: str = "slow_tokens") -> None:
    """Serve a page on ``app`` (Flask): its HTML at ``at`` (ending in ``/``), the bundle at
    ``at + "page.js"``."""
    from flask import Response

    html = PAGE.format(prefix=PREFIX, assistant=assistant)
    script = bundle.read_bytes()
    app.add_url_rule(at, f"page{at}", lambda: Response(html, mimetype="text/html"))
    app.add_url_rule(at + "page.js", f"page{at}js", lambda: Response(script, mimetype="text/javascript"))
