"""VRRPv2 with IPsec AH authentication (`auth_type AH`), 1 s adverts.

  * two vigils with the same auth_pass: the higher priority wins, the other
    follows it as BACKUP, dropping nothing, counts one of the master's
    adverts sent again as a replay (and nothing changes), and takes over
    when the master is cut off the LAN; tshark decodes the adverts as IP / AH / VRRP with
    nothing malformed and a good VRRP checksum;
  * two vigils with different auth_pass values: each drops the other's
    adverts as `ah_icv_mismatch` and both stay MASTER (no advert ever
    counted as received, one transition each);
  * vigil and Debian's keepalived 2.2.7 both ways round, multicast and
    unicast: keepalived follows vigil as BACKUP beyond its master-down
    interval, and takes over when vigil is cut off; a new vigil (lower priority) follows keepalived,
    dropping nothing, and takes over when keepalived is cut off.  vigil's
    AH adverts have the layout of keepalived's (same TOS, TTL, AH length,
    next header, SPI = source address), and keepalived complains about
    none of them."""

import shutil
import subprocess
import time

import pytest

from vigiltest import configs
from vigiltest import keepalived as ka
from vigiltest.capture import Capture

VRID = 51
VIPS = ("10.0.0.100/24", "10.0.0.101/24")
PASSWORD = "secret1"
HIGH, KEEPALIVED_PRIO, LOW = 200, 150, 100


def auth_lines(password):
    return ("    authentication {\n        auth_type AH\n        auth_pass %s\n    }\n"
            % password)


def unicast_lines(me, peer):
    return ("    unicast_src_ip %s\n    unicast_peer {\n        %s\n    }\n"
            % (me.addr4, peer.addr4))


def vigil_config(priority, password=PASSWORD, extra=""):
    return configs.global_defs("vigil-ah") + configs.vrrp_instance(
        vrid=VRID, priority=priority, version=2, advert_int=1, vips=VIPS,
        extra=auth_lines(password) + extra)


def master_down_s(priority):
    return 3 + (256 - priority) / 256.0


def capture(host, tmp_path, name):
    return Capture(host, "eth0", str(tmp_path / (name + ".pcap")), "ip proto 51").start()


def inst(d):
    return d.instance("VI_1")


def wait_state(d, want, timeout):
    return d.wait(lambda: inst(d)["state"] == want and inst(d),
                  "vigil's VI_1 to be %s" % want, timeout)


def nonzero_drops(i):
    return {k: v for k, v in i["stats"]["drops"].items() if v}


def has_vips(host):
    out = host.exec("ip", "-4", "-o", "addr", "show", "dev", "eth0").stdout
    return all((" %s " % v) in out for v in VIPS)



# ---- tshark ---------------------------------------------------------------------------

FIELDS = ["ip.src", "frame.protocols", "ip.dsfield", "ip.ttl", "ip.flags", "ah.next_header",
          "ah.length", "ah.spi", "ah.sequence", "vrrp.version", "vrrp.virt_rtr_id",
          "vrrp.prio", "vrrp.auth_type", "vrrp.adver_int", "vrrp.ip_addr",
          "vrrp.checksum.status", "_ws.expert.message", "_ws.malformed"]


def tshark(pcap):
    """Every AH packet of the capture as a dict of FIELDS."""
    argv = ["tshark", "-r", pcap, "-Y", "ah", "-T", "fields", "-E", "separator=/t",
            "-E", "occurrence=a", "-E", "aggregator=,"]
    for f in FIELDS:
        argv += ["-e", f]
    out = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=True).stdout
    rows = []
    for line in out.splitlines():
        cols = line.split("\t") + [""] * len(FIELDS)
        rows.append(dict(zip(FIELDS, cols)))
    return rows


def layout(row):
    """What every AH advert of this virtual router has in common, whoever
    sent it."""
    return {k: row[k] for k in ("frame.protocols", "ip.dsfield", "ip.ttl", "ip.flags",
                                "ah.next_header", "ah.length", "vrrp.version",
                                "vrrp.virt_rtr_id", "vrrp.auth_type", "vrrp.adver_int",
                                "vrrp.ip_addr", "vrrp.checksum.status")}


