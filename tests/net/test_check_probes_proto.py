"""SMTP_CHECK, DNS_CHECK, MISC_CHECK and FILE_CHECK attempts against real
backends, through tests/tools/check_probe_tool (one JSON line per attempt).

SMTP and DNS backends are small Python servers in the second host of a
two-host LAN; the tool runs in the first.  MISC_CHECK and FILE_CHECK need
no network: the tool runs them directly, on scripts and files made here.
"""

import json
import os
import subprocess
import sys

import pytest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("VIGIL_BUILD", os.path.join(REPO, "build"))
TOOL = os.path.join(BUILD, "tests", "tools", "check_probe_tool")

SMTP_PORT = 2525
DNS_PORT = 5353

# ---- backends ----------------------------------------------------------

SMTP_SERVER = r"""
import socket, sys
mode, port = sys.argv[1], int(sys.argv[2])
srv = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)   # IPv4 too, as mapped
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("::", port))
srv.listen(8)
print("ready", flush=True)

def line(f):
    return f.readline().decode(errors="replace").rstrip("\r\n")

while True:
    c, _ = srv.accept()
    if mode == "close":
        c.close()
        continue
    f = c.makefile("rb")
    if mode == "silent":
        f.readline()          # never sent: hold the connection open
        c.close()
        continue
    if mode == "garbage":
        c.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\n")
        c.close()
        continue
    if mode == "greet554":
        c.sendall(b"554 no service here\r\n")
        line(f)
        c.close()
        continue
    # the greeting arrives in two pieces and as a multi-line reply
    c.sendall(b"220-mx.test ESMTP\r\n22")
    c.sendall(b"0 ready\r\n")
    helo = line(f)
    print("got " + helo, flush=True)
    if mode == "helo550":
        c.sendall(b"550 not you\r\n")
        line(f)
        c.close()
        continue
    c.sendall(b"250-mx.test hello\r\n250 HELP\r\n")
    if line(f) == "QUIT":
        c.sendall(b"221 bye\r\n")
    c.close()
"""

DNS_SERVER = r"""
import socket, struct, sys
mode, port = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)     # IPv4 too, as mapped
s.bind(("::", port))
print("ready", flush=True)

RDATA = {1: bytes([10, 0, 0, 2]),
         28: bytes(15) + b"\x02",
         15: b"\x00\x0a\x04mail\xc0\x0c"}   # MX 10 mail.<question name>

while True:
    q, peer = s.recvfrom(4096)
    qid, flags, qd = struct.unpack("!HHH", q[:6])
    end = 12
    while q[end]:
        end += q[end] + 1
    question = q[12:end + 5]
    qtype = struct.unpack("!H", q[end + 1:end + 3])[0]
    print("query %d %s" % (qtype, q[12:end + 1].hex()), flush=True)
    if mode == "silent":
        continue
    rcode = 3 if mode == "nxdomain" else 0
    answers = b""
    count = 0
    if mode == "good" and qtype in RDATA:
        rd = RDATA[qtype]
        answers = b"\xc0\x0c" + struct.pack("!HHIH", qtype, 1, 300, len(rd)) + rd
        count = 1
    rid = qid ^ 0x5555 if mode == "wrongid" else qid
    rflags = 0x8000 | (flags & 0x0100) | 0x0080 | rcode
    reply = struct.pack("!HHHHHH", rid, rflags, 1, count, 0, 0) + question + answers
    if mode == "truncated":
        reply = struct.pack("!HHHHHH", rid, rflags, 1, 1, 0, 0) + question + b"\xc0"
    s.sendto(reply, peer)
"""


@pytest.fixture(scope="module")
def tool():
    if not os.access(TOOL, os.X_OK):
        pytest.fail("not built: %s (make tests/tools/check_probe_tool in $VIGIL_BUILD)" % TOOL)
    return TOOL


class Backend:
    """A Python server in a host namespace; stopped by the fixture."""

    def __init__(self, host, code, mode, port):
        self.proc = host.popen(sys.executable, "-u", "-c", code, mode, str(port),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        ready = self.proc.stdout.readline().strip()
        assert ready == "ready", "backend did not start: %s" % self.proc.stderr.read()

    def lines(self):
        """What the server printed since it started (stops it)."""
        self.stop()
        return self.proc.stdout.read().splitlines()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=5)


