"""Tracking and sync groups in the running engine: track_interface (with
and without weight), the instance's own interface, vrrp_script with
weight / weight 0 / rise and fall, track_file, track_process, and a
vrrp_sync_group of two instances on two LANs that moves together.

Two-node LANs, VRRPv3 with 100 ms adverts; node a (priority 150) is
master until a tracked object says otherwise.  Bounds are generous: a
vrrp_script runs every 0.1-0.2 s here, the process monitor scans /proc
every second."""

import os
import time

from vigiltest import configs
from vigiltest.topology import sh

from test_vrrp_basic import FAST, VIP4, has_vip, state, wait_state

VIP4_B = "10.1.0.100"


def node(priority, extra="", pre="", name="VI_1", router_id="vigil-test"):
    return (configs.global_defs(router_id) + pre
            + configs.vrrp_instance(name=name, priority=priority, advert_int=FAST,
                                    extra=extra))


def start(vigild, lan, conf_a, conf_b):
    a = vigild(lan[0], conf_a, name="a").start(workers=["vrrp"])
    b = vigild(lan[1], conf_b, name="b").start(workers=["vrrp"])
    return a, b


def tracking(d, kind, name, inst="VI_1"):
    for t in d.instance(inst)["tracking"]:
        if t["kind"] == kind and t["name"] == name:
            return t
    raise AssertionError("no %s %s in %r" % (kind, name, d.instance(inst)["tracking"]))


def add_veth(host, name="trk0"):
    """A veth pair inside the host: `name` is what the instance tracks."""
    host.exec("ip", "link", "add", name, "type", "veth", "peer", "name", name + "p")
    host.exec("ip", "link", "set", name + "p", "up")
    host.exec("ip", "link", "set", name, "up")


def wait_effective(d, prio, inst="VI_1", timeout=5):
    return d.wait(lambda: d.instance(inst)["effective_priority"] == prio,
                  "%s effective priority %d" % (inst, prio), timeout)


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


# ---- track_interface and the instance's own interface -------------------------------


def test_track_interface_down_is_fault_and_the_peer_takes_the_vip(lan, vigild):
    add_veth(lan[0])
    a, b = start(vigild, lan, node(150, "    track_interface {\n        trk0\n    }\n"),
                 node(100))
    wait_state(a, "MASTER")
    wait_state(b, "BACKUP")
    assert tracking(a, "track_interface", "trk0") == {
        "kind": "track_interface", "name": "trk0", "up": True, "weight": 0, "value": None,
        "from_sync_group": False}
    assert tracking(a, "interface", "eth0")["up"] is True
    assert a.instance("VI_1")["not_implemented"] == []

    lan[0].exec("ip", "link", "set", "trk0", "down")
    inst = wait_state(a, "FAULT", timeout=3)
    assert inst["last_transition"]["reason"] == "track_interface trk0: down"
    assert inst["fault"] is True
    wait_state(b, "MASTER", timeout=3)
    b.wait(lambda: has_vip(lan[1]) and not has_vip(lan[0]), "the VIP on b only")

    lan[0].exec("ip", "link", "set", "trk0", "up")
    wait_state(a, "MASTER", timeout=5)      # back to BACKUP, then preempts
    wait_state(b, "BACKUP", timeout=3)
    assert has_vip(lan[0]) and not has_vip(lan[1])


def test_own_interface_down_is_fault_unless_dont_track_primary(make_lan, vigild):
    lan = make_lan(1)
    h = lan[0]
    a = vigild(h, node(150), name="a").start(workers=["vrrp"])
    wait_state(a, "MASTER")
    lan.cut(h)                       # carrier lost: eth0 is not running
    inst = wait_state(a, "FAULT", timeout=3)
    assert inst["last_transition"]["reason"] == "interface eth0: down"
    assert not has_vip(h)
    lan.mend(h)
    wait_state(a, "MASTER", timeout=5)

    a.stop()
    a2 = vigild(h, node(150, "    dont_track_primary\n"), name="a2").start(workers=["vrrp"])
    wait_state(a2, "MASTER")
    lan.cut(h)
    time.sleep(0.5)
    assert state(a2) == "MASTER"
    assert [t["kind"] for t in a2.instance("VI_1")["tracking"]] == []


