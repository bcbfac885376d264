"""Fixtures of the VM tier (see vigilvm.py).  Binaries come from
$VIGIL_BUILD (default: <repo>/build); the guest sees the host's root, so
it runs them in place."""

import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import vigilvm     # noqa: E402

REPO = os.path.abspath(os.path.join(HERE, "..", ".."))


@pytest.fixture(scope="session")
def vm():
    """The vigilvm module, with the kernel and initramfs ready."""
    if os.geteuid() != 0:
        pytest.exit("the VM tier needs root (9p export of /)", returncode=2)
    vigilvm.ensure_image()
    return vigilvm


@pytest.fixture(scope="session")
def build_dir():
    path = os.path.abspath(os.environ.get("VIGIL_BUILD", os.path.join(REPO, "build")))
    missing = [b for b in ("vigild", "vigilctl")
               if not os.access(os.path.join(path, b), os.X_OK)]
    if missing:
        pytest.fail("not built in %s: %s (set VIGIL_BUILD)" % (path, ", ".join(missing)))
    return path
