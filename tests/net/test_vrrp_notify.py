"""Notify scripts and FIFO lines from the running engine: notify_master /
notify_backup / notify_fault with their own arguments, the generic
`notify` with keepalived's four extra arguments, notify_fifo and
vrrp_notify_fifo lines (instances and sync groups), MASTER_RX_LOWER_PRI,
and a notify script that hangs without delaying a takeover.

Two-node LANs, VRRPv3 with 100 ms adverts."""

import os
import select
import stat
import time

from vigiltest import configs
from vigiltest.wait import wait_for

from test_vrrp_basic import FAST, has_vip, master_down_s, wait_state
from test_vrrp_tracking import add_second_lan, add_veth, both, sync_config


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


def wait_lines(path, want, timeout=5):
    """Until every line of `want` is in the file; returns the lines."""
    return wait_for(lambda: all(w in lines(path) for w in want) and lines(path), timeout,
                    "lines %r in %s" % (want, path))


class FifoReader:
    """The test's end of a notify FIFO, opened before the daemon starts so
    no line is dropped for want of a reader."""

    def __init__(self, path):
        os.mkfifo(path, 0o600)
        self.path = path
        self.fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        self.buf = b""
        self.seen = []

    def read_until(self, want, timeout=5):
        deadline = time.monotonic() + timeout
        while not all(w in self.seen for w in want):
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError("FIFO %s: wanted %r, got %r" % (self.path, want, self.seen))
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                chunk = os.read(self.fd, 4096)
                if not chunk:           # no writer at the moment
                    time.sleep(0.02)
                self.buf += chunk
                *done, self.buf = self.buf.split(b"\n")
                self.seen += [line.decode() for line in done]
        return self.seen

    def close(self):
        os.close(self.fd)


# ---- scripts ------------------------------------------------------------------------


def test_notify_scripts_get_their_arguments_in_order(make_lan, vigild):
    lan = make_lan(1)
    h = lan[0]
    add_veth(h)
    a = vigild(h, "", name="a")
    out = os.path.join(a.dir, "out.log")
    log = script(a, "log.sh", 'echo "$@" >> %s\n' % out)
    a.write_config(configs.global_defs() + configs.vrrp_instance(
        priority=100, advert_int=FAST, extra=(
            '    notify_master "%s to-master m2"\n'
            '    notify_backup "%s to-backup"\n'
            '    notify_fault "%s to-fault f2 f3"\n'
            '    notify "%s generic"\n'
            '    track_interface {\n        trk0\n    }\n') % (log, log, log, log)))
    a.start(workers=["vrrp"])
    wait_state(a, "MASTER")
    wait_lines(out, ["to-backup", "generic INSTANCE VI_1 BACKUP 100",
                     "to-master m2", "generic INSTANCE VI_1 MASTER 100"])
    h.exec("ip", "link", "set", "trk0", "down")
    wait_state(a, "FAULT")
    got = wait_lines(out, ["to-fault f2 f3", "generic INSTANCE VI_1 FAULT 100"])
    # Transitions a master down interval apart come in order; the
    # scripts of one transition run side by side.
    assert got.index("to-backup") < got.index("to-master m2") < got.index("to-fault f2 f3")
    assert len(got) == 6, got
    assert a.instance("VI_1")["stats"]["notifications"] == 3


def test_notify_fifo_lines_for_instances_and_sync_groups(lan, vigild, tmp_path):
    add_second_lan(lan)
    fifo = FifoReader(str(tmp_path / "notify.fifo"))
    vfifo = FifoReader(str(tmp_path / "vrrp.fifo"))
    try:
        conf = sync_config(150).replace(
            "global_defs {\n", "global_defs {\n    notify_fifo %s\n    vrrp_notify_fifo %s\n"
            % (fifo.path, vfifo.path))
        a = vigild(lan[0], conf, name="a").start(workers=["vrrp"])
        both(a, "MASTER")
        want = ['INSTANCE "VI_1" BACKUP 150', 'INSTANCE "VI_2" BACKUP 150',
                'GROUP "SG1" BACKUP 0', 'INSTANCE "VI_1" MASTER 150',
                'INSTANCE "VI_2" MASTER 150', 'GROUP "SG1" MASTER 0']
        fifo.read_until(want)
        vfifo.read_until(want)
        lan[0].exec("ip", "link", "set", "eth1", "down")
        both(a, "FAULT")
        seen = fifo.read_until(['INSTANCE "VI_2" FAULT 150', 'INSTANCE "VI_1" FAULT 150',
                                'GROUP "SG1" FAULT 0'])
        assert seen.index('GROUP "SG1" MASTER 0') < seen.index('GROUP "SG1" FAULT 0')
        assert stat.S_ISFIFO(os.stat(fifo.path).st_mode)
    finally:
        fifo.close()
        vfifo.close()


