"""The suite ran against the installed wheel, and that wheel is the whole package.

``.ci/run``'s wheel phase installs the built wheel into a fresh virtual environment, runs the
suite from a copy of the checkout without ``stateless_client/``, and sets
``STATELESS_CLIENT_CHECKOUT`` to the checkout the wheel was built from. Without that variable
(the editable install of the README's test command) there is no wheel to check.
"""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sysconfig
from pathlib import Path

import pytest

import stateless_client

CHECKOUT = os.environ.get("STATELESS_CLIENT_CHECKOUT")
pytestmark = pytest.mark.skipif(not CHECKOUT, reason="only in .ci/run's wheel phase (STATELESS_CLIENT_CHECKOUT)")


def _installed_files() -> dict[str, Path]:
    """The package's files as the installed distribution's RECORD lists them (bytecode aside)."""
    dist = importlib.metadata.distribution("stateless-client")
    return {
        file.as_posix(): Path(str(dist.locate_file(file)))
        for file in dist.files or ()
        if file.parts[0] == "stateless_client" and "__pycache__" not in file.parts
    }


def _tracked_files(checkout: Path) -> list[str]:
    listed = subprocess.run(["git", "-C", str(checkout), "ls-files", "-z", "--", "stateless_client"],
                            capture_output=True, text=True, check=True).stdout
    return sorted(name for name in listed.split("\0") if name)


def test_stateless_client_is_imported_from_the_installed_wheel() -> None:
    assert CHECKOUT
    imported = Path(stateless_client.__file__).resolve()
    assert not imported.is_relative_to(Path(CHECKOUT).resolve()), f"imported from the checkout: {imported}"
    assert imported.is_relative_to(Path(sysconfig.get_paths()["purelib"]).resolve()), imported
    assert imported == _installed_files()["stateless_client/__init__.py"].resolve()


def test_the_wheel_holds_exactly_the_files_the_checkout_tracks_in_the_package() -> None:
    """A file that is in git but not in the wheel (``py.typed``, the demo's ``langgraph.json``, a
    new subpackage) would pass every test of an editable install and break every real one."""
    assert CHECKOUT
    checkout = Path(CHECKOUT)
    tracked = _tracked_files(checkout)
    installed = _installed_files()
    assert tracked, f"git tracks nothing under {checkout / 'stateless_client'}"
    missing = [name for name in tracked if name not in installed]
    assert not missing, f"tracked under stateless_client/ but missing from the installed wheel: {missing}"
    untracked = sorted(set(installed) - set(tracked))
    assert not untracked, f"in the wheel but not tracked by git (built from a dirty tree?): {untracked}"
    stale = [name for name in tracked if installed[name].read_bytes() != (checkout / name).read_bytes()]
    assert not stale, f"installed files differ from the checkout's (a stale wheel?): {stale}"
