"""Real servers for checker tests: a TCP listener that accepts and closes,
started inside a namespace and killed to make its checks fail."""

import subprocess

from .wait import wait_for

ACCEPT_AND_CLOSE = r"""
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2])))
s.listen(64)
while True:
    c, _ = s.accept()
    c.close()
"""


class TcpBackend:
    """Listens on ADDR:PORT in `host` once start() returns (so a refused
    connect afterwards means it was stopped); stop() kills it."""

    def __init__(self, host, addr, port):
        self.host, self.addr, self.port = host, addr, int(port)
        self.proc = None

    def start(self):
        self.proc = self.host.popen("/usr/bin/python3", "-c", ACCEPT_AND_CLOSE, self.addr,
                                    str(self.port), stdin=subprocess.DEVNULL)
        wait_for(lambda: self.host.exec("ss", "-ltnH", "src", "%s:%d" % (self.addr, self.port),
                                        check=False).stdout.strip(), 5,
                 "backend %s:%d to listen" % (self.addr, self.port))
        return self

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
