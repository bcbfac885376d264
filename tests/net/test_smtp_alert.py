"""smtp_alert e-mail against a local SMTP sink (vigiltest/smtp_sink.py) in
the test's namespace: a VRRP instance and its sync group with smtp_alert
mail their transitions (an instance without it stays silent); a real server going down and
its virtual server losing quorum are mailed; an unreachable smtp_server
delays nothing and is logged once; a server that never greets does not
hold up a stop.

One host; VRRPv3 with 100 ms adverts, TCP_CHECK with 1 s loops."""

import email
import email.utils
import json
import os
import signal
import subprocess
import time

from vigiltest import configs
from vigiltest.backends import TcpBackend
from vigiltest.wait import wait_for

from test_vrrp_basic import FAST, master_down_s, wait_state

HERE = os.path.dirname(os.path.abspath(__file__))
SINK = os.path.join(HERE, "vigiltest", "smtp_sink.py")
SINK_ADDR, SINK_PORT = "10.0.0.1", 2525
ROUTER = "vigil-mail"
TO = ("ops@example.com", "oncall@example.net")
FROM = "vigil@lb1.example.com"


class Sink:
    def __init__(self, host, outdir):
        self.host, self.dir = host, outdir
        os.makedirs(outdir, exist_ok=True)
        self.proc = host.popen("/usr/bin/python3", SINK, SINK_ADDR, str(SINK_PORT), outdir,
                               stdin=subprocess.DEVNULL)
        wait_for(lambda: host.exec("ss", "-ltnH", "src", "%s:%d" % (SINK_ADDR, SINK_PORT),
                                   check=False).stdout.strip(), 5, "the SMTP sink to listen")

    def mails(self):
        out = []
        for name in sorted(os.listdir(self.dir), key=lambda n: (len(n), n)):
            if name.endswith(".json"):
                with open(os.path.join(self.dir, name)) as f:
                    m = json.load(f)
                m["msg"] = email.message_from_string(m["data"])
                out.append(m)
        return out

    def wait_subject(self, subject, timeout=10):
        def found():
            return next((m for m in self.mails() if m["msg"]["Subject"] == subject), None)
        return wait_for(found, timeout, "a mail with subject %r (have %r)"
                        % (subject, [m["msg"]["Subject"] for m in self.mails()]))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()


def mail_defs(server="%s %d" % (SINK_ADDR, SINK_PORT), timeout=2):
    return ("global_defs {\n"
            "    router_id %s\n"
            "    notification_email {\n%s    }\n"
            "    notification_email_from %s\n"
            "    smtp_server %s\n"
            "    smtp_helo_name sink-test.example\n"
            "    smtp_connect_timeout %d\n"
            "}\n") % (ROUTER, "".join("        %s\n" % t for t in TO), FROM, server, timeout)


def instance(name, vrid, vip, extra=""):
    return configs.vrrp_instance(name=name, vrid=vrid, priority=150, vips=(vip,),
                                 advert_int=FAST, extra=extra)


def log_lines(d, needle):
    return [line for line in d.log_text().splitlines() if needle in line]


def test_vrrp_transitions_are_mailed(host, vigild, tmp_path):
    sink = Sink(host, str(tmp_path / "mail"))
    try:
        d = vigild(host, mail_defs()
                   + instance("VI_1", 51, "10.0.0.100/24", extra="    smtp_alert\n")
                   + instance("VI_2", 52, "10.0.0.101/24")
                   + "vrrp_sync_group G1 {\n    group {\n        VI_1\n    }\n"
                     "    smtp_alert\n}\n")
        d.start(workers=["vrrp"])
        wait_state(d, "MASTER", name="VI_1")
        wait_state(d, "MASTER", name="VI_2")
        m = sink.wait_subject("[%s] VRRP Instance VI_1 - Entering MASTER state" % ROUTER)
        msg = m["msg"]
        assert m["helo"] == "sink-test.example"
        assert m["from"] == "<%s>" % FROM
        assert m["to"] == ["<%s>" % t for t in TO]
        assert msg["From"] == FROM
        assert [a.strip() for a in msg["To"].split(",")] == list(TO)
        assert email.utils.parsedate_to_datetime(msg["Date"]).timestamp() > time.time() - 60
        assert msg["Message-ID"].startswith("<") and msg["Message-ID"].endswith(">")
        assert "VI_1" in msg.get_payload() and "MASTER" in msg.get_payload()
        assert "\r\n" in m["data"]
        sink.wait_subject("[%s] VRRP Group G1 - Entering MASTER state" % ROUTER)
        # the start as BACKUP came first; VI_2 (no smtp_alert) sent nothing
        subjects = [x["msg"]["Subject"] for x in sink.mails()]
        instance_subjects = [x for x in subjects if "Instance" in x]
        assert instance_subjects == [
            "[%s] VRRP Instance VI_1 - Entering BACKUP state" % ROUTER,
            "[%s] VRRP Instance VI_1 - Entering MASTER state" % ROUTER]
        assert sorted(x for x in subjects if "Group" in x) == [
            "[%s] VRRP Group G1 - Entering BACKUP state" % ROUTER,
            "[%s] VRRP Group G1 - Entering MASTER state" % ROUTER]
        assert len({x["msg"]["Message-ID"] for x in sink.mails()}) == 4
        assert log_lines(d, "smtp_alert: mailed") and not log_lines(d, "cannot mail")
    finally:
        sink.stop()




