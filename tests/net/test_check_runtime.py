"""The checker worker's runtime in a namespace (no IPVS on this kernel):
TCP_CHECK and MISC_CHECK scheduling, fall/rise with delay_before_retry,
notify_up/notify_down and quorum_up/quorum_down scripts, omega, the
operator's drain/enable through vigilctl, reload as a diff (unchanged
servers keep their state; a removed real server leaves the status), alpha,
inhibit_on_failure and the sorry server.

One host; the backends are python listening sockets on extra addresses of
its eth0, and the checks use short intervals (delay_loop 1-2 s, retries
0.5 s apart)."""

import os
import subprocess
import time

from vigiltest import configs
from vigiltest.backends import TcpBackend
from vigiltest.wait import wait_for

VIP = "10.0.0.100"
RS1, RS2, RS3 = "10.0.0.11", "10.0.0.12", "10.0.0.13"
PORT = 8080
FALL, RISE = 3, 2            # retry 2 == fall 3
LOOP, RETRY_DELAY = 2, 0.5   # TCP_CHECK delay_loop and delay_before_retry

def script(d, name, body):
    path = d.write_file(name, "#!/bin/sh\n" + body)
    os.chmod(path, 0o755)
    return path


def lines(path):
    try:
        with open(path) as f:
            return [line.rstrip("\n") for line in f]
    except FileNotFoundError:
        return []


def real_server(d, addr, with_second=True):
    log = os.path.join(d.dir, "rs-%s.log" % addr)
    return ("    real_server %s %d {\n"
            "        weight 1\n"
            "        notify_up \"%s %s up\"\n"
            "        notify_down \"%s %s down\"\n"
            "        TCP_CHECK {\n"
            "            connect_timeout 1\n"
            "            retry %d\n"
            "            delay_loop %s\n"
            "            delay_before_retry %s\n"
            "            rise %d\n"
            "        }\n"
            "    }\n") % (addr, PORT, d.notify, log, d.notify, log, FALL - 1, LOOP, RETRY_DELAY, RISE)


def config(d, reals=(RS1, RS2)):
    quorum_log = os.path.join(d.dir, "quorum.log")
    return (configs.global_defs()
            + "virtual_server %s 80 {\n"
              "    delay_loop 1\n"
              "    lvs_sched rr\n"
              "    lvs_method NAT\n"
              "    protocol TCP\n"
              "    quorum 2\n"
              "    omega\n"
              "    quorum_up \"%s %s up\"\n"
              "    quorum_down \"%s %s down\"\n" % (VIP, d.notify, quorum_log, d.notify,
                                                    quorum_log)
            + "".join(real_server(d, a) for a in reals)
            + "}\n"
            + "virtual_server %s 81 {\n"
              "    delay_loop 1\n"
              "    protocol TCP\n"
              "    real_server %s 81 {\n"
              "        MISC_CHECK {\n"
              "            misc_path \"%s\"\n"
              "            misc_timeout 2\n"
              "        }\n"
              "    }\n"
              "}\n" % (VIP, RS3, d.misc))


def vs(st, port):
    for v in st["virtual_servers"]:
        if v["address"] == VIP and v["port"] == port:
            return v
    raise AssertionError("no virtual server %s:%d in %r" % (VIP, port, st["virtual_servers"]))


def rs(st, addr, port=80):
    for r in vs(st, port)["real_servers"]:
        if r["address"] == addr:
            return r
    raise AssertionError("no real server %s" % addr)


def wait_rs(d, addr, pred, what, timeout=10, port=80):
    return wait_for(lambda: (lambda r: pred(r) and r)(rs(d.status(), addr, port)), timeout,
                    "%s %s" % (addr, what), interval=0.1, diagnose=d.diagnose)


def start(host, vigild, backends=True):
    for a in (RS1, RS2, RS3, VIP):
        host.exec("ip", "addr", "add", "%s/24" % a, "dev", "eth0")
    d = vigild(host, "")
    d.notify = script(d, "notify.sh", 'echo "$2" >> "$1"\n')
    d.misc_ok = os.path.join(d.dir, "misc-ok")
    d.misc = script(d, "misc.sh", 'test -e "%s"\n' % d.misc_ok)
    with open(d.misc_ok, "w"):
        pass
    d.write_config(config(d))
    d.backends = {a: TcpBackend(host, a, PORT).start() for a in (RS1, RS2)} if backends else {}
    d.start(workers=["checker"])
    return d