def test_track_interface_weight_lowers_priority_and_the_peer_preempts(lan, vigild):
    add_veth(lan[0])
    a, b = start(vigild, lan,
                 node(150, "    track_interface {\n        trk0 weight -60\n    }\n"),
                 node(100))
    wait_state(a, "MASTER")
    wait_state(b, "BACKUP")
    lan[0].exec("ip", "link", "set", "trk0", "down")
    wait_effective(a, 90)
    wait_state(b, "MASTER", timeout=3)
    inst = wait_state(a, "BACKUP", timeout=3)
    assert inst["priority"] == 150
    assert tracking(a, "track_interface", "trk0")["up"] is False
    assert tracking(a, "track_interface", "trk0")["weight"] == -60
    assert has_vip(lan[1]) and not has_vip(lan[0])
    lan[0].exec("ip", "link", "set", "trk0", "up")
    wait_effective(a, 150)
    wait_state(a, "MASTER", timeout=3)
    wait_state(b, "BACKUP", timeout=3)


# ---- vrrp_script --------------------------------------------------------------------


def script_setup(d, interval="0.1", weight=-60, rise=1, fall=1):
    """A check script whose exit status is read from a file the test
    writes; returns (config text, the status file)."""
    rc = d.write_file("rc", "0\n")
    chk = d.write_file("chk.sh", "#!/bin/sh\nexit $(cat %s)\n" % rc)
    os.chmod(chk, 0o755)
    text = ("vrrp_script chk {\n    script %s\n    interval %s\n    weight %d\n"
            "    rise %d\n    fall %d\n}\n" % (chk, interval, weight, rise, fall))
    return text, rc


def with_script(d, priority, **kw):
    text, rc = script_setup(d, **kw)
    d.write_config(node(priority, "    track_script {\n        chk\n    }\n", pre=text))
    return rc


def test_failing_script_with_weight_lowers_priority_and_peer_takes_over(lan, vigild):
    a = vigild(lan[0], "", name="a")
    rc = with_script(a, 150, weight=-60)
    b = vigild(lan[1], node(100), name="b")
    a.start(workers=["vrrp"])
    b.start(workers=["vrrp"])
    wait_state(a, "MASTER")
    wait_state(b, "BACKUP")
    assert tracking(a, "track_script", "chk")["up"] is True
    write(rc, "1\n")
    wait_effective(a, 90)
    wait_state(b, "MASTER", timeout=3)
    wait_state(a, "BACKUP", timeout=3)
    scripts = {s["name"]: s for s in a.status()["vrrp"]["vrrp_scripts"]}
    assert scripts["chk"]["state"] == "DOWN" and scripts["chk"]["failures"] >= 1
    write(rc, "0\n")
    wait_effective(a, 150)
    wait_state(a, "MASTER", timeout=3)


def test_failing_script_with_weight_0_is_fault(lan, vigild):
    a = vigild(lan[0], "", name="a")
    rc = with_script(a, 150, weight=0)
    b = vigild(lan[1], node(100), name="b")
    a.start(workers=["vrrp"])
    b.start(workers=["vrrp"])
    wait_state(a, "MASTER")
    write(rc, "3\n")
    inst = wait_state(a, "FAULT", timeout=3)
    assert inst["last_transition"]["reason"] == "track_script chk: down"
    wait_state(b, "MASTER", timeout=3)
    b.wait(lambda: has_vip(lan[1]) and not has_vip(lan[0]), "the VIP on b only")
    write(rc, "0\n")
    wait_state(a, "MASTER", timeout=5)