@pytest.fixture
def backends():
    made = []

    def start(host, code, mode, port):
        b = Backend(host, code, mode, port)
        made.append(b)
        return b
    yield start
    for b in made:
        b.stop()


def run_tool(tool, config_text, tmp_path, count=1, netns=None, timeout=20):
    path = tmp_path / "probe.conf"
    path.write_text(config_text)
    argv = [tool, "-n", str(count), str(path)]
    if netns is not None:
        argv = netns.argv(*argv)
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode in (0, 1), "tool failed (%d): %s" % (proc.returncode, proc.stderr)
    results = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    assert len(results) == count, proc.stdout + proc.stderr
    assert proc.returncode == (0 if results[-1]["outcome"] == "ok" else 1)
    return results


def lvs_config(rs_addr, rs_port, checker, extra=""):
    return """%s
virtual_server 10.0.0.100 %d {
    protocol TCP
    real_server %s %d {
%s
    }
}
""" % (extra, rs_port, rs_addr, rs_port, checker)


# ---- SMTP_CHECK --------------------------------------------------------

def smtp_config(lan, body=""):
    return lvs_config(lan[1].addr4, SMTP_PORT, """
        SMTP_CHECK {
            connect_timeout 1
%s
        }""" % body)


def test_smtp_good_dialogue_sends_helo_name(lan, backends, tool, tmp_path):
    srv = backends(lan[1], SMTP_SERVER, "good", SMTP_PORT)
    r = run_tool(tool, smtp_config(lan, "helo_name probe.vigil.test"), tmp_path, count=2,
                 netns=lan[0])
    assert [x["outcome"] for x in r] == ["ok", "ok"]
    assert srv.lines() == ["got HELO probe.vigil.test"] * 2


def test_smtp_default_helo_name_is_keepalived_s(lan, backends, tool, tmp_path):
    srv = backends(lan[1], SMTP_SERVER, "good", SMTP_PORT)
    r = run_tool(tool, smtp_config(lan), tmp_path, netns=lan[0])
    assert r[0]["outcome"] == "ok"
    assert srv.lines() == ["got HELO smtpchecker.keepalived.org"]


@pytest.mark.parametrize("mode,detail", [("greet554", 554), ("helo550", 550),
                                         ("close", 0), ("garbage", 0)])
def test_smtp_bad_server_is_a_protocol_failure(lan, backends, tool, tmp_path, mode, detail):
    backends(lan[1], SMTP_SERVER, mode, SMTP_PORT)
    r = run_tool(tool, smtp_config(lan), tmp_path, netns=lan[0])
    assert r[0]["outcome"] == "protocol", r
    assert r[0]["detail"] == detail


def test_smtp_over_ipv6(lan, backends, tool, tmp_path):
    srv = backends(lan[1], SMTP_SERVER, "good", SMTP_PORT)
    # connect_ip: the real server itself is IPv4, as its virtual server
    r = run_tool(tool, smtp_config(lan, "connect_ip " + lan[1].addr6), tmp_path, netns=lan[0])
    assert r[0]["outcome"] == "ok", r
    assert "[fd00::2]:%d" % SMTP_PORT in r[0]["text"]
    assert srv.lines() == ["got HELO smtpchecker.keepalived.org"]


def test_smtp_silent_server_times_out(lan, backends, tool, tmp_path):
    backends(lan[1], SMTP_SERVER, "silent", SMTP_PORT)
    r = run_tool(tool, smtp_config(lan), tmp_path, netns=lan[0])
    assert r[0]["outcome"] == "timeout"
    assert 900000 <= r[0]["latency_us"] < 3000000


def test_smtp_closed_port_is_refused(lan, tool, tmp_path):
    r = run_tool(tool, smtp_config(lan), tmp_path, netns=lan[0])
    assert r[0]["outcome"] == "connect-refused"


