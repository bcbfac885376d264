"""`vigilctl check`: the Nagios/Icinga plugin.  Exit code and status line
follow the live state: OK for a healthy pair, CRITICAL for an instance not
in the state asked for and for a stopped vigild, WARNING for maintenance."""

from vigiltest import configs

from test_vrrp_basic import FAST, wait_state


def check(d, *expects):
    res = d.ctl("check", *expects)
    return res.returncode, res.stdout.strip()


def test_check_follows_the_state(lan, vigild):
    conf = configs.global_defs() + configs.vrrp_instance(priority=150, advert_int=FAST)
    a = vigild(lan[0], conf, name="a").start(workers=["vrrp"])
    wait_state(a, "MASTER", timeout=5)
    code, line = check(a)
    assert code == 0, line
    assert line.startswith("VIGIL OK - 1 master, 0 backup") and "| masters=1 backups=0" in line
    code, line = check(a, "VI_1=MASTER")
    assert code == 0, line
    code, line = check(a, "VI_1=BACKUP")
    assert code == 2 and line.startswith("VIGIL CRITICAL - VI_1 is MASTER"), line
    code, line = check(a, "NOPE=MASTER")
    assert code == 2 and "no instance NOPE" in line, line
    assert a.ctl("vrrp", "maintenance", "VI_1").returncode == 0
    wait_state(a, "BACKUP", timeout=5)
    code, line = check(a)
    assert code == 1 and "VI_1 held backup by an operator" in line, line
    assert "maintenance=1" in line
    assert check(a, "VI_1=LEADER")[0] == 2          # usage error: vigilctl's code 2
    assert a.stop() == 0
    code, line = check(a)
    assert code == 2 and line == "VIGIL CRITICAL - vigild is not running", line