def test_script_rise_and_fall_are_honoured(host, vigild):
    interval = 0.2
    a = vigild(host, "", name="a")
    rc = with_script(a, 150, interval=str(interval), weight=-50, rise=3, fall=4)
    a.start(workers=["vrrp"])
    wait_state(a, "MASTER")
    a.wait(lambda: a.status()["vrrp"]["vrrp_scripts"][0]["state"] == "UP", "chk UP")

    def script():
        return a.status()["vrrp"]["vrrp_scripts"][0]

    before = script()
    write(rc, "1\n")
    t0 = time.monotonic()
    wait_effective(a, 100)
    took = time.monotonic() - t0
    after = script()
    # fall 4: four failed runs in a row, a whole interval apart.
    assert after["failures"] - before["failures"] >= 4, (before, after)
    assert took >= 3 * interval - 0.05, took
    assert took < 4 * interval + 2.0, took

    before = script()
    write(rc, "0\n")
    t0 = time.monotonic()
    wait_effective(a, 150)
    took = time.monotonic() - t0
    after = script()
    assert after["successes"] - before["successes"] >= 3, (before, after)
    assert took >= 2 * interval - 0.05, took
    print("rise 3 / fall 4 at %.1fs: up again after %.2fs" % (interval, took))


# ---- track_file ---------------------------------------------------------------------


def test_track_file_value_times_weight_moves_the_priority(lan, vigild):
    a = vigild(lan[0], "", name="a")
    path = a.write_file("prio", "0\n")
    a.write_config(node(150, "    track_file {\n        tf weight -10\n    }\n",
                        pre="track_file tf {\n    file %s\n}\n" % path))
    b = vigild(lan[1], node(100), name="b")
    a.start(workers=["vrrp"])
    b.start(workers=["vrrp"])
    wait_state(a, "MASTER")
    wait_state(b, "BACKUP")
    write(path, "6\n")
    wait_effective(a, 90)
    t = tracking(a, "track_file", "tf")
    assert t["value"] == 6 and t["weight"] == -10 and t["up"] is True
    wait_state(b, "MASTER", timeout=3)
    wait_state(a, "BACKUP", timeout=3)
    write(path, "-2\n")             # -2 x -10 = +20: 170, above b
    wait_effective(a, 170)
    wait_state(a, "MASTER", timeout=3)


# ---- track_process ------------------------------------------------------------------


def test_track_process_down_is_fault_up_is_recovery(host, vigild):
    arg = "%d.%d" % (900000 + os.getpid() % 1000, int(time.time()) % 100000)
    a = vigild(host, node(150, "    track_process {\n        sleeper\n    }\n",
                          pre="vrrp_track_process sleeper {\n    process sleep %s\n"
                              "    weight 0\n}\n" % arg), name="a")
    a.start(workers=["vrrp"])
    inst = wait_state(a, "FAULT", timeout=3)
    assert inst["last_transition"]["reason"] == "track_process sleeper: down"
    proc = host.popen("sleep", arg)
    try:
        wait_state(a, "MASTER", timeout=5)
        assert tracking(a, "track_process", "sleeper")["up"] is True
        proc.kill()
        proc.wait()
        wait_state(a, "FAULT", timeout=5)
        assert not has_vip(host)
    finally:
        proc.kill()
        proc.wait()


# ---- sync groups --------------------------------------------------------------------


def add_second_lan(lan):
    """A second bridge in the LAN's switch and an eth1 on every host:
    10.1.0.<i>/24."""
    lan.switch.exec("ip", "link", "add", "br1", "type", "bridge")
    lan.switch.exec("ip", "link", "set", "br1", "up")
    for h in lan:
        port = "q%d" % h.index
        sh("ip", "link", "add", "eth1", "netns", h.name, "type", "veth", "peer", "name", port,
           "netns", lan.switch.name)
        lan.switch.exec("ip", "link", "set", port, "master", "br1", "up")
        h.exec("ip", "addr", "add", "10.1.0.%d/24" % h.index, "dev", "eth1")
        h.exec("ip", "link", "set", "eth1", "up")


def sync_config(priority, extra=""):
    return (configs.global_defs()
            + "vrrp_sync_group SG1 {\n    group {\n        VI_1\n        VI_2\n    }\n%s}\n"
            % extra
            + configs.vrrp_instance(name="VI_1", vrid=51, priority=priority, advert_int=FAST,
                                    vips=[VIP4 + "/24"])
            + configs.vrrp_instance(name="VI_2", vrid=52, priority=priority, advert_int=FAST,
                                    interface="eth1", vips=[VIP4_B + "/24"]))


def both(d, want):
    wait_state(d, want, "VI_1", timeout=5)
    wait_state(d, want, "VI_2", timeout=5)