def test_smtp_hosts_must_all_pass(lan, backends, tool, tmp_path):
    """host{} blocks replace the check's own target; every host is tried
    in order and the first failure ends the attempt."""
    backends(lan[1], SMTP_SERVER, "good", SMTP_PORT)
    backends(lan[1], SMTP_SERVER, "helo550", SMTP_PORT + 1)
    good = "host {\n connect_port %d\n }" % SMTP_PORT
    bad = "host {\n connect_port %d\n }" % (SMTP_PORT + 1)
    r = run_tool(tool, smtp_config(lan, good + "\n" + good), tmp_path, netns=lan[0])
    assert r[0]["outcome"] == "ok"
    r = run_tool(tool, smtp_config(lan, good + "\n" + bad), tmp_path, netns=lan[0])
    assert (r[0]["outcome"], r[0]["detail"]) == ("protocol", 550)
    # a host on a closed port fails the attempt before the good one is tried
    closed = "host {\n connect_port %d\n }" % (SMTP_PORT + 2)
    r = run_tool(tool, smtp_config(lan, closed + "\n" + good), tmp_path, netns=lan[0])
    assert r[0]["outcome"] == "connect-refused"


# ---- DNS_CHECK ---------------------------------------------------------

def dns_config(lan, body=""):
    return lvs_config(lan[1].addr4, DNS_PORT, """
        DNS_CHECK {
            connect_timeout 1
%s
        }""" % body)


@pytest.mark.parametrize("qtype,code", [("A", 1), ("AAAA", 28), ("MX", 15)])
def test_dns_good_answer(lan, backends, tool, tmp_path, qtype, code):
    srv = backends(lan[1], DNS_SERVER, "good", DNS_PORT)
    r = run_tool(tool, dns_config(lan, "type %s\nname www.Example.org" % qtype), tmp_path,
                 netns=lan[0])
    assert r[0]["outcome"] == "ok", r
    assert srv.lines() == ["query %d %s" % (code, "03777777074578616d706c65036f726700")]


def test_dns_over_ipv6(lan, backends, tool, tmp_path):
    backends(lan[1], DNS_SERVER, "good", DNS_PORT)
    r = run_tool(tool, dns_config(lan, "type AAAA\nname a.test\nconnect_ip " + lan[1].addr6),
                 tmp_path, netns=lan[0])
    assert r[0]["outcome"] == "ok", r


def test_dns_defaults_to_soa_for_the_root(lan, backends, tool, tmp_path):
    srv = backends(lan[1], DNS_SERVER, "noanswer", DNS_PORT)
    r = run_tool(tool, dns_config(lan), tmp_path, netns=lan[0])
    # keepalived requires no answer records: NOERROR alone is up
    assert r[0]["outcome"] == "ok", r
    assert srv.lines() == ["query 6 00"]


def test_dns_nxdomain_is_a_protocol_failure(lan, backends, tool, tmp_path):
    backends(lan[1], DNS_SERVER, "nxdomain", DNS_PORT)
    r = run_tool(tool, dns_config(lan, "type A\nname nowhere.test"), tmp_path, netns=lan[0])
    assert (r[0]["outcome"], r[0]["detail"]) == ("protocol", 3)
    assert "NXDOMAIN" in r[0]["text"]


@pytest.mark.parametrize("mode,outcome", [("wrongid", "bad-reply"), ("truncated", "bad-reply"),
                                          ("silent", "timeout")])
def test_dns_bad_or_missing_answer(lan, backends, tool, tmp_path, mode, outcome):
    backends(lan[1], DNS_SERVER, mode, DNS_PORT)
    r = run_tool(tool, dns_config(lan, "type A\nname a.test"), tmp_path, netns=lan[0])
    assert r[0]["outcome"] == outcome, r


def test_dns_closed_port_is_refused(lan, tool, tmp_path):
    r = run_tool(tool, dns_config(lan), tmp_path, netns=lan[0])
    assert r[0]["outcome"] == "connect-refused", r
    assert r[0]["latency_us"] < 900000     # the ICMP error, not the timeout


# ---- MISC_CHECK --------------------------------------------------------

