"""Fixtures of the network tier.

Every test gets fresh namespaces and daemons; their finalizers always run
(a failing test included) and delete the namespaces, stop the daemons and
fail the test if a sanitizer build reported anything.  A session-level
sweep removes what runs that were killed outright left behind.

Binaries come from $VIGIL_BUILD (default: <repo>/build).
"""

import os
import shutil
import signal
import sys
import tempfile

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from vigiltest import topology                     # noqa: E402
from vigiltest.daemon import Build, Vigild         # noqa: E402
from vigiltest import keepalived as ka             # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def _interrupt(signum, frame):
    # Turned into KeyboardInterrupt so pytest unwinds and fixture
    # finalizers delete namespaces and stop daemons.
    raise KeyboardInterrupt("signal %d" % signum)


def pytest_configure(config):
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGHUP, _interrupt)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, "rep_" + rep.when, rep)
    if rep.failed:
        for d in getattr(item, "vigil_daemons", []):
            rep.sections.append(("vigild log: %s in %s" % (d.name, d.host.name),
                                 d.log_tail(60)))


@pytest.fixture(scope="session", autouse=True)
def _sweep_leftovers():
    if os.geteuid() != 0:
        pytest.exit("the network tier needs root (network namespaces)", returncode=2)
    topology.sweep()
    yield
    topology.sweep(include_own=True)


@pytest.fixture(scope="session")
def build():
    b = Build(os.environ.get("VIGIL_BUILD", os.path.join(REPO, "build")))
    missing = b.missing()
    if missing:
        pytest.fail("not built: %s (set VIGIL_BUILD to a build directory)" % ", ".join(missing))
    return b


@pytest.fixture(scope="session")
def workdir():
    """Daemon directories live here (short paths: socket names are limited
    to 107 bytes).  Removed at the end unless a test failed."""
    path = tempfile.mkdtemp(prefix="vigil-net.", dir="/tmp")
    yield path
    if not os.listdir(path):
        os.rmdir(path)


@pytest.fixture
def make_lan():
    lans = []

    def make(hosts=2, net=0):
        lan = topology.Lan(hosts=hosts, net=net)
        lans.append(lan)
        return lan
    yield make
    for lan in lans:
        lan.delete()


@pytest.fixture
def lan(make_lan):
    return make_lan(2)


@pytest.fixture
def host(make_lan):
    """One host on a LAN of its own: eth0 = 10.0.0.1/24, fd00:0::1/64."""
    return make_lan(1)[0]


@pytest.fixture
def vigild(request, build, workdir):
    """Factory: vigild(host, config_text) -> a Vigild not yet started.
    Every daemon made is stopped at teardown; its directory is removed if
    the test passed, and any sanitizer report fails the test."""
    daemons = []
    request.node.vigil_daemons = daemons

    def make(host, config, name="vigild"):
        d = Vigild(build, host, config, basedir=workdir, name=name)
        daemons.append(d)
        return d
    yield make
    for d in daemons:
        d.cleanup()
    reports = [(d, d.sanitizer_reports()) for d in daemons]
    reports = [(d, r) for d, r in reports if r]
    passed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.passed
    for d in daemons:
        if passed and not reports:
            shutil.rmtree(d.dir, ignore_errors=True)
    if reports:
        pytest.fail("sanitizer reports:\n" + "\n".join(
            "%s (log %s):\n  %s" % (d.name, d.log_path, "\n  ".join(r[:20]))
            for d, r in reports), pytrace=False)


@pytest.fixture
def keepalived_peer(request, workdir):
    """Factory: keepalived_peer(host, config_text, name=...) -> a
    vigiltest.keepalived.Keepalived not yet started; stopped at teardown,
    its directory kept if the test failed."""
    made = []

    def make(host, text, name="keepalived"):
        k = ka.Keepalived(host, text, basedir=workdir, name=name)
        made.append(k)
        return k
    yield make
    passed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.passed
    for k in made:
        k.cleanup(keep_dir=not passed)
