"""vigild's life cycle in a namespace: start, status, stop, pid files."""

import os
import re
import signal

from vigiltest import configs
from vigiltest.daemon import pid_alive, read_pid_file
from vigiltest.wait import wait_for

WORKER_STATES = {"running", "starting", "backoff", "config-error", "unresponsive", "stopped"}


def running_workers(d):
    return {name for name, w in d.workers().items() if w["state"] == "running"}


def test_vrrp_config_starts_the_vrrp_worker_and_reports_the_instance(host, vigild):
    d = vigild(host, configs.vrrp_config(vrid=51, priority=100, vips=["10.0.0.100/24"]))
    d.start(workers=["vrrp"])
    st = d.status()
    assert st["pid"] == d.pid
    assert st["version"]
    assert st["config_file"] == d.config_path
    assert st["uptime_s"] >= 0
    assert st["reloads"]["count"] == 0
    workers = {w["name"]: w for w in st["workers"]}
    assert workers["vrrp"]["state"] == "running"
    assert workers["vrrp"]["pid"] == read_pid_file(d.worker_pid_files["vrrp"])
    assert pid_alive(workers["vrrp"]["pid"])
    assert "checker" not in running_workers(d)
    assert all(w["state"] in WORKER_STATES for w in st["workers"])

    [inst] = st["vrrp"]["instances"]
    assert inst["name"] == "VI_1"
    # Just started, alone on the LAN, with 1 s adverts: not yet master
    # unless the master-down interval (over 3 s) has passed.
    assert inst["state"] in ("INIT", "BACKUP") or st["uptime_s"] >= 3, inst
    assert inst["vrid"] == 51
    assert inst["interface"] == "eth0"
    assert inst["priority"] == 100
    assert inst["version"] == 3
    assert any(str(v).startswith("10.0.0.100") for v in inst["vips"]), inst["vips"]


def test_pid_files_hold_the_daemon_and_worker_pids(host, vigild):
    d = vigild(host, configs.vrrp_config()).start(workers=["vrrp"])
    assert read_pid_file(d.pid_file) == d.pid
    assert read_pid_file(d.worker_pid_files["vrrp"]) == d.workers()["vrrp"]["pid"]
    assert os.path.exists(d.socket)


def test_checker_config_starts_the_checker_and_sees_no_ipvs_here(host, vigild):
    d = vigild(host, configs.checker_config()).start(workers=["checker"])
    st = d.status()
    assert "checker" in running_workers(d)
    assert "vrrp" not in running_workers(d)
    # The host kernel has no IPVS (the VM tier covers a kernel with it).
    assert st["ipvs"] is not None
    assert st["ipvs"]["available"] is False
    assert st["virtual_servers"] is not None


def test_config_id_from_the_command_line_shows_in_status(host, vigild):
    d = vigild(host, configs.vrrp_config()).start("-i", "lb-west", workers=["vrrp"])
    assert d.status()["config_id"] == "lb-west"


def test_only_vrrp_with_P(host, vigild):
    d = vigild(host, configs.both_config()).start("-P", workers=["vrrp"])
    assert running_workers(d) == {"vrrp"}
    assert not os.path.exists(d.worker_pid_files["checker"])


def test_only_checker_with_C(host, vigild):
    d = vigild(host, configs.both_config()).start("-C", workers=["checker"])
    assert running_workers(d) == {"checker"}
    assert not os.path.exists(d.worker_pid_files["vrrp"])


def test_both_workers_for_a_config_with_both(host, vigild):
    d = vigild(host, configs.both_config()).start(workers=["vrrp", "checker"])
    assert running_workers(d) == {"vrrp", "checker"}


def test_status_table_names_the_workers_and_instance(host, vigild):
    d = vigild(host, configs.vrrp_config(name="VI_table")).start(workers=["vrrp"])
    res = d.ctl("status")
    assert res.returncode == 0, res
    assert "VI_table" in res.stdout
    assert "vrrp" in res.stdout and "running" in res.stdout
    # What each process costs: the parent on its line, workers in columns.
    head = re.search(r"^vigild .*, rss ([0-9.]+) MiB, cpu ([0-9.]+) s$", res.stdout, re.M)
    assert head and float(head.group(1)) > 0, res.stdout
    lines = res.stdout.splitlines()
    header = next(l for l in lines if l.startswith("WORKER")).split()
    assert header[-2:] == ["RSS(MiB)", "CPU(s)"], header
    row = next(l for l in lines if l.startswith("vrrp ")).split()
    assert row[1] == "running" and float(row[-2]) > 0 and float(row[-1]) >= 0, row
    # No mail configured: no mail line.
    assert "mail:" not in res.stdout


