"""Packet capture with tcpdump inside a namespace."""

import os
import signal
import subprocess
import time

from .wait import wait_for


class Capture:
    """tcpdump on one interface of one namespace, writing a pcap file.

    start() returns once tcpdump is listening, so nothing sent after it is
    missed; stop() returns the pcap path.  Frames are handed over one by one
    (--immediate-mode), so a capture stopped right after a frame keeps it."""

    def __init__(self, netns, ifname, path, bpf_filter=None, snaplen=0, immediate=True):
        self.netns = netns
        self.ifname = ifname
        self.path = path
        self.filter = bpf_filter
        self.snaplen = snaplen
        self.immediate = immediate
        self.proc = None
        self.err_path = path + ".stderr"
        self.early_exit = None

    def start(self, timeout=10):
        argv = ["tcpdump", "-i", self.ifname, "-n", "-U", "-s", str(self.snaplen),
                "-w", self.path]
        if self.immediate:
            # Without it the kernel hands frames over only when a buffer
            # block fills or times out, and a capture stopped soon after the
            # last frame loses them.
            argv.append("--immediate-mode")
        if self.filter:
            argv.append(self.filter)
        err = open(self.err_path, "w")
        try:
            self.proc = self.netns.popen(*argv, stdin=subprocess.DEVNULL,
                                         stdout=subprocess.DEVNULL, stderr=err)
        finally:
            err.close()
        wait_for(self._listening, timeout, "tcpdump to listen on %s in %s"
                 % (self.ifname, self.netns.name), diagnose=self._stderr)
        return self

    def _stderr(self):
        try:
            with open(self.err_path) as f:
                return "--- tcpdump stderr ---\n" + f.read()
        except FileNotFoundError:
            return ""

    def _listening(self):
        if self.proc.poll() is not None:
            raise AssertionError("tcpdump exited %d: %s" % (self.proc.returncode,
                                                           self._stderr()))
        return "listening on" in self._stderr()

    def stop(self, settle=0.2):
        """Stop tcpdump (after `settle` seconds for frames in flight) and
        return the pcap path."""
        if self.proc is not None and self.proc.poll() is not None and self.early_exit is None:
            # Nobody asked it to stop: whatever it captured is incomplete.
            self.early_exit = "tcpdump exited %d before stop()\n%s" % (
                self.proc.returncode, self._stderr())
        if self.proc is not None and self.proc.poll() is None:
            time.sleep(settle)
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.path

    def packets(self):
        """The captured frames as scapy packets (stops the capture first)."""
        from scapy.all import rdpcap   # slow import, only when asked for
        self.stop()
        if self.early_exit:
            raise AssertionError(self.early_exit)
        if not os.path.exists(self.path) or os.path.getsize(self.path) == 0:
            return []
        return list(rdpcap(self.path))
