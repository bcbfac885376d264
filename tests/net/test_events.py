"""`vigilctl events`: state changes as JSON lines, as they happen.

A real VRRP failover (the master stops), a real backend failure (the TCP
server a TCP_CHECK watches is killed) and a killed worker (with its
instance's and sync group's transitions after the restart) each show up in
order with their fields; so do weight changes without an up/down change
(an operator's drain and enable, a MISC_CHECK misc_dynamic status); a
subscriber that never reads costs vigild nothing (status still answers;
it is cut off with an overflow line); the
number of subscribers is bounded; a stopping daemon ends the stream with a
clear exit status.

Each subscription is confirmed before the test acts, by a reload whose
event must arrive first (vigilctl prints nothing for the subscription)."""

import json
import os
import queue
import re
import signal
import socket
import subprocess
import threading
import time

from vigiltest import configs
from vigiltest.backends import TcpBackend

FAST = 0.1
VIP = "10.0.0.100"
RS1, RS2 = "10.0.0.11", "10.0.0.12"
PORT = 8080
TIME_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")

class Events:
    """`vigilctl events ARGS` running, its lines parsed as they come."""

    def __init__(self, d, *args):
        self.d = d
        self.proc = subprocess.Popen([d.build.vigilctl, "-s", d.socket, "events"] + list(args),
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines = queue.Queue()
        self.seen = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def next(self, pred, what, timeout=10):
        """The next event matching pred; the ones before it stay in seen."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            try:
                line = self.lines.get(timeout=max(left, 0.01))
            except queue.Empty:
                line = False
            if not line:
                raise AssertionError("no event %s within %ss (stream %s); seen: %s\n%s" % (
                    what, timeout, "ended" if line is None else "open",
                    json.dumps(self.seen, indent=1), self.d.log_tail()))
            print(line, end="")         # what `vigilctl events` showed (pytest -s)
            ev = json.loads(line)
            assert TIME_RE.match(ev["time"]), ev
            self.seen.append(ev)
            if pred(ev):
                return ev

    def synced(self, timeout=10):
        """Returns once the subscription is live: a reload's event arrives
        (vigilctl may not have subscribed yet when the first one is done)."""
        deadline = time.monotonic() + timeout
        while True:
            assert self.d.ctl("reload").returncode == 0
            try:
                return self.next(lambda e: e["type"] == "reload", "reload", timeout=0.5)
            except AssertionError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    raise

    def finish(self, sig=signal.SIGINT, timeout=5):
        if self.proc.poll() is None and sig:
            self.proc.send_signal(sig)
        self.proc.wait(timeout)
        err = self.proc.stderr.read()
        self.d.ctl_stderr.append(err)
        return self.proc.returncode, err


def of_type(t, **fields):
    return lambda e: e["type"] == t and all(e.get(k) == v for k, v in fields.items())


def node_config(priority):
    return configs.global_defs() + configs.vrrp_instance(priority=priority, advert_int=FAST)


def wait_state(d, want):
    return d.wait(lambda: d.instance("VI_1")["state"] == want, "VI_1 to be %s" % want)


def test_vrrp_failover_events(lan, vigild):
    a = vigild(lan[0], node_config(150), name="a").start(workers=["vrrp"])
    b = vigild(lan[1], node_config(100), name="b").start(workers=["vrrp"])
    wait_state(a, "MASTER")
    wait_state(b, "BACKUP")
    on_a, on_b = Events(a), Events(b)
    on_a.synced()
    on_b.synced()

    a.stop()
    # The master says it is stopping; its subscriber learns why the stream ended.
    on_a.next(of_type("daemon", state="stopping"), "daemon stopping")
    status, err = on_a.finish(sig=None)
    assert status == 3 and "vigild stopped" in err, (status, err)

    ev = on_b.next(of_type("vrrp_instance", instance="VI_1"), "VI_1 transition")
    assert (ev["from"], ev["to"]) == ("BACKUP", "MASTER"), ev
    assert ev["vrid"] == 51 and ev["priority"] == 100 and ev["effective_priority"] == 100
    # a's priority 0 advert on the way out, or its silence.
    assert ev["cause"] in ("priority 0 advert received", "master down timer expired"), ev
    assert ev["reason"]
    assert ev["master_address"] == "10.0.0.2", ev
    assert wait_state(b, "MASTER")
    status, err = on_b.finish()
    assert status == 0 and err == "", (status, err)


def checker_config():
    reals = "".join(
        "    real_server %s %d {\n"
        "        weight 1\n"
        "        TCP_CHECK {\n"
        "            connect_timeout 1\n"
        "            retry 1\n"
        "            delay_loop 1\n"
        "            delay_before_retry 0.3\n"
        "        }\n"
        "    }\n" % (a, PORT) for a in (RS1, RS2))
    return (configs.global_defs()
            + "virtual_server %s 80 {\n    delay_loop 1\n    lvs_sched rr\n"
              "    lvs_method NAT\n    protocol TCP\n    quorum 2\n%s}\n" % (VIP, reals))


def start_checked(host, vigild):
    """Two live backends, vigild checking them, and a synced checker and
    process subscriber: (daemon, backends, events)."""
    for a in (RS1, RS2, VIP):
        host.exec("ip", "addr", "add", "%s/24" % a, "dev", "eth0")
    backends = [TcpBackend(host, a, PORT).start() for a in (RS1, RS2)]
    try:
        d = vigild(host, checker_config()).start(workers=["checker"])
        d.wait(lambda: all(r["up"] and r["checked"] for r in d.status()["virtual_servers"][0]
                           ["real_servers"]), "both real servers checked")
        ev = Events(d, "--type", "checker,process")
        ev.synced()
    except BaseException:
        for b in backends:
            b.stop()
        raise
    return d, backends, ev


def test_backend_failure_events(host, vigild):
    backends = []
    try:
        d, backends, ev = start_checked(host, vigild)
        backends[0].stop()
        down = ev.next(of_type("real_server"), "real server down")
        assert down["virtual_server"] == "%s:80" % VIP, down
        assert down["real_server"] == "%s:%d" % (RS1, PORT), down
        assert down["up"] is False and down["weight"] == 1, down
        assert down["reason"].startswith("TCP_CHECK: connect-refused"), down
        lost = ev.next(of_type("virtual_server"), "quorum lost")
        assert lost["virtual_server"] == "%s:80" % VIP and lost["quorum"] == "lost", lost
        assert lost["live_weight"] == 1 and lost["quorum_weight"] == 2, lost
        assert lost["time"] >= down["time"]

        backends[0] = TcpBackend(host, RS1, PORT).start()
        up = ev.next(of_type("real_server"), "real server up", timeout=15)
        assert up["up"] is True and up["reason"] is None and up["real_server"].startswith(RS1)
        gained = ev.next(of_type("virtual_server"), "quorum gained")
        assert gained["quorum"] == "gained" and gained["live_weight"] == 2, gained
        assert ev.finish()[0] == 0
    finally:
        for b in backends:
            b.stop()


def test_drain_and_enable_weight_events(host, vigild):
    """An operator's drain and enable move a real server's effective
    weight (1 -> 0 -> 1) without an up/down change: two real_server weight
    events with the previous weight and the cause, and no up/down line."""
    backends = []
    try:
        d, backends, ev = start_checked(host, vigild)
        vs, rs2 = "%s:80" % VIP, "%s:%d" % (RS2, PORT)
        for action, weight, before in (("drain", 0, 1), ("enable", 1, 0)):
            res = d.ctl("real-server", action, vs, rs2)
            assert res.returncode == 0, res
            got = ev.next(of_type("real_server", real_server=rs2), "%s weight event" % action)
            assert got["virtual_server"] == vs and got["up"] is True, got
            assert (got["weight"], got["previous_weight"]) == (weight, before), got
            assert got["reason"] == action, got
        # A second enable of an enabled server, then a reload as a marker:
        # nothing moved, so nothing about RS2 comes before the reload.
        assert d.ctl("real-server", "enable", vs, rs2).returncode == 0
        assert d.ctl("reload").returncode == 0
        ev.next(of_type("reload"), "the marker reload")
        rs_events = [e for e in ev.seen if e["type"] == "real_server"]
        assert len(rs_events) == 2, rs_events
        assert all("previous_weight" in e for e in rs_events), rs_events
        assert ev.finish()[0] == 0
    finally:
        for b in backends:
            b.stop()


def test_misc_dynamic_weight_event(host, vigild):
    """A MISC_CHECK misc_dynamic exit status that moves the weight (exit
    0: weight unchanged, exit 5: weight 3) is a weight event with reason
    misc_dynamic; the real server stays up."""
    host.exec("ip", "addr", "add", "%s/24" % VIP, "dev", "eth0")
    d = vigild(host, "")
    status = d.write_file("status", "0\n")
    misc = d.write_file("misc.sh", '#!/bin/sh\nexit "$(cat %s)"\n' % status)
    os.chmod(misc, 0o755)
    d.write_config(configs.global_defs()
                   + "virtual_server %s 80 {\n    delay_loop 1\n    protocol TCP\n"
                     "    real_server %s %d {\n        weight 1\n        MISC_CHECK {\n"
                     "            misc_path \"%s\"\n            misc_timeout 1\n"
                     "            misc_dynamic\n        }\n    }\n}\n" % (VIP, RS1, PORT, misc))
    d.start(workers=["checker"])
    d.wait(lambda: d.status()["virtual_servers"][0]["real_servers"][0]["checked"],
           "the real server checked")
    ev = Events(d, "--type", "checker,process")
    ev.synced()
    d.write_file("status", "5\n")
    got = ev.next(of_type("real_server"), "the misc_dynamic weight event", timeout=5)
    assert got["real_server"] == "%s:%d" % (RS1, PORT) and got["up"] is True, got
    assert (got["weight"], got["previous_weight"], got["reason"]) == (3, 1, "misc_dynamic"), got
    assert ev.finish()[0] == 0


def test_worker_restart_events(host, vigild):
    text = node_config(100) + "vrrp_sync_group SG {\n    group {\n        VI_1\n    }\n}\n"
    d = vigild(host, text).start(workers=["vrrp"])
    wait_state(d, "MASTER")
    ev, only_process = Events(d), Events(d, "--type", "process")
    ev.synced()
    only_process.synced()
    old = d.workers()["vrrp"]["pid"]
    os.kill(old, signal.SIGKILL)

    died = ev.next(of_type("worker", worker="vrrp", state="backoff"), "the worker's death")
    assert died["from"] == "running" and died["pid"] is None, died
    assert "signal 9" in died["exit"], died
    started = ev.next(of_type("worker", worker="vrrp"), "the restart")
    assert started["state"] == "starting" and started["restarts"] == 1, started
    assert started["pid"] and started["pid"] != old
    running = ev.next(of_type("worker", worker="vrrp"), "the worker running", timeout=15)
    assert running["state"] == "running" and running["pid"] == started["pid"], running
    # The new worker's own transitions reach the subscriber too.
    ev.next(of_type("vrrp_instance", instance="VI_1", to="MASTER"), "VI_1 MASTER again")
    group = ev.next(of_type("vrrp_sync_group", group="SG", to="MASTER"), "SG MASTER again")
    assert group["from"] == "BACKUP", group

    # --type process: the same worker events, none of the VRRP ones.
    got = only_process.next(of_type("worker", state="running"), "the worker running")
    assert got == running, (got, running)
    ev.synced()
    only_process.synced()
    assert not [e for e in only_process.seen if e["type"].startswith("vrrp")], only_process.seen
    assert [e["type"] for e in ev.seen if e["type"].startswith("vrrp")], ev.seen
    for s in (ev, only_process):
        status, err = s.finish()
        assert status == 0 and err == "", (status, err)


def subscribe_raw(d, rcvbuf=None):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.connect(d.socket)
    s.sendall(b'{"command":"events"}\n')
    return s


def read_all(s, timeout=10):
    s.settimeout(timeout)
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            return data
        data += chunk


def test_slow_subscriber_and_limits(host, vigild):
    # A refused reload's event lists its errors: a few big events fill a
    # subscriber's queue quickly.
    good = node_config(100)
    bad = good + "".join("no_such_keyword_%d 1\n" % i for i in range(2000))
    d = vigild(host, good).start(workers=["vrrp"])
    sleeper = subscribe_raw(d, rcvbuf=4096)
    d.write_config(bad)
    t0 = time.monotonic()
    reloads = 0
    # Until vigild gives up on it; then it has CONTROL_IDLE_TIMEOUT_MS (5 s)
    # to read what it was sent, the overflow line last.
    while "does not keep up" not in d.log_text():
        reloads += 1
        assert reloads <= 200, "no overflow after %d events" % reloads
        assert d.ctl("reload").returncode == 1
        # The daemon answers while the subscriber sits there.
        assert d.status()["pid"] == d.pid
    took = time.monotonic() - t0
    data = read_all(sleeper)
    assert data.endswith(b"\n"), data[-200:]
    lines = data.decode().splitlines()
    assert json.loads(lines[0])["ok"] is True
    last = json.loads(lines[-1])
    assert last["type"] == "overflow", last
    got = [json.loads(line)["type"] for line in lines[1:-1]]
    assert 0 < got.count("reload") < reloads, (got, reloads)
    print("%d refused reloads in %.1f s; the subscriber got %s then overflow"
          % (reloads, took, got))

    # Bounded subscribers: the 17th is refused, other commands still served.
    d.write_config(good)
    subs = [subscribe_raw(d) for _ in range(16)]
    for s in subs:
        s.settimeout(5)
        assert json.loads(s.makefile().readline())["ok"] is True
    extra = subscribe_raw(d)
    extra.settimeout(5)
    answer = json.loads(extra.makefile().readline())
    assert answer["ok"] is False and "too many event subscribers" in answer["error"], answer
    assert d.status()["pid"] == d.pid
    for s in subs + [extra, sleeper]:
        s.close()


def test_bad_type_and_no_daemon(host, vigild, build, tmp_path):
    res = subprocess.run([build.vigilctl, "-s", str(tmp_path / "none.sock"), "events",
                          "--type", "bogus"], capture_output=True, text=True, timeout=5)
    assert res.returncode == 2 and "--type wants vrrp, checker, process" in res.stderr, res
    res = subprocess.run([build.vigilctl, "-s", str(tmp_path / "none.sock"), "events"],
                         capture_output=True, text=True, timeout=5)
    assert res.returncode == 3 and "not running" in res.stderr, res
    res = subprocess.run([build.vigilctl, "-s", str(tmp_path / "none.sock"), "status",
                          "--type", "vrrp"], capture_output=True, text=True, timeout=5)
    assert res.returncode == 2 and "--type goes with events only" in res.stderr, res
