"""unicast_ttl and unicast_peer's min_ttl / max_ttl: node a sends its
unicast adverts with TTL 64; node b accepts them only when 64 is within
the range it allows a, and counts the others as ttl_out_of_range."""

import pytest
from scapy.layers.inet import IP

from test_vrrp_basic import adverts, capture, node_config, wait_state

FAST = 0.1


def unicast_config(me, peer, priority, peer_options="", extra=""):
    lines = ("    unicast_src_ip %s\n    unicast_peer {\n        %s%s\n    }\n%s"
             % (me.addr4, peer.addr4, peer_options, extra))
    return node_config(priority, extra=lines)


@pytest.mark.parametrize("b_allows, b_follows", [(" min_ttl 250", False),
                                                 (" min_ttl 60 max_ttl 64", True)],
                         ids=["out-of-range", "in-range"])
def test_unicast_ttl_and_peer_ttl_range(lan, vigild, tmp_path, b_allows, b_follows):
    cap = capture(lan[1], tmp_path, "ttl")
    a = vigild(lan[0], unicast_config(lan[0], lan[1], 150, extra="    unicast_ttl 64\n"),
               name="a")
    b = vigild(lan[1], unicast_config(lan[1], lan[0], 100, peer_options=b_allows), name="b")
    a.start(workers=["vrrp"])
    wait_state(a, "MASTER")
    b.start(workers=["vrrp"])
    ib = b.wait(lambda: b.instance("VI_1")["stats"]["adverts_received"] +
                b.instance("VI_1")["stats"]["drops"]["ttl_out_of_range"] >= 10 and
                b.instance("VI_1"), "b to hear 10 adverts from a", 10)
    drops = ib["stats"]["drops"]["ttl_out_of_range"]
    if b_follows:
        # a's adverts are taken: b stays BACKUP behind a.
        wait_state(b, "BACKUP")
        ib = b.instance("VI_1")
        assert drops == 0 and ib["master_address"] == lan[0].addr4, ib
        assert ib["stats"]["became_master"] == 0
    else:
        # Every advert from a is dropped and counted: b hears no master
        # and takes over itself; a, hearing b's lower priority, stays.
        ib = wait_state(b, "MASTER", timeout=5)
        assert drops >= 10 and ib["stats"]["adverts_received"] == 0, ib["stats"]
        assert "outside the unicast_peer's min_ttl..max_ttl" in b.log_text()
    assert a.instance("VI_1")["state"] == "MASTER"
    assert a.instance("VI_1")["stats"]["drops"]["ttl_out_of_range"] == 0
    ads = adverts(cap.packets())
    ttl_a = ttls(ads, lan[0].addr4)
    assert ttl_a == {64}, ttl_a
    if not b_follows:
        ttl_b = ttls(ads, lan[1].addr4)
        assert ttl_b == {255}, ttl_b


def ttls(ads, src):
    """The IP TTLs of the adverts from src."""
    return {layer.underlayer[IP].ttl for _, s, _, layer in ads if s == src}