def _assert_stopped_cleanly(d, worker_pids):
    assert not os.path.exists(d.pid_file), "pid file left behind"
    for path in d.worker_pid_files.values():
        assert not os.path.exists(path), "worker pid file %s left behind" % path
    assert not os.path.exists(d.socket), "control socket left behind"
    for pid in worker_pids:
        wait_for(lambda: not pid_alive(pid), 5, "worker %d to exit" % pid,
                 diagnose=d.diagnose)


def test_vigilctl_stop_stops_everything_and_removes_files(host, vigild):
    d = vigild(host, configs.both_config()).start(workers=["vrrp", "checker"])
    worker_pids = [w["pid"] for w in d.workers().values()]
    res = d.ctl("stop")
    assert res.returncode == 0, res
    assert d.wait_exit(10) == 0
    _assert_stopped_cleanly(d, worker_pids)


def test_sigterm_stops_everything_and_removes_files(host, vigild):
    d = vigild(host, configs.both_config()).start(workers=["vrrp", "checker"])
    worker_pids = [w["pid"] for w in d.workers().values()]
    d.signal(signal.SIGTERM)
    assert d.wait_exit(10) == 0
    _assert_stopped_cleanly(d, worker_pids)


def test_second_daemon_with_the_same_pid_file_is_refused(host, vigild):
    first = vigild(host, configs.vrrp_config(), name="first").start(workers=["vrrp"])
    second = vigild(host, configs.vrrp_config(), name="second")
    second.pid_file = first.pid_file
    proc = second.spawn()
    second.proc = proc
    rc = second.wait_exit(10)
    assert rc != 0
    assert "already running" in second.log_text(), second.log_tail()
    assert first.running()
    assert first.status()["pid"] == first.pid
    assert read_pid_file(first.pid_file) == first.pid


def test_stale_pid_file_after_kill_9_does_not_block_a_new_start(host, vigild):
    d = vigild(host, configs.vrrp_config()).start(workers=["vrrp"])
    old_pid = d.pid
    old_worker = d.workers()["vrrp"]["pid"]
    d.signal(signal.SIGKILL)
    d.proc.wait(5)
    assert read_pid_file(d.pid_file) == old_pid, "a SIGKILLed daemon cannot remove its pid file"
    wait_for(lambda: not pid_alive(old_worker), 10, "the orphaned vrrp worker to exit",
             diagnose=d.diagnose)
    d.start(workers=["vrrp"])
    assert d.pid != old_pid
    assert d.status()["pid"] == d.pid
    assert read_pid_file(d.pid_file) == d.pid


def test_vigilctl_without_a_daemon_exits_3(host, build, tmp_path):
    sock = tmp_path / "nobody-listens.sock"
    proc = host.exec(build.vigilctl, "-s", sock, "status", check=False)
    assert proc.returncode == 3, proc
    assert "vigild is not running" in proc.stdout + proc.stderr
    proc = host.exec(build.vigilctl, "-s", sock, "status", "--json", check=False)
    assert proc.returncode == 3, proc


def test_broken_config_at_start_is_refused_with_file_and_line(host, vigild):
    text = configs.vrrp_config() + "no_such_keyword 1\n"
    d = vigild(host, text)
    d.proc = d.spawn()
    rc = d.wait_exit(10)
    assert rc not in (0, None)
    assert "%s:%d: error:" % (d.config_path, text.count("\n")) in d.log_text(), d.log_tail()
    assert not os.path.exists(d.pid_file)
    assert not os.path.exists(d.socket)


def test_daemon_and_workers_run_in_the_hosts_namespace(host, vigild):
    d = vigild(host, configs.both_config()).start(workers=["vrrp", "checker"])
    in_namespace = set(host.pids())
    assert d.pid in in_namespace
    for name, w in d.workers().items():
        assert w["pid"] in in_namespace, name
