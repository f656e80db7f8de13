"""Framing between the engine and a worker.

A frame is ``u32 total | u32 header_len | header (JSON) | blobs``, little endian, where
``total`` counts everything after itself and the header's ``blobs`` lists the blob lengths.
Bulk data travels as blobs or as files named in the header, never inside the JSON.
"""

import json
import os
import struct

_U32 = struct.Struct("<I")
_U32x2 = struct.Struct("<II")


class Channel:
    def __init__(self, rfd, wfd):
        self._r = os.fdopen(rfd, "rb", buffering=0)
        self._wfd = wfd

    def _read_exact(self, n):
        buf = bytearray(n)
        view = memoryview(buf)
        got = 0
        while got < n:
            k = self._r.readinto(view[got:])
            if not k:
                raise EOFError("engine closed the channel")
            got += k
        return buf

    def recv(self):
        total, hlen = _U32x2.unpack(self._read_exact(8))
        body = self._read_exact(total - 4)
        header = json.loads(body[:hlen])
        blobs = []
        pos = hlen
        view = memoryview(body)
        for n in header.get("blobs") or ():
            blobs.append(view[pos:pos + n])
            pos += n
        return header, blobs

    def send(self, header, blobs=()):
        if blobs:
            header["blobs"] = [len(b) for b in blobs]
        h = json.dumps(header, separators=(",", ":"), default=repr).encode("utf-8")
        total = 4 + len(h) + sum(len(b) for b in blobs)
        self._write(_U32x2.pack(total, len(h)) + h)
        for b in blobs:
            self._write(b)

    def _write(self, data):
        view = memoryview(data)
        while view:
            n = os.write(self._wfd, view)
            view = view[n:]