def stop_backends(d):
    for b in d.backends.values():
        b.stop()


def test_checks_states_scripts_drain_and_reload(host, vigild):
    d = start(host, vigild)
    try:
        run_scenario(host, d)
    finally:
        stop_backends(d)


def run_scenario(host, d):
    rs_log = {a: os.path.join(d.dir, "rs-%s.log" % a) for a in (RS1, RS2)}
    quorum_log = os.path.join(d.dir, "quorum.log")

    # Both TCP real servers checked and up; no IPVS here, vigild runs on.
    for a in (RS1, RS2):
        wait_rs(d, a, lambda r: r["up"] and r["last_check"] and r["checked"], "checked and up")
    st = d.status()
    v = vs(st, 80)
    assert st["ipvs"]["available"] is False
    assert v["installed"] is False and v["not_installed_reason"]
    assert v["quorum"] == 2 and v["quorum_ok"] is True and v["live_weight"] == 2
    r1 = rs(st, RS1)
    assert r1["weight"] == 1 and r1["effective_weight"] == 1 and r1["drained"] is False
    [c] = r1["checkers"]
    assert c["type"] == "TCP_CHECK" and c["state"] == "up" and c["last_outcome"] == "ok"
    assert c["fall"] == FALL and c["rise"] == RISE
    # Not alpha: up from the start, so no notify_up ran.
    assert lines(rs_log[RS1]) == [] and lines(quorum_log) == []
    # MISC_CHECK: up while the script exits 0.
    wait_rs(d, RS3, lambda r: r["up"] and r["checkers"][0]["last_outcome"] == "ok",
            "MISC_CHECK ok", port=81)

    # Kill RS1's backend: the first refused connect comes within a
    # delay_loop; FALL - 1 more follow delay_before_retry apart (the faster
    # interval), then it is down.
    d.backends[RS1].stop()
    first = wait_rs(d, RS1, lambda r: r["checkers"][0]["consecutive_failures"] or not r["up"],
                    "first failure", timeout=LOOP + 3)
    t_first = time.monotonic()
    assert first["up"] is True, first
    r = wait_rs(d, RS1, lambda r: not r["up"], "down", timeout=FALL * LOOP + 3)
    took = time.monotonic() - t_first
    c = r["checkers"][0]
    assert r["last_failure_reason"] == "connect-refused", r
    assert r["last_failure_text"]
    assert c["outcomes"].get("connect-refused", 0) >= FALL, c
    assert c["transitions"] == 1
    # (FALL - 1) * delay_before_retry = 1 s; retrying at delay_loop would be 4 s.
    assert (FALL - 1) * RETRY_DELAY - 0.4 <= took <= (FALL - 1) * RETRY_DELAY + 1.5, took
    assert r["effective_weight"] == 0 and r["in_ipvs_table"] is False
    wait_for(lambda: lines(rs_log[RS1]) == ["down"], 3, "notify_down of RS1")
    # 1 < quorum 2: quorum lost, quorum_down ran.
    wait_for(lambda: lines(quorum_log) == ["down"], 3, "quorum_down")
    assert vs(d.status(), 80)["quorum_ok"] is False
    assert rs(d.status(), RS2)["up"] is True

    # Back: up after RISE successes.
    ok_before = rs(d.status(), RS1)["checkers"][0]["outcomes"].get("ok", 0)
    d.backends[RS1].start()
    r = wait_rs(d, RS1, lambda r: r["up"], "up again", timeout=LOOP + RISE + 5)
    assert r["checkers"][0]["outcomes"].get("ok", 0) - ok_before >= RISE, r
    assert r["last_failure_reason"] == "connect-refused"   # the last failure is kept
    wait_for(lambda: lines(rs_log[RS1]) == ["down", "up"], 3, "notify_up of RS1")
    wait_for(lambda: lines(quorum_log) == ["down", "up"], 3, "quorum_up")
    assert vs(d.status(), 80)["quorum_ok"] is True

    # MISC_CHECK down when the script fails (retry 0: at once).
    os.unlink(d.misc_ok)
    r = wait_rs(d, RS3, lambda r: not r["up"], "MISC_CHECK down", timeout=5, port=81)
    assert r["last_failure_reason"] == "script-exit"

    # Drain RS2: weight 0 at once, still up; the live weight drops below quorum.
    res = d.ctl("real-server", "drain", "%s:80" % VIP, "%s:%d" % (RS2, PORT))
    assert res.returncode == 0, res
    assert "drained" in res.stdout
    r = rs(d.status(), RS2)
    assert r["drained"] is True and r["effective_weight"] == 0 and r["up"] is True
    assert r["in_ipvs_table"] is True       # weight 0 until its connections are gone
    wait_for(lambda: lines(quorum_log) == ["down", "up", "down"], 3, "quorum_down on drain")
    # Unknown servers are refused with a reason.
    bad = d.ctl("real-server", "drain", "%s:80" % VIP, "10.0.0.99:1")
    assert bad.returncode == 1 and "no real server" in bad.stderr + bad.stdout
    bad = d.ctl("real-server", "drain", "%s:99" % VIP, "%s:%d" % (RS2, PORT))
    assert bad.returncode == 1 and "no such virtual server" in bad.stderr + bad.stdout
    table = d.ctl("status")
    assert table.returncode == 0 and "up,drained" in table.stdout, table.stdout
    assert "connect-refused" in table.stdout

    # A reload with the same configuration keeps states (and the drain):
    # no flap, no script runs, the counters go on.
    before = d.status()
    attempts = rs(before, RS1)["checkers"][0]["attempts"]
    res = d.ctl("reload")
    assert res.returncode == 0, res
    time.sleep(2.5)
    after = d.status()
    for a in (RS1, RS2):
        assert rs(after, a)["up"] is True
    assert rs(after, RS1)["checkers"][0]["attempts"] > attempts
    assert rs(after, RS1)["checkers"][0]["transitions"] == 2
    assert rs(after, RS2)["drained"] is True
    assert rs(after, RS3, 81)["up"] is False
    assert lines(rs_log[RS1]) == ["down", "up"] and lines(rs_log[RS2]) == []
    assert lines(quorum_log) == ["down", "up", "down"]

    # Enable: back to normal weight and quorum.
    res = d.ctl("real-server", "enable", "%s:80" % VIP, "%s:%d" % (RS2, PORT))
    assert res.returncode == 0, res
    r = rs(d.status(), RS2)
    assert r["drained"] is False and r["effective_weight"] == 1
    wait_for(lambda: lines(quorum_log) == ["down", "up", "down", "up"], 3, "quorum_up on enable")

    # A reload without RS2: it leaves the status; RS1 keeps its state.
    d.write_config(config(d, reals=(RS1,)))
    res = d.ctl("reload")
    assert res.returncode == 0, res
    st = d.status()
    assert [r["address"] for r in vs(st, 80)["real_servers"]] == [RS1]
    assert rs(st, RS1)["checkers"][0]["transitions"] == 2
    assert vs(st, 80)["quorum_ok"] is False      # 1 < quorum 2 now
    assert d.running()

    # omega: stopping runs notify_down of the up real servers (quorum is
    # already lost, so no quorum_down).
    assert d.stop() == 0
    assert lines(rs_log[RS1]) == ["down", "up", "down"]
    assert lines(quorum_log) == ["down", "up", "down", "up", "down"]


