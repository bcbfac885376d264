"""The interface link monitor (vrrp/vrrp_track_if) against a real kernel,
driven by the test-only tests/tools/vrrp_track_tool: an interface set down
and up, carrier lost when the veth peer goes down, interfaces that appear,
disappear and are renamed.  The tool prints the state at start, then one
"up"/"down" line per change."""

import os
import select
import subprocess
import time

import pytest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


@pytest.fixture(scope="session")
def track_tool():
    build = os.environ.get("VIGIL_BUILD", os.path.join(REPO, "build"))
    path = os.path.join(os.path.abspath(build), "tests", "tools", "vrrp_track_tool")
    if not os.access(path, os.X_OK):
        pytest.fail("not built: %s (make tests/tools/vrrp_track_tool)" % path)
    return path


class Watcher:
    """vrrp_track_tool watch-if IFACE running in a namespace; lines are
    taken one at a time with a deadline, so a test takes as long as the
    kernel does, not the tool's whole run."""

    def __init__(self, ns, tool, ifname, seconds=20):
        self.proc = ns.popen(tool, "watch-if", ifname, str(seconds),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.buf = b""
        self.seen = []

    def next_line(self, timeout=5.0):
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError("no line from vrrp_track_tool in %.1fs; so far %r"
                                     % (timeout, self.seen))
            ready, _, _ = select.select([self.proc.stdout], [], [], left)
            if ready:
                chunk = os.read(self.proc.stdout.fileno(), 4096)
                if not chunk:
                    raise AssertionError("vrrp_track_tool exited: %s; so far %r"
                                         % (self.proc.stderr.read().decode(), self.seen))
                self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        self.seen.append(line.decode())
        return self.seen[-1]

    def expect(self, *lines):
        for want in lines:
            assert self.next_line() == want, self.seen

    def quiet(self, seconds=0.3):
        """Nothing more is printed for `seconds`."""
        ready, _, _ = select.select([self.proc.stdout], [], [], seconds)
        assert not ready and b"\n" not in self.buf, "unexpected output after %r" % self.seen

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.proc.stdout.close()
        self.proc.stderr.close()


@pytest.fixture
def watch(track_tool):
    watchers = []

    def make(ns, ifname):
        w = Watcher(ns, track_tool, ifname)
        watchers.append(w)
        return w
    yield make
    for w in watchers:
        w.close()


def test_admin_down_and_up(host, watch):
    w = watch(host, "eth0")
    w.expect("up")
    host.exec("ip", "link", "set", "eth0", "down")
    w.expect("down")
    host.exec("ip", "link", "set", "eth0", "up")
    w.expect("up")
    w.quiet()


def test_carrier_loss_when_the_peer_goes_down(make_lan, watch):
    lan = make_lan(1)
    host = lan[0]
    w = watch(host, "eth0")
    w.expect("up")
    lan.cut(host)               # the bridge port (veth peer) down: no carrier
    w.expect("down")
    flags = host.exec("ip", "-o", "link", "show", "eth0").stdout
    assert "NO-CARRIER" in flags and ",UP" in flags      # still administratively up
    lan.mend(host)
    w.expect("up")
    w.quiet()


def test_interface_created_then_deleted(host, watch):
    w = watch(host, "vt0")
    w.expect("down")            # does not exist yet
    host.exec("ip", "link", "add", "vt0", "type", "veth", "peer", "name", "vt1")
    host.exec("ip", "link", "set", "vt0", "up")
    w.quiet()                   # up, but its peer is down: no carrier yet
    host.exec("ip", "link", "set", "vt1", "up")
    w.expect("up")
    host.exec("ip", "link", "del", "vt1")     # takes vt0 with it
    w.expect("down")
    w.quiet()


def test_rename_is_seen_by_name(host, watch):
    old = watch(host, "eth0")
    new = watch(host, "wan0")
    old.expect("up")
    new.expect("down")
    host.exec("ip", "link", "set", "eth0", "down")
    old.expect("down")
    host.exec("ip", "link", "set", "eth0", "name", "wan0")
    host.exec("ip", "link", "set", "wan0", "up")
    new.expect("up")
    old.quiet()
    host.exec("ip", "link", "set", "wan0", "down")
    host.exec("ip", "link", "set", "wan0", "name", "eth0")
    new.expect("down")
    host.exec("ip", "link", "set", "eth0", "up")
    old.expect("up")


def test_missing_interface_and_bad_usage(host, track_tool):
    res = host.exec(track_tool, "watch-if", "nosuch0", "0", check=False)
    assert res.returncode == 0 and res.stdout.splitlines() == ["down"]
    res = host.exec(track_tool, "watch-if", "eth0", "soon", check=False)
    assert res.returncode == 2 and "SECONDS" in res.stderr
