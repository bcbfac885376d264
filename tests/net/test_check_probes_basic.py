"""TCP_CHECK, UDP_CHECK and PING_CHECK against real servers in namespaces.

Host 1 (10.0.0.1, fd00::1) runs the probe through tests/tools/check_probe_tool;
host 2 (10.0.0.2, fd00::2) runs small Python servers.  Every case asserts
the outcome name the probe reports.  Losses are made with a blackhole route
in the server's namespace (its answers vanish, as with a firewall drop rule:
this host has neither nftables nor tc actions), unreachability with an
`unreachable` route on the client.
"""

import json
import os
import subprocess
import time

import pytest

PYTHON = "/usr/bin/python3"

# A server for host 2: prints "ready" once listening, then one line per
# client (TCP: "peer ADDR PORT"; UDP: "got HEX").
SERVER = r"""
import socket, sys
kind, addr, port, reply = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
if kind == "tcp":
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port)); s.listen(16)
    print("ready", flush=True)
    while True:
        c, peer = s.accept()
        print("peer %s %d" % (peer[0], peer[1]), flush=True)
        c.close()
else:
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.bind((addr, port))
    print("ready", flush=True)
    while True:
        data, peer = s.recvfrom(65535)
        print("got %s" % data.hex(), flush=True)
        if reply == "echo":
            s.sendto(data, peer)
        elif reply != "silent":
            s.sendto(bytes.fromhex(reply), peer)
"""


@pytest.fixture
def tool(build):
    path = os.path.join(build.path, "tests", "tools", "check_probe_tool")
    if not os.access(path, os.X_OK):
        pytest.fail("not built: %s" % path)
    return path


@pytest.fixture
def net(make_lan):
    lan = make_lan(2)
    client, server = lan[0], lan[1]
    # neighbours resolved before timing-sensitive cases
    client.exec("ping", "-c1", "-W1", server.addr4, check=False)
    return client, server


