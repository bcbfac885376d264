"""Configuration text for tests, in keepalived's language."""


def global_defs(router_id="vigil-test"):
    return "global_defs {\n    router_id %s\n}\n" % router_id


def vrrp_instance(name="VI_1", vrid=51, priority=100, interface="eth0",
                  vips=("10.0.0.100/24",), version=3, advert_int=1, state="BACKUP",
                  extra=""):
    vip_lines = "".join("        %s\n" % v for v in vips)
    return ("vrrp_instance %s {\n"
            "    state %s\n"
            "    interface %s\n"
            "    virtual_router_id %d\n"
            "    priority %d\n"
            "    version %d\n"
            "    advert_int %s\n"
            "%s"
            "    virtual_ipaddress {\n%s    }\n"
            "}\n") % (name, state, interface, vrid, priority, version, advert_int, extra,
                      vip_lines)


def virtual_server(vip="10.0.0.100", port=80, real_servers=(("10.0.0.2", 80),),
                   lvs_sched="rr", lvs_method="NAT", delay_loop=6):
    reals = "".join(
        "    real_server %s %d {\n"
        "        weight 1\n"
        "        TCP_CHECK {\n"
        "            connect_timeout 3\n"
        "        }\n"
        "    }\n" % (addr, rport) for addr, rport in real_servers)
    return ("virtual_server %s %d {\n"
            "    delay_loop %d\n"
            "    lvs_sched %s\n"
            "    lvs_method %s\n"
            "    protocol TCP\n"
            "%s"
            "}\n") % (vip, port, delay_loop, lvs_sched, lvs_method, reals)


def vrrp_config(**kw):
    return global_defs() + vrrp_instance(**kw)


def checker_config(**kw):
    return global_defs() + virtual_server(**kw)


def both_config():
    return global_defs() + vrrp_instance() + virtual_server()
