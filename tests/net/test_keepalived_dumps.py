"""keepalived's signal interface, for tools written against it
(keepalived-exporter and the like): SIGUSR1 writes /tmp/keepalived.data,
SIGUSR2 /tmp/keepalived.stats and SIGRTMIN+2 (keepalived's JSON signal)
/tmp/keepalived.json.  Each file is compared with what Debian's keepalived
2.2.7 writes for the same configuration: the same JSON keys, the same stats
layout, the lines tools parse in the data dump."""

import json
import os
import re
import signal
import time

import pytest

from vigiltest import configs
from vigiltest import keepalived as ka
from vigiltest.wait import wait_for

from test_vrrp_basic import wait_state

FILES = {"data": "/tmp/keepalived.data", "stats": "/tmp/keepalived.stats",
         "json": "/tmp/keepalived.json"}
SIGNALS = {"data": signal.SIGUSR1, "stats": signal.SIGUSR2, "json": signal.SIGRTMIN + 2}

pytestmark = pytest.mark.skipif(not ka.available(), reason="keepalived is not installed")


def dump(pid, kind):
    """Signals `pid` and returns the file it writes (removed first)."""
    path = FILES[kind]
    if os.path.exists(path):
        os.unlink(path)
    os.kill(pid, SIGNALS[kind])
    wait_for(lambda: os.path.exists(path), 5, "%s to be written" % path)
    time.sleep(0.1)                   # keepalived writes in place
    with open(path) as f:
        return f.read()


def test_dumps_match_keepalived(host, vigild, workdir):
    k = ka.Keepalived(host, ka.config(), basedir=workdir)
    try:
        k.start()
        wait_for(lambda: k.state() == "MASTER", 6, "keepalived MASTER")
        kpid = int(open(k.pid_file).read())
        theirs = {kind: dump(kpid, kind) for kind in ("json", "stats", "data")}
    finally:
        k.cleanup()
    d = vigild(host, configs.global_defs() + ka.instance_config(priority=100, version=3,
                                                                 advert_int=1), name="a")
    d.start(workers=["vrrp"])
    wait_state(d, "MASTER", timeout=6)
    ours = {kind: dump(d.proc.pid, kind) for kind in ("json", "stats", "data")}

    # JSON: same shape and keys; our values describe our instance.
    tj, oj = json.loads(theirs["json"]), json.loads(ours["json"])
    assert len(oj) == 1 and set(oj[0]) == {"data", "stats"}
    assert set(oj[0]["data"]) == set(tj[0]["data"]), \
        set(oj[0]["data"]) ^ set(tj[0]["data"])
    assert set(oj[0]["stats"]) == set(tj[0]["stats"])
    od = oj[0]["data"]
    assert od["iname"] == "VI_1" and od["state"] == 2 and od["vrid"] == 51
    assert od["base_priority"] == 100 and od["ifp_ifname"] == "eth0"
    assert od["vips"] == ["10.0.0.100/24 dev eth0 scope global set"]
    assert abs(od["last_transition"] - time.time()) < 60
    assert oj[0]["stats"]["become_master"] == 1 and oj[0]["stats"]["advert_sent"] >= 1
    assert os.stat(FILES["json"]).st_mode & 0o777 == 0o600

    # Stats: the same lines with the numbers taken out.
    def shape(text):
        return [re.sub(r"\d+", "N", line) for line in text.splitlines()]
    assert shape(ours["stats"]) == shape(theirs["stats"])

    # Data: the instance lines tools read are laid out as keepalived's.
    for pattern in (r"^ VRRP Instance = VI_1$", r"^   State = MASTER$",
                    r"^   Interface = eth0$", r"^   Virtual Router ID = 51$",
                    r"^   Priority = 100$", r"^   Virtual IP \(1\):$",
                    r"^     10\.0\.0\.100/24 dev eth0 scope global set$",
                    r"^------< VRRP Topology >------$"):
        assert re.search(pattern, theirs["data"], re.M), "keepalived: " + pattern
        assert re.search(pattern, ours["data"], re.M), "vigil: " + pattern


def test_dump_signals_never_kill_and_files_appear_whole(host, vigild):
    d = vigild(host, configs.global_defs() + configs.vrrp_instance(priority=100, advert_int=0.1),
               name="a")
    d.start(workers=["vrrp"])
    wait_state(d, "MASTER", timeout=5)
    for _ in range(5):
        text = dump(d.proc.pid, "json")
        json.loads(text)                 # complete every time (written, then renamed)
    os.kill(d.proc.pid, signal.SIGRTMAX - 1)     # keepalived's STATS_CLEAR: ignored
    time.sleep(0.2)
    assert d.running()
    assert not [f for f in os.listdir("/tmp") if f.startswith("keepalived.json.")]