def test_master_hearing_a_lower_priority_says_master_rx_lower_pri(lan, vigild, tmp_path):
    fifo = FifoReader(str(tmp_path / "n.fifo"))
    try:
        a = vigild(lan[0], "", name="a")
        out = os.path.join(a.dir, "rx.log")
        rx = script(a, "rx.sh", 'echo "rx $@" >> %s\n' % out)
        extra = ("    dont_track_primary\n"
                 '    notify_master_rx_lower_pri "%s lower"\n' % rx)
        a.write_config(configs.global_defs().replace(
            "{\n", "{\n    vrrp_notify_fifo %s\n" % fifo.path, 1)
            + configs.vrrp_instance(priority=150, advert_int=FAST, extra=extra))
        # b answers a's higher priority advert with one of its own as it
        # yields, so a hears a lower priority whatever the timing.
        b = vigild(lan[1], configs.global_defs() + configs.vrrp_instance(
            priority=100, advert_int=FAST,
            extra="    dont_track_primary\n    higher_prio_send_advert\n"), name="b")
        lan.cut(lan[1])             # apart, both become master
        a.start(workers=["vrrp"])
        b.start(workers=["vrrp"])
        wait_state(a, "MASTER")
        wait_state(b, "MASTER")
        lan.mend(lan[1])
        wait_state(b, "BACKUP")
        fifo.read_until(['INSTANCE "VI_1" MASTER_RX_LOWER_PRI 150'])
        wait_lines(out, ["rx lower"])
        assert has_vip(lan[0]) and not has_vip(lan[1])
    finally:
        fifo.close()


def test_a_hung_notify_script_does_not_delay_the_takeover(lan, vigild):
    b = vigild(lan[1], "", name="b")
    started = os.path.join(b.dir, "started")
    hang = script(b, "hang.sh", "echo $1 >> %s\nexec sleep 60\n" % started)
    extra = ('    notify_backup "%s backup"\n    notify_master "%s master"\n'
             '    notify "%s generic"\n') % (hang, hang, hang)
    b.write_config(configs.global_defs() + configs.vrrp_instance(
        priority=100, advert_int=FAST, extra=extra))
    a = vigild(lan[0], configs.global_defs() + configs.vrrp_instance(
        priority=150, advert_int=FAST), name="a")
    a.start(workers=["vrrp"])
    wait_state(a, "MASTER")
    b.start(workers=["vrrp"])
    wait_state(b, "BACKUP")
    wait_lines(started, ["backup", "generic"])      # two scripts now hang
    lan.cut(lan[0])
    cut_at = time.monotonic()
    wait_state(b, "MASTER", timeout=5)
    took = time.monotonic() - cut_at
    print("takeover with hung notify scripts: %.3fs (master down %.3fs)"
          % (took, master_down_s(FAST, 100)))
    assert took < master_down_s(FAST, 100) + 1.0
    assert has_vip(lan[1])
    wait_lines(started, ["master"])
    # Still answering and advertising while four scripts sleep.
    sent = b.instance("VI_1")["stats"]["adverts_sent"]
    time.sleep(5 * FAST)
    assert b.instance("VI_1")["stats"]["adverts_sent"] >= sent + 3


def test_notify_stop_scripts_finish_before_the_worker_exits(make_lan, vigild):
    """notify_stop runs as the worker stops; it is given the time it needs
    (up to child_wait_time less a second), not killed with the worker, and
    a script that hangs is killed once that time is up."""
    lan = make_lan(1)
    a = vigild(lan[0], "", name="a")
    done = os.path.join(a.dir, "stop-done")
    slow = script(a, "slow.sh", "sleep 1\necho $1 >> %s\n" % done)
    hang = script(a, "hang.sh", "exec sleep 60\n")
    a.write_config("child_wait_time 4\n" + configs.global_defs() + configs.vrrp_instance(
        priority=100, advert_int=FAST, extra=(
            '    notify_stop "%s stopped"\n    notify_master "%s"\n') % (slow, hang)))
    a.start(workers=["vrrp"])
    wait_state(a, "MASTER")
    began = time.monotonic()
    assert a.stop(timeout=10) == 0
    took = time.monotonic() - began
    print("stop with a 1 s notify_stop and a hung notify_master: %.2fs" % took)
    assert lines(done) == ["stopped"]
    # The hung script held the worker until the drain ran out (3 s of the
    # 4 s child_wait_time), not until the parent's SIGKILL.
    assert 2.5 < took < 4.5, took
    assert not [p for p in lan[0].pids() if p != a.proc.pid], "a script outlived vigild"
