"""Reloading: a changed valid configuration is taken, a broken one is
refused with FILE:LINE errors and the running one stays."""

import os
import re
import signal

import pytest

from vigiltest import configs


def reload_count(d):
    return d.status()["reloads"]["count"]


def reload_by_sighup(d):
    before = reload_count(d)
    d.signal(signal.SIGHUP)
    d.wait(lambda: reload_count(d) > before, "reloads.count to pass %d" % before)
    return None


def reload_by_vigilctl(d):
    return d.ctl("reload")


RELOADERS = {"sighup": reload_by_sighup, "vigilctl": reload_by_vigilctl}


@pytest.mark.parametrize("how", sorted(RELOADERS))
def test_changed_priority_shows_after_reload(host, vigild, how):
    d = vigild(host, configs.vrrp_config(priority=100)).start(workers=["vrrp"])
    assert d.instance("VI_1")["priority"] == 100
    d.write_config(configs.vrrp_config(priority=150))
    res = RELOADERS[how](d)
    if res is not None:
        assert res.returncode == 0, res
    d.wait(lambda: d.instance("VI_1")["priority"] == 150, "priority 150 in status")
    st = d.status()
    assert st["reloads"]["count"] == 1
    assert st["reloads"]["last"]["result"] == "ok"
    assert st["reloads"]["last"]["errors"] == []
    assert st["pid"] == d.pid


def broken_config():
    """A valid instance followed by an unknown keyword; returns the text and
    the line of the error."""
    text = configs.vrrp_config(priority=170) + "no_such_keyword 1\n"
    return text, text.count("\n")


@pytest.mark.parametrize("how", sorted(RELOADERS))
def test_broken_config_is_refused_and_the_old_one_stays(host, vigild, how):
    d = vigild(host, configs.vrrp_config(priority=100)).start(workers=["vrrp"])
    vrrp_pid = d.workers()["vrrp"]["pid"]
    text, line = broken_config()
    d.write_config(text)
    res = RELOADERS[how](d)
    where = "%s:%d: error:" % (d.config_path, line)
    if res is not None:
        assert res.returncode == 1, res
        assert where in res.stdout + res.stderr, res
    d.wait(lambda: d.status()["reloads"]["last"], "a reload outcome in status")
    st = d.status()
    last = st["reloads"]["last"]
    assert last["result"] == "refused"
    assert any(where in e for e in last["errors"]), last["errors"]
    assert d.running()
    assert d.instance("VI_1")["priority"] == 100
    workers = d.workers()
    assert workers["vrrp"]["state"] == "running"
    assert workers["vrrp"]["pid"] == vrrp_pid


def test_good_reload_after_a_refused_one_is_taken(host, vigild):
    d = vigild(host, configs.vrrp_config(priority=100)).start(workers=["vrrp"])
    d.write_config(broken_config()[0])
    assert d.ctl("reload").returncode == 1
    d.write_config(configs.vrrp_config(priority=120))
    res = d.ctl("reload")
    assert res.returncode == 0, res
    d.wait(lambda: d.instance("VI_1")["priority"] == 120, "priority 120 in status")
    st = d.status()
    assert st["reloads"]["count"] >= 1
    assert st["reloads"]["last"]["result"] == "ok"


def test_reload_error_names_an_included_file(host, vigild):
    d = vigild(host, configs.global_defs() + "include parts/*.conf\n")
    d.write_file("parts/vi.conf", configs.vrrp_instance(priority=100))
    d.start(workers=["vrrp"])
    bad = configs.vrrp_instance(priority=100).replace("priority 100", "priority 300")
    part = d.write_file("parts/vi.conf", bad)
    line = bad.splitlines().index("    priority 300") + 1
    res = d.ctl("reload")
    assert res.returncode == 1, res
    assert re.search(r"%s:%d: error:" % (re.escape(part), line), res.stdout + res.stderr), res
    assert d.instance("VI_1")["priority"] == 100


def test_reload_of_a_vanished_config_file_is_refused(host, vigild):
    d = vigild(host, configs.vrrp_config(priority=100)).start(workers=["vrrp"])
    os.unlink(d.config_path)
    res = d.ctl("reload")
    assert res.returncode == 1, res
    assert d.config_path in res.stdout + res.stderr, res
    st = d.status()
    assert st["reloads"]["last"]["result"] == "refused"
    assert d.running()
    assert d.instance("VI_1")["priority"] == 100