def test_reload_to_no_virtual_server_keeps_the_checker(host, vigild):
    """keepalived keeps its checker process when a reload removes the last
    virtual server; so does vigild (the reload, not a stop, is what takes
    them out of the kernel, -I or not), and a later reload gives it work
    again."""
    d = start(host, vigild)
    try:
        wait_rs(d, RS1, lambda r: r["up"] is True, "up")
        pid = d.workers()["checker"]["pid"]
        d.write_config(configs.global_defs())
        assert d.ctl("reload").returncode == 0
        w = d.workers()["checker"]
        assert w["state"] == "running" and w["pid"] == pid, w
        assert d.status()["virtual_servers"] == []
        d.write_config(config(d))
        assert d.ctl("reload").returncode == 0
        wait_rs(d, RS1, lambda r: r["up"] is True and r["last_check"], "checked again")
        assert d.workers()["checker"]["pid"] == pid
    finally:
        stop_backends(d)


def test_alpha_inhibit_on_failure_and_sorry_server(host, vigild):
    for a in (RS1, RS2, VIP):
        host.exec("ip", "addr", "add", "%s/24" % a, "dev", "eth0")
    d = vigild(host, "")
    d.notify = script(d, "notify.sh", 'echo "$2" >> "$1"\n')
    log = os.path.join(d.dir, "rs1.log")
    text = (configs.global_defs()
                   + "virtual_server %s 80 {\n"
                     "    delay_loop 1\n"
                     "    alpha\n"
                     "    sorry_server 10.0.0.20 80\n"
                     "    real_server %s %d {\n"
                     "        weight 3\n"
                     "        inhibit_on_failure\n"
                     "        notify_up \"%s %s up\"\n"
                     "        TCP_CHECK {\n"
                     "            connect_timeout 1\n"
                     "            retry 1\n"
                     "            delay_before_retry 1\n"
                     "        }\n"
                     "    }\n"
                     "    real_server %s %d {\n"
                     "        TCP_CHECK {\n"
                     "            connect_timeout 1\n"
                     "        }\n"
                     "    }\n"
                     "}\n" % (VIP, RS1, PORT, d.notify, log, RS2, PORT))
    d.write_config(text)
    backend = TcpBackend(host, RS1, PORT).start()
    try:
        d.start(workers=["checker"])
        # alpha: RS1 starts down and comes up on its first good check,
        # which is a transition (notify_up runs); RS2 has no backend.
        r = wait_rs(d, RS1, lambda r: r["up"], "up after its first check", timeout=5)
        assert r["checkers"][0]["transitions"] == 1 and r["effective_weight"] == 3
        wait_for(lambda: lines(log) == ["up"], 3, "notify_up after alpha")
        r2 = wait_rs(d, RS2, lambda r: r["checked"], "checked", timeout=5)
        assert r2["up"] is False and r2["in_ipvs_table"] is False
        assert r2["last_failure_reason"] == "connect-refused"
        v = vs(d.status(), 80)
        assert v["quorum_ok"] is True and v["live_weight"] == 3
        assert v["sorry_server"]["active"] is False
        assert v["sorry_server"]["in_ipvs_table"] is False

        # RS1 fails twice (retry 1): down, kept at weight 0 (inhibit), but
        # with quorum lost the sorry server replaces every real server.
        backend.stop()
        r = wait_rs(d, RS1, lambda r: not r["up"], "down", timeout=6)
        assert r["checkers"][0]["outcomes"]["connect-refused"] >= 2
        v = vs(d.status(), 80)
        assert v["quorum_ok"] is False and v["live_weight"] == 0
        assert v["sorry_server"]["active"] is True
        assert v["sorry_server"]["in_ipvs_table"] is True
        assert v["sorry_server"]["effective_weight"] == 1
        assert all(not x["in_ipvs_table"] for x in v["real_servers"])

        # Without the sorry server (a reload that keeps RS1's state), the
        # down RS1 stays in IPVS at weight 0: inhibit_on_failure.
        d.write_config(text.replace("    sorry_server 10.0.0.20 80\n", ""))
        assert d.ctl("reload").returncode == 0
        v = vs(d.status(), 80)
        assert v["sorry_server"] is None
        r = rs(d.status(), RS1)
        assert r["up"] is False and r["checkers"][0]["transitions"] == 2
        assert r["in_ipvs_table"] is True and r["effective_weight"] == 0
        assert lines(log) == ["up"]
    finally:
        backend.stop()