def check_decodes(pcap, sender):
    """tshark on the AH adverts from `sender`: IP / AH / VRRP, nothing
    malformed, SPI = the source address, sequence numbers increasing."""
    mine = [r for r in tshark(pcap) if r["ip.src"] == sender]
    assert len(mine) >= 3, "too few AH adverts from %s in %s" % (sender, pcap)
    for r in mine:
        assert r["frame.protocols"].endswith("ip:ah:vrrp"), r
        assert not r["_ws.expert.message"] and not r["_ws.malformed"], r
        assert r["vrrp.checksum.status"] == "1", r
        assert r["vrrp.auth_type"] == "2" and r["ah.next_header"] == "112", r
        assert int(r["ah.spi"], 16) == int.from_bytes(bytes(map(int, sender.split("."))), "big")
    seqs = [int(r["ah.sequence"]) for r in mine]
    assert seqs == sorted(set(seqs)), seqs
    return mine


# Sends whole IP packets (hex on stdin), headers as given.
SENDER = """
import binascii, socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"eth0")
for line in sys.stdin:
    pkt = binascii.unhexlify(line.strip())
    s.sendto(pkt, (socket.inet_ntoa(pkt[16:20]), 0))
"""


def replay(host, ip_packet):
    host.exec("/usr/bin/python3", "-c", SENDER, input=ip_packet.hex() + "\n")


def last_advert(pcap, sender):
    """The IP packet of the last AH advert from `sender` in the capture."""
    from scapy.all import rdpcap
    from scapy.layers.inet import IP
    ours = [p[IP] for p in rdpcap(pcap) if IP in p and p[IP].src == sender and p[IP].proto == 51]
    assert ours, "no AH advert from %s in %s" % (sender, pcap)
    return bytes(ours[-1])


# ---- vigil and vigil ---------------------------------------------------------------------


pytestmark = pytest.mark.skipif(shutil.which("tshark") is None, reason="tshark is not installed")


def test_vigil_pair_elects_and_takes_over(lan, vigild, tmp_path):
    h1, h2 = lan[0], lan[1]
    cap = capture(h2, tmp_path, "pair")
    high = vigild(h1, vigil_config(HIGH), name="vigil-high")
    low = vigild(h2, vigil_config(LOW), name="vigil-low")
    high.start(workers=["vrrp"])
    low.start(workers=["vrrp"])
    wait_state(high, "MASTER", master_down_s(HIGH) + 5)
    i = low.wait(lambda: inst(low)["stats"]["adverts_received"] >= 3 and inst(low),
                 "the backup to take three AH adverts", master_down_s(LOW) + 3)
    assert i["state"] == "BACKUP" and i["stats"]["became_master"] == 0, i
    assert i["master_address"] == h1.addr4
    assert nonzero_drops(i) == {}
    assert has_vips(h1) and not has_vips(h2)
    # One of the master's adverts sent again (from its host, bytes as
    # captured): a replay, counted and without effect.
    pcap = cap.stop()
    replay(h1, last_advert(pcap, h1.addr4))
    i = low.wait(lambda: inst(low)["stats"]["drops"]["ah_replay"] == 1 and inst(low),
                 "the backup to count the replay", 3)
    assert i["state"] == "BACKUP" and i["master_address"] == h1.addr4, i
    assert set(nonzero_drops(i)) == {"ah_replay"}
    # The master dies: the backup takes over a master-down interval later.
    lan.cut(h1)
    i = wait_state(low, "MASTER", master_down_s(LOW) + 3)
    assert i["last_transition"]["reason"] == "master down timer expired"
    assert nonzero_drops(i) == {"ah_replay": 1}
    low.wait(lambda: has_vips(h2), "the VIPs on the new master", 5)
    check_decodes(pcap, h1.addr4)


