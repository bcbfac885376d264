"""A minimal SMTP server for the smtp_alert tests: enough ESMTP for
libcurl (220 greeting, EHLO/HELO, MAIL FROM, RCPT TO, DATA, QUIT, RSET,
NOOP).  Each accepted message becomes DIR/mail-N.json holding the HELO
name, the envelope and the message text (dot-unstuffed, CRLF kept).

    python3 smtp_sink.py ADDRESS PORT DIR

Written for the tests, not for the Internet: no size limits, no TLS."""

import asyncio
import json
import os
import sys


class Session:
    count = 0

    def __init__(self, reader, writer, outdir):
        self.r, self.w, self.outdir = reader, writer, outdir
        self.helo, self.mail_from, self.rcpt = None, None, []

    async def reply(self, text):
        self.w.write((text + "\r\n").encode())
        await self.w.drain()

    async def data(self):
        await self.reply("354 end with <CRLF>.<CRLF>")
        lines = []
        while True:
            line = await self.r.readline()
            if not line or line in (b".\r\n", b".\n"):
                break
            lines.append(line[1:] if line.startswith(b"..") else line)
        Session.count += 1
        path = os.path.join(self.outdir, "mail-%d.json" % Session.count)
        with open(path + ".tmp", "w") as f:
            json.dump({"helo": self.helo, "from": self.mail_from, "to": self.rcpt,
                       "data": b"".join(lines).decode("utf-8", "replace")}, f)
        os.rename(path + ".tmp", path)      # readers never see half a file
        self.mail_from, self.rcpt = None, []
        await self.reply("250 queued as %d" % Session.count)

    async def command(self, line):
        verb, _, arg = line.partition(" ")
        verb = verb.upper()
        if verb in ("EHLO", "HELO"):
            self.helo = arg
            await self.reply("250 sink")
        elif verb == "MAIL" and arg.upper().startswith("FROM:"):
            self.mail_from = arg[5:].strip()
            await self.reply("250 ok")
        elif verb == "RCPT" and arg.upper().startswith("TO:"):
            self.rcpt.append(arg[3:].strip())
            await self.reply("250 ok")
        elif verb == "DATA":
            await self.data()
        elif verb in ("RSET", "NOOP"):
            await self.reply("250 ok")
        elif verb == "QUIT":
            await self.reply("221 bye")
            return False
        else:
            await self.reply("502 not implemented")
        return True

    async def run(self):
        try:
            await self.reply("220 sink ESMTP")
            while True:
                line = await self.r.readline()
                if not line or not await self.command(line.decode().rstrip("\r\n")):
                    break
        except ConnectionError:
            pass            # a client that gives up mid-session is not our problem
        self.w.close()


async def main(addr, port, outdir):
    server = await asyncio.start_server(
        lambda r, w: Session(r, w, outdir).run(), addr, port, reuse_address=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), sys.argv[3]))