def test_ha_suspend_waits_for_the_virtual_address(host, vigild):
    host.exec("ip", "addr", "add", "%s/24" % RS1, "dev", "eth0")
    d = vigild(host, configs.global_defs()
               + "virtual_server %s 80 {\n"
                 "    delay_loop 1\n"
                 "    warmup 0\n"
                 "    ha_suspend\n"
                 "    real_server %s %d {\n"
                 "        TCP_CHECK {\n"
                 "            connect_timeout 1\n"
                 "        }\n"
                 "    }\n"
                 "}\n" % (VIP, RS1, PORT))
    backend = TcpBackend(host, RS1, PORT).start()
    try:
        d.start(workers=["checker"])
        # The address is not on this host: no attempt is made.
        v = wait_for(lambda: (lambda v: v["suspended"] and v)(vs(d.status(), 80)), 5,
                     "the checks to be suspended", diagnose=d.diagnose)
        time.sleep(2)
        r = rs(d.status(), RS1)
        assert r["checkers"][0]["attempts"] == 0 and r["checkers"][0]["suspended"] is True
        assert r["up"] is True            # states are kept meanwhile
        # The address arrives (as on a new VRRP master): checks resume.
        host.exec("ip", "addr", "add", "%s/24" % VIP, "dev", "eth0")
        r = wait_rs(d, RS1, lambda r: r["checkers"][0]["attempts"] > 0, "checked", timeout=5)
        assert r["checkers"][0]["last_outcome"] == "ok"
        assert vs(d.status(), 80)["suspended"] is False
    finally:
        backend.stop()