def test_wrong_password_is_dropped(lan, vigild):
    h1, h2 = lan[0], lan[1]
    a = vigild(h1, vigil_config(HIGH, "secret1"), name="vigil-a")
    b = vigild(h2, vigil_config(LOW, "secret2"), name="vigil-b")
    a.start(workers=["vrrp"])
    b.start(workers=["vrrp"])
    wait_state(a, "MASTER", master_down_s(HIGH) + 5)
    wait_state(b, "MASTER", master_down_s(LOW) + 5)
    # Three more adverts each way, all refused: nothing changes.
    b.wait(lambda: inst(b)["stats"]["drops"]["ah_icv_mismatch"] >= 3 and
           inst(a)["stats"]["drops"]["ah_icv_mismatch"] >= 3,
           "three ICV mismatches on both sides", 6)
    for d in (a, b):
        i = inst(d)
        assert i["state"] == "MASTER", i
        assert i["stats"]["became_master"] == 1, i["stats"]
        assert i["stats"]["adverts_received"] == 0, i["stats"]
        assert set(nonzero_drops(i)) == {"ah_icv_mismatch"}, nonzero_drops(i)
    assert "IPsec AH digest is wrong" in b.log_text()


# ---- vigil and keepalived ----------------------------------------------------------------


@pytest.mark.skipif(not ka.available(), reason="keepalived is not installed")
@pytest.mark.parametrize("unicast", [False, True], ids=["multicast", "unicast"])
def test_keepalived_interoperates(lan, vigild, keepalived_peer, tmp_path, unicast):
    """Both ways round.  Unicast matters apart: there keepalived leaves
    the TTL out of the ICV, and with check_unicast_src it also checks
    that vigil's adverts come from the configured peer."""
    hv, hk = lan[0], lan[1]
    v_extra = unicast_lines(hv, hk) if unicast else ""
    k_extra = unicast_lines(hk, hv) + "    check_unicast_src\n" if unicast else ""
    cap = capture(hk, tmp_path, "interop")
    k = keepalived_peer(hk, ka.config(vrid=VRID, priority=KEEPALIVED_PRIO, version=2, advert_int=1,
                                 vips=VIPS, extra=auth_lines(PASSWORD) + k_extra))
    high = vigild(hv, vigil_config(HIGH, extra=v_extra), name="vigil-high")
    high.start(workers=["vrrp"])
    k.start()
    k_started = time.monotonic()
    wait_state(high, "MASTER", master_down_s(HIGH) + 5)
    # keepalived stays BACKUP past its master-down interval (it took
    # vigil's adverts), and three adverts at least.
    until = max(k_started + master_down_s(KEEPALIVED_PRIO) + 1, time.monotonic() + 2.2)
    time.sleep(until - time.monotonic())
    assert k.transitions() == ["BACKUP"], k.diagnose()
    assert has_vips(hv) and not has_vips(hk)
    # vigil dies: keepalived takes over.
    lan.cut(hv)
    k.wait_state("MASTER", timeout=master_down_s(KEEPALIVED_PRIO) + 3)
    assert high.stop() == 0
    lan.mend(hv)
    # A new vigil of lower priority follows keepalived, then takes over
    # when keepalived dies.
    low = vigild(hv, vigil_config(LOW, extra=v_extra), name="vigil-low")
    low.start(workers=["vrrp"])
    i = low.wait(lambda: inst(low)["stats"]["adverts_received"] >= 2 and inst(low),
                 "vigil to take two of keepalived's adverts", master_down_s(LOW) + 3)
    assert i["state"] == "BACKUP" and i["master_address"] == hk.addr4, i
    lan.cut(hk)
    i = wait_state(low, "MASTER", master_down_s(LOW) + 3)
    assert i["last_transition"]["reason"] == "master down timer expired"
    assert nonzero_drops(i) == {}, "vigil dropped keepalived's adverts"
    assert i["stats"]["adverts_received"] >= 2
    assert k.complaints() == [], k.diagnose()
    # On the wire: vigil's adverts look like keepalived's.
    pcap = cap.stop()
    mine, theirs = check_decodes(pcap, hv.addr4), check_decodes(pcap, hk.addr4)
    assert {str(layout(r)) for r in mine} == {str(layout(r)) for r in theirs}