def script(tmp_path, name, body):
    path = tmp_path / name
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(0o755)
    return str(path)


def misc_config(command, body=""):
    return lvs_config("10.0.0.2", 80, """
        MISC_CHECK {
            misc_path "%s"
            misc_timeout 1
%s
        }""" % (command, body))


@pytest.mark.parametrize("body,dynamic,outcome,detail,weight", [
    ("exit 0", False, "ok", 0, -1),
    ("exit 1", False, "script-exit", 1, -1),
    ("exit 7", False, "script-exit", 7, -1),
    ("exit 0", True, "ok", 0, -1),
    ("exit 1", True, "script-exit", 1, -1),
    ("exit 7", True, "ok", 7, 5),
    ("exit 2", True, "ok", 2, 0),
    ("kill -9 $$", False, "script-signal", 9, -1),
])
def test_misc_exit_status(tool, tmp_path, body, dynamic, outcome, detail, weight):
    cmd = script(tmp_path, "check.sh", body)
    r = run_tool(tool, misc_config(cmd, "misc_dynamic" if dynamic else ""), tmp_path)
    assert (r[0]["outcome"], r[0]["detail"], r[0]["weight"]) == (outcome, detail, weight)


def test_misc_arguments_are_passed(tool, tmp_path):
    cmd = script(tmp_path, "args.sh", 'test "$1" = "a b" && test "$2" = c')
    r = run_tool(tool, misc_config(cmd + " 'a b' c"), tmp_path)
    assert r[0]["outcome"] == "ok"


def test_misc_timeout_kills_the_script(tool, tmp_path):
    cmd = script(tmp_path, "slow.sh", "sleep 5")
    r = run_tool(tool, misc_config(cmd), tmp_path)
    assert r[0]["outcome"] == "script-timeout"
    assert 900000 <= r[0]["latency_us"] < 4000000


def test_misc_missing_program_cannot_start(tool, tmp_path):
    r = run_tool(tool, misc_config(str(tmp_path / "no-such-script")), tmp_path)
    assert r[0]["outcome"] == "script-start"
    assert r[0]["detail"] == 2          # ENOENT


# ---- FILE_CHECK --------------------------------------------------------

def file_config(path, track_weight="", body=""):
    track = 'track_file tf {\n    file "%s"\n    %s\n}\n' % (path, track_weight)
    return lvs_config("10.0.0.2", 80, """
        FILE_CHECK {
            track_file tf
%s
        }""" % body, extra=track)


@pytest.mark.parametrize("value,track_weight,body,outcome,weight", [
    ("0", "", "", "ok", -1),                    # weight 1: 0 is up
    ("5", "weight 2", "dynamic", "ok", 10),     # the track_file's weight
    ("5", "weight 2", "weight 3\ndynamic", "ok", 15),   # the checker's own weight wins
    ("5", "", "weight 3 reverse\ndynamic", "ok", -15),
    ("1", "", "weight 0", "file", -1),          # weight 0: non-zero is down
    ("0", "", "weight 0", "ok", -1),
    ("0", "", "weight 0 reverse", "file", -1),  # ... and reversed, zero is down
    ("2000000000", "", "weight -2\ndynamic", "file", -4000000000),
    ("junk", "", "weight 0", "ok", -1),         # not a number reads as 0
])
def test_file_values(tool, tmp_path, value, track_weight, body, outcome, weight):
    path = tmp_path / "value"
    path.write_text(value + "\n")
    r = run_tool(tool, file_config(str(path), track_weight, body), tmp_path)
    assert r[0]["outcome"] == outcome, r
    if outcome == "ok":
        assert r[0]["weight"] == weight


def test_file_missing_reads_as_zero(tool, tmp_path):
    path = tmp_path / "absent"
    r = run_tool(tool, file_config(str(path), "", "weight 0"), tmp_path)
    assert r[0]["outcome"] == "ok"
    assert "missing" in r[0]["text"]
    r = run_tool(tool, file_config(str(path), "", "weight 0 reverse"), tmp_path)
    assert r[0]["outcome"] == "file"