def fd_count(pid):
    return len(os.listdir("/proc/%d/fd" % pid))


def test_out_of_descriptors_keeps_state_and_says_so(host, vigild):
    """With its open file limit down to the descriptors it already holds,
    the checker worker cannot open a socket: TCP_CHECK and HTTP_GET attempts
    end as "internal" (Too many open files) without taking the real
    servers down (retry 0: one real failure would), a rate-limited warning
    says so, and checks resume once descriptors are back."""
    host.exec("ip", "addr", "add", "%s/24" % RS1, "dev", "eth0")
    d = vigild(host, configs.global_defs()
               + "virtual_server %s 80 {\n"
                 "    delay_loop 1\n"
                 "    warmup 0\n"
                 "    protocol TCP\n"
                 "    real_server %s %d {\n"
                 "        TCP_CHECK {\n"
                 "            connect_timeout 1\n"
                 "            retry 0\n"
                 "        }\n"
                 "    }\n"
                 "    real_server %s %d {\n"
                 "        HTTP_GET {\n"
                 "            url {\n"
                 "                path /\n"
                 "                status_code 200\n"
                 "            }\n"
                 "            connect_timeout 1\n"
                 "            retry 0\n"
                 "        }\n"
                 "    }\n"
                 "}\n" % (VIP, RS1, PORT, RS1, PORT + 1))
    backend = TcpBackend(host, RS1, PORT).start()
    web = host.popen("/usr/bin/python3", "-m", "http.server", "--bind", RS1, str(PORT + 1),
                     "--directory", d.dir, stdin=subprocess.DEVNULL,
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: host.exec("ss", "-ltnH", "src", "%s:%d" % (RS1, PORT + 1),
                                   check=False).stdout.strip(), 5, "the web server to listen")
        d.start(workers=["checker"])

        def both_ok():
            return all(r["checkers"][0]["last_outcome"] == "ok"
                       for r in vs(d.status(), 80)["real_servers"])
        wait_for(both_ok, 10, "both checks ok", diagnose=d.diagnose)
        pid = d.worker_pids_from_files()["checker"]
        n = fd_count(pid)
        before = len(d.log_text())
        # the soft limit only: raising it back needs no privilege
        host.exec("prlimit", "--pid", str(pid), "--nofile=%d:" % n)

        def starved():
            rss = vs(d.status(), 80)["real_servers"]
            return all(r["checkers"][0]["last_outcome"] == "internal" for r in rss) and rss
        rss = wait_for(starved, 10, "both checks to fail for want of descriptors",
                       diagnose=d.diagnose)
        assert all(r["up"] for r in rss), rss
        text = d.log_text()[before:]
        assert "check not made, state kept" in text and "Too many open files" in text, text
        assert ": down" not in text, text
        host.exec("prlimit", "--pid", str(pid), "--nofile=%d:" % (n + 64))
        wait_for(both_ok, 10, "checks to resume", diagnose=d.diagnose)
        assert all(r["up"] for r in vs(d.status(), 80)["real_servers"])
    finally:
        web.kill()
        web.wait()
        backend.stop()
