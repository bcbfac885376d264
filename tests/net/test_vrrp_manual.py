"""Manual failback control: `vigilctl vrrp demote | maintenance | release`.

A pair on a LAN of namespaces, VRRPv3 with 100 ms adverts (master-down
interval about 0.36 s): node a (priority 150, preempt) is master, node b
(100) backup.  Demote makes a hand over with a priority 0 advert and stay
BACKUP for its hold time even though it would preempt; maintenance holds it
until released."""

import time

from vigiltest import configs

from test_vrrp_basic import (FAST, adverts, capture, master_down_s, node_config, skew_s,
                             start_pair, state, wait_state)

MARGIN = 1.0                    # generous: namespaces on a loaded CI host


def stays(d, want, seconds, name="VI_1"):
    """True when the instance is in `want` at every look over `seconds`."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if state(d, name) != want:
            return False
        time.sleep(FAST)
    return True


def test_demote_hands_over_with_priority_zero_and_holds(lan, vigild, tmp_path):
    a, b = start_pair(lan, vigild)
    cap = capture(lan[1], tmp_path, "demote")
    time.sleep(3 * FAST)
    hold = 3
    res = a.ctl("vrrp", "demote", "VI_1", "--hold", hold)
    demoted_at = time.monotonic()
    assert res.returncode == 0, res
    assert "VI_1: handed over" in res.stdout
    wait_state(b, "MASTER", timeout=skew_s(FAST, 100) + MARGIN)
    took = time.monotonic() - demoted_at
    print("demote: peer master %.3fs after the command (skew %.3fs)" % (took, skew_s(FAST, 100)))
    ia = a.instance("VI_1")
    assert ia["state"] == "BACKUP"
    assert ia["maintenance"] is True
    assert ia["held_until"] is not None and ia["held_until"].endswith("Z")
    assert ia["last_transition"]["cause"] == "demoted by operator"
    assert ia["stats"]["priority_zero_sent"] == 1
    # Held although it has the higher priority and preempts: several
    # master-down intervals pass with b's lower adverts on the wire.
    assert stays(a, "BACKUP", hold - took - 0.8), a.instance("VI_1")
    assert "until" in a.ctl("status").stdout
    # After the hold it preempts back, within a master-down interval.
    wait_state(a, "MASTER", timeout=1.0 + master_down_s(FAST, 150) + MARGIN)
    back = time.monotonic() - demoted_at
    assert back >= hold - 0.2, "preempted back after %.2fs, hold was %ds" % (back, hold)
    wait_state(b, "BACKUP")
    ia = a.instance("VI_1")
    assert ia["maintenance"] is False and ia["held_until"] is None
    zero = [p for p in adverts(cap.packets(), src=lan[0].addr4) if p[2] == 0]
    assert len(zero) == 1, "priority 0 adverts from a: %d" % len(zero)


def test_maintenance_keeps_the_higher_priority_node_backup_until_released(lan, vigild):
    a, b = start_pair(lan, vigild)
    res = a.ctl("vrrp", "maintenance", "VI_1")
    assert res.returncode == 0, res
    wait_state(b, "MASTER", timeout=skew_s(FAST, 100) + MARGIN)
    assert a.instance("VI_1")["last_transition"]["cause"] == "maintenance mode"
    # Many master-down intervals: still BACKUP, held with no end.
    assert stays(a, "BACKUP", 8 * master_down_s(FAST, 150)), a.instance("VI_1")
    ia = a.instance("VI_1")
    assert ia["maintenance"] is True and ia["held_until"] is None
    row = [l for l in a.ctl("status").stdout.splitlines() if l.startswith("VI_1")]
    assert row and " held " in row[0], row
    res = a.ctl("vrrp", "release", "all")
    assert res.returncode == 0, res
    assert "VI_1: released" in res.stdout
    wait_state(a, "MASTER", timeout=master_down_s(FAST, 150) + MARGIN)
    wait_state(b, "BACKUP")
    assert a.instance("VI_1")["maintenance"] is False


def test_maintenance_with_the_master_gone_takes_over_only_after_release(lan, vigild):
    a, b = start_pair(lan, vigild)
    res = b.ctl("vrrp", "maintenance", "all")
    assert res.returncode == 0 and "not master: held until released" in res.stdout, res
    a.stop()
    assert stays(b, "BACKUP", 6 * master_down_s(FAST, 100)), b.instance("VI_1")
    assert b.ctl("vrrp", "release", "VI_1").returncode == 0
    wait_state(b, "MASTER", timeout=master_down_s(FAST, 100) + MARGIN)


def test_demote_of_a_backup_just_holds_it(lan, vigild):
    a, b = start_pair(lan, vigild)
    res = b.ctl("vrrp", "demote", "VI_1", "--hold", "0")
    assert res.returncode == 0, res
    assert "was BACKUP, not master: held until released" in res.stdout
    ib = b.instance("VI_1")
    assert ib["maintenance"] is True and ib["held_until"] is None
    assert state(a) == "MASTER"


def test_unknown_instance_and_bad_usage(lan, vigild):
    a, _ = start_pair(lan, vigild)
    res = a.ctl("vrrp", "demote", "NOPE")
    assert res.returncode == 1, res
    assert "no such VRRP instance: NOPE" in res.stderr
    for args in (("vrrp",), ("vrrp", "demote"), ("vrrp", "frob", "VI_1"),
                 ("vrrp", "maintenance", "VI_1", "--hold", "5"),
                 ("vrrp", "demote", "VI_1", "--hold", "-1"),
                 ("status", "--hold", "5")):
        res = a.ctl(*args)
        assert res.returncode == 2, (args, res)
    assert state(a) == "MASTER"


def test_vrrp_command_against_a_checker_only_daemon(host, vigild):
    d = vigild(host, configs.checker_config()).start(workers=["checker"])
    res = d.ctl("vrrp", "maintenance", "all")
    assert res.returncode == 1, res
    assert "no VRRP worker running" in res.stderr
    assert "no vrrp_instance" in res.stderr


def test_vrrp_command_when_vigild_is_not_running(host, vigild):
    d = vigild(host, configs.checker_config())
    res = d.ctl("vrrp", "release", "all")
    assert res.returncode == 3, res


def test_demote_of_a_sync_group_member_moves_and_holds_the_whole_group(lan, vigild):
    """A sync group fails over as one: demoting one member hands over every
    member, and the hold keeps all of them backup (the others would preempt
    back at once otherwise), then they return together."""
    from test_vrrp_tracking import add_second_lan, both, sync_config
    add_second_lan(lan)
    a = vigild(lan[0], sync_config(150), name="a").start(workers=["vrrp"])
    b = vigild(lan[1], sync_config(100), name="b").start(workers=["vrrp"])
    both(a, "MASTER")
    both(b, "BACKUP")
    hold = 3
    res = a.ctl("vrrp", "demote", "VI_1", "--hold", hold)
    demoted_at = time.monotonic()
    assert res.returncode == 0, res
    both(b, "MASTER")
    assert stays(a, "BACKUP", hold - (time.monotonic() - demoted_at) - 0.8, "VI_1")
    assert state(a, "VI_2") == "BACKUP", a.instance("VI_2")
    assert state(b, "VI_1") == "MASTER" and state(b, "VI_2") == "MASTER"
    both(a, "MASTER")
    assert time.monotonic() - demoted_at >= hold - 0.2
    both(b, "BACKUP")


def test_maintenance_of_a_sync_group_member_holds_the_group_until_released(lan, vigild):
    from test_vrrp_tracking import add_second_lan, both, sync_config
    add_second_lan(lan)
    a = vigild(lan[0], sync_config(150), name="a").start(workers=["vrrp"])
    b = vigild(lan[1], sync_config(100), name="b").start(workers=["vrrp"])
    both(a, "MASTER")
    both(b, "BACKUP")
    assert a.ctl("vrrp", "maintenance", "VI_2").returncode == 0
    both(b, "MASTER")
    both(a, "BACKUP")
    assert stays(a, "BACKUP", 1.5, "VI_1") and state(a, "VI_2") == "BACKUP"
    assert a.ctl("vrrp", "release", "VI_2").returncode == 0
    both(a, "MASTER")
    both(b, "BACKUP")