def checker_config(rs_addr, rs_port):
    return (mail_defs()
            + "virtual_server 10.0.0.100 80 {\n"
              "    delay_loop 1\n"
              "    protocol TCP\n"
              "    quorum 1\n"
              "    smtp_alert\n"
              "    real_server %s %d {\n"
              "        TCP_CHECK {\n"
              "            connect_timeout 1\n"
              "            retry 0\n"
              "        }\n"
              "    }\n"
              "}\n") % (rs_addr, rs_port)


def test_real_server_down_and_quorum_loss_are_mailed(host, vigild, tmp_path):
    rs_addr, rs_port = "10.0.0.11", 8080
    host.exec("ip", "addr", "add", rs_addr + "/24", "dev", "eth0")
    sink = Sink(host, str(tmp_path / "mail"))
    backend = TcpBackend(host, rs_addr, rs_port).start()
    try:
        d = vigild(host, checker_config(rs_addr, rs_port))
        d.start(workers=["checker"])
        time.sleep(1.5)            # a check or two while it is up: no mail
        assert sink.mails() == []
        backend.stop()
        # keepalived 2.2.7's subjects and names (compared in tests/vm/test_check_ipvs.py)
        rs = "[%s]:tcp:%d" % (rs_addr, rs_port)
        m = sink.wait_subject("[%s] Realserver %s of virtual server [10.0.0.100]:tcp:80 - DOWN"
                              % (ROUTER, rs))
        assert m["to"] == ["<%s>" % t for t in TO]
        assert rs in m["msg"].get_payload()
        assert "TCP_CHECK failed" in m["msg"].get_payload()
        m = sink.wait_subject("[%s] Virtualserver [10.0.0.100]:tcp:80 - DOWN" % ROUTER)
        assert "lost its quorum: live weight 0, quorum 1" in m["msg"].get_payload()
    finally:
        backend.stop()
        sink.stop()


def test_unreachable_smtp_server_delays_nothing(host, vigild):
    # 10.0.0.77 is on the LAN but nobody answers its ARP: the SMTP
    # connect hangs until smtp_connect_timeout.
    d = vigild(host, mail_defs(server="10.0.0.77 25")
               + instance("VI_1", 51, "10.0.0.100/24", extra="    smtp_alert\n"))
    d.start(workers=["vrrp"])
    t0 = time.monotonic()
    wait_state(d, "MASTER", timeout=master_down_s(FAST, 150) + 2)
    took = time.monotonic() - t0
    # became master on time although two mails are stuck in connect
    assert took < master_down_s(FAST, 150) + 1.5, took
    errors = d.wait(lambda: log_lines(d, "smtp_alert: cannot mail"),
                    "the failure to be logged", timeout=10)
    assert "10.0.0.77:25" in errors[0]
    time.sleep(2.5)            # the second mail fails too; still one line
    assert len(log_lines(d, "smtp_alert: cannot mail")) == 1
    assert d.instance("VI_1")["state"] == "MASTER"


STALL = r"""
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2])))
s.listen(64)          # the kernel completes handshakes; nobody says 220
time.sleep(3600)
"""


def test_stalled_smtp_server_does_not_hold_up_stop(host, vigild):
    stall = host.popen("/usr/bin/python3", "-c", STALL, SINK_ADDR, str(SINK_PORT),
                       stdin=subprocess.DEVNULL)
    try:
        wait_for(lambda: host.exec("ss", "-ltnH", "src", "%s:%d" % (SINK_ADDR, SINK_PORT),
                                   check=False).stdout.strip(), 5, "the stalled server to listen")
        d = vigild(host, mail_defs(timeout=30)
                   + instance("VI_1", 51, "10.0.0.100/24", extra="    smtp_alert\n"))
        d.start(workers=["vrrp"])
        wait_state(d, "MASTER", timeout=master_down_s(FAST, 150) + 2)
        # a session is stuck waiting for the greeting: stopping must not wait for it
        t0 = time.monotonic()
        d.stop()
        assert time.monotonic() - t0 < 5
        assert not log_lines(d, "smtp_alert: mailed")
    finally:
        stall.send_signal(signal.SIGKILL)
        stall.wait()
