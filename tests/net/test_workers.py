"""The parent supervises its workers: a killed worker comes back, a worker
that cannot start does not take the daemon down."""

import os
import signal

import pytest

from vigiltest import configs
from vigiltest.daemon import pid_alive, read_pid_file


def restarted_worker(d, name, old_pid):
    """The worker's status if it runs under a pid other than old_pid (one
    status snapshot: the state and pid must come from the same answer)."""
    w = d.workers()[name]
    return w["state"] == "running" and w["pid"] not in (old_pid, None) and w


@pytest.mark.parametrize("worker", ["vrrp", "checker"])
def test_killed_worker_is_restarted(host, vigild, worker):
    d = vigild(host, configs.both_config()).start(workers=["vrrp", "checker"])
    before = d.workers()
    old_pid = before[worker]["pid"]
    os.kill(old_pid, signal.SIGKILL)

    w = d.wait(lambda: restarted_worker(d, worker, old_pid),
               "the %s worker to run again under a new pid" % worker, timeout=15)
    assert w["restarts"] >= 1
    assert pid_alive(w["pid"])
    assert read_pid_file(d.worker_pid_files[worker]) == w["pid"]
    # The other worker was left alone.
    other = "checker" if worker == "vrrp" else "vrrp"
    assert d.workers()[other]["pid"] == before[other]["pid"]
    assert d.workers()[other]["restarts"] == 0
    assert d.status()["pid"] == d.pid


def test_restart_counter_grows_with_each_kill(host, vigild):
    d = vigild(host, configs.vrrp_config()).start(workers=["vrrp"])
    for expected in (1, 2):
        old_pid = d.workers()["vrrp"]["pid"]
        os.kill(old_pid, signal.SIGKILL)
        w = d.wait(lambda: restarted_worker(d, "vrrp", old_pid),
                   "restart %d of the vrrp worker" % expected, timeout=20)
        assert w["restarts"] == expected


def test_worker_whose_config_no_longer_loads_waits_for_a_fixing_reload(host, vigild):
    """The file on disk is broken (no reload asked), then the worker dies:
    its restart cannot load the file.  The parent stays up, reports
    config-error with the file and line in its log, and does not spin; a
    reload of the fixed file brings the worker back."""
    d = vigild(host, configs.vrrp_config()).start(workers=["vrrp"])
    old_pid = d.workers()["vrrp"]["pid"]
    broken = configs.vrrp_config() + "no_such_keyword 1\n"
    d.write_config(broken)
    os.kill(old_pid, signal.SIGKILL)
    d.wait(lambda: d.workers()["vrrp"]["state"] == "config-error",
           "the vrrp worker to report config-error", timeout=15)
    assert "%s:%d:" % (d.config_path, broken.count("\n")) in d.log_text()
    assert d.running()
    assert d.status()["pid"] == d.pid
    w = d.workers()["vrrp"]
    assert w["pid"] is None or not pid_alive(w["pid"])
    d.write_config(configs.vrrp_config())
    res = d.ctl("reload")
    assert res.returncode == 0, res
    w = d.wait(lambda: restarted_worker(d, "vrrp", old_pid),
               "the vrrp worker to run again after the reload", timeout=15)
    assert w["restarts"] >= 1
