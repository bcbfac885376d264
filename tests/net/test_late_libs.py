"""Optional libraries are loaded only by the process whose configuration
uses them (lib/late_lib.h): each library vigild would otherwise map costs
every process its relocated data (libcrypto alone ~400 KiB), so a plain
configuration must not map libcurl, libcrypto, net-snmp, libmicrohttpd,
libnftables or libsystemd anywhere, and a configuration using each of them
must get it in the right process, working.

The systemd part also checks the notifications themselves: READY, RELOADING
and STOPPING reach $NOTIFY_SOCKET."""

import os
import signal
import socket
import time

from vigiltest import configs

from test_vrrp_basic import wait_state

# What identifies each library in /proc/PID/maps.
LIBRARIES = {
    "libcurl": "/libcurl.so",
    "libcrypto": "/libcrypto.so",
    "net-snmp": "/libnetsnmp",
    "libmicrohttpd": "/libmicrohttpd.so",
    "libnftables": "/libnftables.so",
    "libsystemd": "/libsystemd.so",
}
METRICS_PORT = 9652


def mapped(pid):
    with open("/proc/%d/maps" % pid) as f:
        text = f.read()
    return {name for name, needle in LIBRARIES.items() if needle in text}


def processes(d):
    procs = {"parent": d.pid}
    procs.update(d.worker_pids_from_files())
    assert set(procs) == {"parent", "vrrp", "checker"}, procs
    return procs


def wait_checked(d, timeout=10):
    """Until the real server's checker has run once."""
    def checked():
        vss = d.status().get("virtual_servers") or []
        return vss and all(rs.get("last_check") for vs in vss for rs in vs["real_servers"])
    d.wait(checked, "a first health check", timeout)


def test_a_plain_configuration_loads_no_optional_library(lan, vigild):
    # HTTP_GET without a digest is plain configuration too: vigil speaks
    # HTTP itself (libcurl is SSL_GET's)
    http = ("virtual_server 10.0.0.101 80 {\n    delay_loop 1\n    lb_algo rr\n"
            "    lb_kind NAT\n    protocol TCP\n    real_server %s 80 {\n"
            "        HTTP_GET {\n            url {\n                path /\n"
            "            }\n            connect_timeout 1\n        }\n    }\n}\n" % lan[1].addr4)
    cfg = (configs.global_defs()
           + configs.vrrp_instance(priority=150, advert_int=0.1, extra="    accept\n")
           + configs.virtual_server(vip="10.0.0.100", real_servers=((lan[1].addr4, 80),),
                                    delay_loop=1)
           + http)
    d = vigild(lan[0], cfg).start(workers=["vrrp", "checker"])
    wait_state(d, "MASTER")
    wait_checked(d)
    for role, pid in processes(d).items():
        assert mapped(pid) == set(), "%s (pid %d) maps %s" % (role, pid, mapped(pid))


def notify_socket(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(path)
    s.settimeout(10)
    return s


def wait_message(sock, word):
    """The next datagram holding `word` (as a line); the others before it."""
    seen = []
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        msg = sock.recv(4096).decode()
        if word in msg.splitlines():
            return seen
        seen.append(msg)
    raise AssertionError("no %s in %r" % (word, seen))


def test_each_library_is_loaded_where_it_is_used(lan, vigild, workdir, monkeypatch):
    notify_path = os.path.join(workdir, "notify.sock")
    sock = notify_socket(notify_path)
    try:
        loaded_where_used(lan, vigild, workdir, monkeypatch, notify_path, sock)
    finally:
        sock.close()
        os.unlink(notify_path)


def loaded_where_used(lan, vigild, workdir, monkeypatch, notify_path, sock):
    monkeypatch.setenv("NOTIFY_SOCKET", notify_path)
    agentx = os.path.join(workdir, "agentx.sock")   # no master agent: the subagent retries
    glob = configs.global_defs().replace(
        "}\n", "    metrics_listen 127.0.0.1:%d\n    snmp_socket unix:%s\n"
        "    enable_snmp_vrrp\n    enable_snmp_checker\n}\n" % (METRICS_PORT, agentx), 1)
    # version 2 for AH (libcrypto in the VRRP worker); the
    # master filters its VIP with no_accept (libnftables); SSL_GET (libcurl)
    # with a digest (libcrypto) in the checker.
    vrrp = configs.vrrp_instance(priority=150, version=2, extra=(
        "    no_accept\n"
        "    authentication {\n        auth_type AH\n        auth_pass secret\n    }\n"))
    vs = ("virtual_server 10.0.0.100 80 {\n    delay_loop 1\n    lb_algo rr\n"
          "    lb_kind NAT\n    protocol TCP\n    real_server %s 80 {\n"
          "        SSL_GET {\n            url {\n                path /\n"
          "                digest 00000000000000000000000000000000\n            }\n"
          "            connect_timeout 1\n        }\n    }\n}\n" % lan[1].addr4)
    d = vigild(lan[0], glob + vrrp + vs).start(workers=["vrrp", "checker"])
    wait_message(sock, "READY=1")
    wait_state(d, "MASTER")
    wait_checked(d)
    procs = processes(d)
    want = {"parent": {"libmicrohttpd", "libsystemd"},
            "vrrp": {"net-snmp", "libnftables", "libcrypto"},
            "checker": {"libcurl", "libcrypto", "net-snmp"}}
    never = {"parent": {"libcurl", "net-snmp", "libnftables", "libcrypto"},
             "vrrp": {"libcurl", "libmicrohttpd", "libsystemd"},
             "checker": {"libmicrohttpd", "libsystemd", "libnftables"}}
    for role, pid in procs.items():
        got = mapped(pid)
        assert want[role] <= got and not (never[role] & got), "%s maps %s" % (role, got)
    # ... and each works: the endpoint answers, the filter is in place,
    # adverts are authenticated, the check ran through libcurl.
    res = lan[0].exec("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                      "http://127.0.0.1:%d/metrics" % METRICS_PORT, check=False)
    assert res.stdout == "200", res.stdout
    tables = lan[0].exec("nft", "list", "tables").stdout
    assert "vigil" in tables, tables
    assert d.instance("VI_1")["state"] == "MASTER"
    rs = d.status()["virtual_servers"][0]["real_servers"][0]
    # nothing listens on the real server: refused, as curl saw it (a
    # missing libcurl would be "internal")
    assert rs["last_failure_reason"] == "connect-refused", rs
    # systemd hears the reload and the stop.
    d.signal(signal.SIGHUP)
    wait_message(sock, "RELOADING=1")
    wait_message(sock, "READY=1")
    d.signal(signal.SIGTERM)
    wait_message(sock, "STOPPING=1")
    assert d.wait_exit() == 0