@pytest.fixture
def servers():
    procs = []

    def start(host, kind, addr, port, reply="-"):
        p = host.popen(PYTHON, "-c", SERVER, kind, addr, port, reply,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        procs.append(p)
        line = p.stdout.readline().strip()
        assert line == "ready", "server did not start: %s %s" % (line, p.stderr.read())
        return p
    yield start
    for p in procs:
        p.kill()
        p.wait()


def run_probe(tool, host, tmp_path, body, count=1, vs="10.0.0.100 80", rs="10.0.0.2 8080",
              proto=""):
    conf = tmp_path / "probe.conf"
    conf.write_text("virtual_server %s {\n%s  real_server %s {\n%s\n  }\n}\n"
                    % (vs, proto, rs, body))
    argv = [tool] + (["-n", str(count)] if count != 1 else []) + [str(conf)]
    res = host.exec(*argv, check=False, timeout=20)
    assert res.returncode in (0, 1), "tool failed (%d): %s" % (res.returncode, res.stderr)
    results = [json.loads(line) for line in res.stdout.splitlines()]
    assert len(results) == count, res.stdout
    for r in results:
        assert set(r) == {"outcome", "detail", "text", "weight", "latency_us"}
    assert res.returncode == (0 if results[-1]["outcome"] == "ok" else 1)
    return results[0] if count == 1 else results


def outcome(*args, **kw):
    return run_probe(*args, **kw)["outcome"]


TCP = "    TCP_CHECK {\n      connect_timeout 0.5\n%s    }"
UDP = "    UDP_CHECK {\n      connect_timeout 0.5\n%s    }"
PING = "    PING_CHECK {\n      connect_timeout 0.5\n    }"
UDP_PROTO = "  protocol UDP\n"


# ---- TCP_CHECK ----

def test_tcp_up_refused(tool, net, servers, tmp_path):
    client, server = net
    servers(server, "tcp", server.addr4, 8080)
    r = run_probe(tool, client, tmp_path, TCP % "", count=2)
    assert [x["outcome"] for x in r] == ["ok", "ok"]
    assert 0 < r[0]["latency_us"] < 500000
    r = run_probe(tool, client, tmp_path, TCP % "", rs="10.0.0.2 8081")
    assert r["outcome"] == "connect-refused"
    assert r["detail"] == 111


def test_tcp_timeout_when_answers_are_dropped(tool, net, servers, tmp_path):
    client, server = net
    servers(server, "tcp", server.addr4, 8080)
    server.exec("ip", "route", "add", "blackhole", "%s/32" % client.addr4)
    r = run_probe(tool, client, tmp_path, TCP % "")
    assert r["outcome"] == "timeout"
    assert 450000 <= r["latency_us"] < 2000000


def test_tcp_unreachable(tool, net, tmp_path):
    client, _ = net
    client.exec("ip", "route", "add", "unreachable", "10.0.0.99/32")
    assert outcome(tool, client, tmp_path, TCP % "", rs="10.0.0.99 8080") == "unreachable"


def test_tcp_connect_ip_and_port_override(tool, net, servers, tmp_path):
    client, server = net
    servers(server, "tcp", server.addr4, 8080)
    body = TCP % "      connect_port 8080\n"
    assert outcome(tool, client, tmp_path, body, rs="10.0.0.2 8081") == "ok"
    body = TCP % "      connect_ip 10.0.0.2\n"
    assert outcome(tool, client, tmp_path, body, rs="10.0.0.3 8080") == "ok"
    # and the override really is what is probed: a refused port stays refused
    body = TCP % "      connect_port 8081\n"
    assert outcome(tool, client, tmp_path, body, rs="10.0.0.2 8080") == "connect-refused"


def test_tcp_bindto_seen_by_server(tool, net, servers, tmp_path):
    client, server = net
    client.exec("ip", "addr", "add", "10.0.0.11/24", "dev", "eth0")
    srv = servers(server, "tcp", server.addr4, 8080)
    body = TCP % "      bindto 10.0.0.11\n      bind_port 40001\n"
    assert outcome(tool, client, tmp_path, body) == "ok"
    assert srv.stdout.readline().split() == ["peer", "10.0.0.11", "40001"]
    # a source the host does not have fails clearly
    body = TCP % "      bindto 10.0.0.12\n"
    r = run_probe(tool, client, tmp_path, body)
    assert r["outcome"] == "connect-error"
    assert "Cannot assign requested address" in r["text"]


def test_tcp_ipv6(tool, net, servers, tmp_path):
    client, server = net
    servers(server, "tcp", server.addr6, 8080)
    assert outcome(tool, client, tmp_path, TCP % "", vs="fd00::100 80",
                   rs="fd00::2 8080") == "ok"
    assert outcome(tool, client, tmp_path, TCP % "", vs="fd00::100 80",
                   rs="fd00::2 8081") == "connect-refused"


# ---- UDP_CHECK ----

def udp(tool, client, tmp_path, body, **kw):
    return run_probe(tool, client, tmp_path, UDP % body, vs="10.0.0.100 53",
                     rs="10.0.0.2 5353", proto=UDP_PROTO, **kw)


def test_udp_matching_and_wrong_reply(tool, net, servers, tmp_path):
    client, server = net
    srv = servers(server, "udp", server.addr4, 5353, "4f4b0a")
    r = udp(tool, client, tmp_path, "      payload 01 02 03\n      require_reply 4f 4B\n")
    assert r["outcome"] == "ok", r
    assert srv.stdout.readline().split() == ["got", "010203"]
    r = udp(tool, client, tmp_path, "      payload 01\n      require_reply 4f 4C\n")
    assert r["outcome"] == "bad-reply", r
    # X digits ignore what the server puts there
    r = udp(tool, client, tmp_path, "      payload 01\n      require_reply 4f xx 0X\n")
    assert r["outcome"] == "ok", r
    r = udp(tool, client, tmp_path, "      require_reply\n      min_reply_length 4\n")
    assert r["outcome"] == "bad-reply" and "too short" in r["text"], r


def test_udp_random_payload_echoed(tool, net, servers, tmp_path):
    client, server = net
    srv = servers(server, "udp", server.addr4, 5353, "echo")
    r = udp(tool, client, tmp_path, "      require_reply\n", count=2)
    assert [x["outcome"] for x in r] == ["ok", "ok"]
    first = srv.stdout.readline().split()
    second = srv.stdout.readline().split()
    assert first[0] == "got" and len(first[1]) >= 2 and first[1] != second[1]


def test_udp_icmp_port_unreachable(tool, net, tmp_path):
    client, _ = net
    r = udp(tool, client, tmp_path, "      require_reply\n")
    assert r["outcome"] == "connect-refused", r
    r = udp(tool, client, tmp_path, "")
    assert r["outcome"] == "connect-refused", r


def test_udp_silent_server(tool, net, servers, tmp_path):
    client, server = net
    srv = servers(server, "udp", server.addr4, 5353, "silent")
    r = udp(tool, client, tmp_path, "      require_reply\n")
    assert r["outcome"] == "timeout", r
    assert srv.stdout.readline().startswith("got ")
    r = udp(tool, client, tmp_path, "")
    assert r["outcome"] == "ok", r
    assert r["latency_us"] >= 450000


def test_udp_unreachable(tool, net, tmp_path):
    client, _ = net
    client.exec("ip", "route", "add", "unreachable", "10.0.0.99/32")
    r = run_probe(tool, client, tmp_path, UDP % "", vs="10.0.0.100 53",
                  rs="10.0.0.99 5353", proto=UDP_PROTO)
    assert r["outcome"] == "unreachable", r


# ---- PING_CHECK ----

def ping(tool, client, tmp_path, rs, v6=False):
    return run_probe(tool, client, tmp_path, PING, vs="fd00::100 80" if v6 else "10.0.0.100 80",
                     rs=rs)


@pytest.mark.parametrize("datagram", [False, True], ids=["raw", "datagram"])
def test_ping_up(tool, net, tmp_path, datagram):
    client, server = net
    # root may use unprivileged ICMP sockets only when ping_group_range says so
    rng = "0 0" if datagram else "1 0"
    client.exec("sysctl", "-qw", "net.ipv4.ping_group_range=%s" % rng)
    r = ping(tool, client, tmp_path, "%s 80" % server.addr4)
    assert r["outcome"] == "ok", r
    r = ping(tool, client, tmp_path, "%s 80" % server.addr6, v6=True)
    assert r["outcome"] == "ok", r


@pytest.mark.parametrize("datagram", [False, True], ids=["raw", "datagram"])
def test_ping_down(tool, net, tmp_path, datagram):
    client, _ = net
    rng = "0 0" if datagram else "1 0"
    client.exec("sysctl", "-qw", "net.ipv4.ping_group_range=%s" % rng)
    r = ping(tool, client, tmp_path, "10.0.0.50 80")
    assert r["outcome"] == "timeout", r
    r = ping(tool, client, tmp_path, "fd00::50 80", v6=True)
    assert r["outcome"] == "timeout", r


def test_ping_host_down_after_being_up(tool, net, tmp_path):
    client, server = net
    assert ping(tool, client, tmp_path, "%s 80" % server.addr4)["outcome"] == "ok"
    server.exec("ip", "route", "add", "blackhole", "%s/32" % client.addr4)
    assert ping(tool, client, tmp_path, "%s 80" % server.addr4)["outcome"] == "timeout"


def test_tool_usage_errors(tool, net, tmp_path):
    client, _ = net
    assert client.exec(tool, check=False).returncode == 2
    assert client.exec(tool, str(tmp_path / "missing.conf"), check=False).returncode == 2
    conf = tmp_path / "p.conf"
    conf.write_text("virtual_server 10.0.0.100 80 {\n  real_server 10.0.0.2 80 {\n%s\n  }\n}\n"
                    % (TCP % ""))
    res = client.exec(tool, str(conf), "0", "0", "1", check=False)
    assert res.returncode == 2 and "no checker 1" in res.stderr


def test_fwmark_and_bind_if_reach_the_socket(tool, net, servers, tmp_path):
    client, server = net
    servers(server, "tcp", server.addr4, 8080)
    # packets marked 7 are routed by a table that has nowhere to go
    client.exec("ip", "rule", "add", "fwmark", "7", "table", "100")
    client.exec("ip", "route", "add", "unreachable", "default", "table", "100")
    assert outcome(tool, client, tmp_path, TCP % "      fwmark 8\n") == "ok"
    assert outcome(tool, client, tmp_path, TCP % "      fwmark 7\n") == "unreachable"
    assert outcome(tool, client, tmp_path, PING.replace("{\n", "{\n      fwmark 7\n", 1),
                   rs="%s 80" % server.addr4) == "unreachable"
    assert outcome(tool, client, tmp_path, TCP % "      bind_if eth0\n") == "ok"
    # tied to lo, the SYN never reaches the wire
    assert outcome(tool, client, tmp_path, TCP % "      bind_if lo\n") == "timeout"


def link_local(host):
    """host's fe80:: address on eth0 once DAD is over."""
    for _ in range(100):
        out = host.exec("ip", "-6", "-o", "addr", "show", "dev", "eth0", "scope", "link").stdout
        if out and "tentative" not in out:
            return out.split()[3].split("/")[0]
        time.sleep(0.05)
    pytest.fail("no link-local address on %s: %r" % (host.name, out))


def test_ipv6_link_local_with_bind_if(tool, net, servers, tmp_path):
    client, server = net
    servers(server, "tcp", "::", 8080)
    srv_ll, cli_ll = link_local(server), link_local(client)
    body = TCP % ("      bindto %s\n      bind_if eth0\n" % cli_ll)
    assert outcome(tool, client, tmp_path, body, vs="fd00::100 80",
                   rs="%s 8080" % srv_ll) == "ok"
    assert outcome(tool, client, tmp_path, PING.replace("{\n", "{\n      bind_if eth0\n", 1),
                   vs="fd00::100 80", rs="%s 80" % srv_ll) == "ok"