def group(d):
    return {g["name"]: g for g in d.status()["vrrp"]["sync_groups"]}["SG1"]


def test_sync_group_members_fault_and_recover_together(lan, vigild):
    add_second_lan(lan)
    a, b = start(vigild, lan, sync_config(150), sync_config(100))
    both(a, "MASTER")
    both(b, "BACKUP")
    g = group(a)
    assert g["state"] == "MASTER" and g["implemented"] is True
    assert g["members"] == ["VI_1", "VI_2"]

    lan[0].exec("ip", "link", "set", "eth1", "down")
    both(a, "FAULT")
    assert a.instance("VI_2")["last_transition"]["reason"] == "interface eth1: down"
    assert a.instance("VI_1")["last_transition"]["reason"] == \
        "sync group SG1: VI_2: interface eth1: down"
    assert group(a)["state"] == "FAULT" and group(a)["fault_member"] == "VI_2"
    both(b, "MASTER")
    assert has_vip(lan[1]) and not has_vip(lan[0])

    lan[0].exec("ip", "link", "set", "eth1", "up")
    both(a, "MASTER")
    both(b, "BACKUP")
    assert has_vip(lan[0]) and not has_vip(lan[1])
    assert group(b)["state"] == "BACKUP"


def test_sync_group_backup_waits_for_every_member(lan, vigild):
    """Only VI_1's LAN loses a: b's VI_2 still hears a's master, so b's
    VI_1 does not take over alone (keepalived prefers backup).  a runs
    with dont_track_primary so the cut leaves it master (a partition, not
    a fault)."""
    add_second_lan(lan)
    conf_a = sync_config(150).replace("    priority", "    dont_track_primary\n    priority")
    a, b = start(vigild, lan, conf_a, sync_config(100))
    both(a, "MASTER")
    both(b, "BACKUP")
    lan.cut(lan[0])                 # a's eth0 port: b's VI_1 hears nothing
    time.sleep(10 * FAST)           # several master down intervals
    assert state(b, "VI_1") == "BACKUP" and state(b, "VI_2") == "BACKUP"
    assert "waiting for the other members of sync group SG1" in b.log_text()
    # Now VI_2's master goes quiet too: both take over together.
    lan.switch.exec("ip", "link", "set", "q1", "down")
    both(b, "MASTER")
    assert b.instance("VI_1")["last_transition"]["reason"] == "master down timer expired"


# ---- reload -------------------------------------------------------------------------


def test_reload_moves_tracking_in_place_and_keeps_a_failing_script_down(host, vigild):
    """A new weight applies without restarting the instance; a vrrp_script
    whose settings did not change keeps its state (no flap out of FAULT);
    removing the tracking clears the FAULT."""
    a = vigild(host, "", name="a")
    path = a.write_file("prio", "6\n")
    text, rc = script_setup(a, weight=0)
    pre = text + "track_file tf {\n    file %s\n}\n" % path

    def conf(weight, track_script=True):
        extra = "    track_file {\n        tf weight %d\n    }\n" % weight
        if track_script:
            extra += "    track_script {\n        chk\n    }\n"
        return node(150, extra, pre=pre)
    a.write_config(conf(-10))
    a.start(workers=["vrrp"])
    wait_state(a, "MASTER")
    wait_effective(a, 90)
    write(rc, "1\n")
    wait_state(a, "FAULT", timeout=3)
    runs = a.status()["vrrp"]["vrrp_scripts"][0]["runs"]
    fault_at = a.instance("VI_1")["last_transition"]

    a.write_config(conf(-5))
    assert a.ctl("reload").returncode == 0
    wait_effective(a, 120)
    inst = a.instance("VI_1")
    assert inst["state"] == "FAULT" and inst["last_transition"] == fault_at, inst
    assert inst["stats"]["became_master"] == 1
    chk = a.status()["vrrp"]["vrrp_scripts"][0]
    assert chk["state"] == "DOWN" and chk["runs"] >= runs      # the same tracker

    a.write_config(conf(-5, track_script=False))
    assert a.ctl("reload").returncode == 0
    wait_state(a, "MASTER", timeout=5)
    assert a.status()["vrrp"]["vrrp_scripts"] == []
