"""What an application sees of its data drops.

Inputs arrive as descriptors from the engine: small contents inline (a blob), large ones or
files by path, read only when an application asks for them. Outputs collect what an
application writes; the worker hands the bytes back inline or through a file the engine named.
"""

import os

SKIPPED = 7
COMPLETED = 2

# The engine takes back data of at least this size through a file rather than the pipe.
INLINE_LIMIT = 64 * 1024


class InputDrop:
    """A read-only view of an input data drop, shaped like DALiuGE's drop for the readers."""

    __slots__ = ("oid", "uid", "name", "status", "size", "dataURL", "port", "order", "dropclass",
                 "_path", "_file", "_blob", "_text", "_data")

    def __init__(self, d, blobs):
        self.oid = d["oid"]
        self.uid = d.get("uid", self.oid)
        self.name = d.get("name", self.oid)
        self.status = d.get("status", COMPLETED)
        self.size = d.get("size", 0)
        self.dataURL = d.get("dataURL", "")
        self.port = d.get("port")
        self.order = d.get("order", -1)
        self.dropclass = d.get("dropclass", "")
        self._path = d.get("path")
        self._file = d.get("file")
        b = d.get("blob")
        self._blob = blobs[b] if b is not None else None
        self._text = bool(d.get("text"))
        self._data = None

    @property
    def path(self):
        # Only file drops have a path, as in DALiuGE (hasattr(drop, "path") tells them apart).
        if self._path is None:
            raise AttributeError("path")
        return self._path

    @property
    def is_text(self):
        """A drop initialised from String pydata: DALiuGE keeps it as text (a StringIO)."""
        return self._text

    def read(self):
        """The whole content as bytes (an empty drop, a skipped or a null drop give b'')."""
        if self._data is None:
            if self._blob is not None:
                self._data = bytes(self._blob)
            elif self._file is not None or self._path is not None:
                with open(self._file if self._file is not None else self._path, "rb") as f:
                    self._data = f.read()
            else:
                self._data = b""
        return self._data

    def text(self):
        return self.read().decode("utf-8")

    def __repr__(self):
        return "<InputDrop %s %s>" % (self.oid, self.name)


class OutputDrop:
    """Collects the chunks written to one output; the worker reports them at the end."""

    __slots__ = ("oid", "uid", "name", "port", "path", "dataURL", "sink", "is_file", "human_key",
                 "chunks", "size", "written_by_app", "relocated", "skip")

    def __init__(self, d):
        self.oid = d["oid"]
        self.uid = d.get("uid", self.oid)
        self.name = d.get("name", self.oid)
        self.port = d.get("port")
        self.path = d.get("path")
        self.dataURL = d.get("dataURL", "")
        self.sink = d.get("sink")
        self.human_key = d.get("humanKey", "")
        self.is_file = self.path is not None
        self.relocated = False
        self.chunks = []
        self.size = 0
        self.written_by_app = False
        self.skip = False

    def write(self, data):
        """DALiuGE's DataDROP.write: bytes, memoryviews and str; anything else is refused (-3)."""
        if isinstance(data, str):
            data = data.encode("utf-8")
        elif isinstance(data, (bytes, bytearray, memoryview)):
            data = bytes(data) if not isinstance(data, bytes) else data
        else:
            return -3
        self.chunks.append(data)
        self.size += len(data)
        return len(data)

    def report(self, index, blobs):
        """The reply entry for this output; appends to ``blobs`` when the data goes inline."""
        if self.skip:
            return {"i": index, "skip": True}
        if self.written_by_app:
            return {"i": index, "external": True, "path": self.path} if self.relocated else {"i": index, "external": True}
        if not self.chunks:
            return {"i": index, "size": 0}
        data = self.chunks[0] if len(self.chunks) == 1 else b"".join(self.chunks)
        self.chunks = []
        if len(data) >= INLINE_LIMIT and self.sink:
            fd = os.open(self.sink, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view):]
            finally:
                os.close(fd)
            return {"i": index, "file": self.sink, "size": len(data)}
        blobs.append(data)
        return {"i": index, "blob": len(blobs) - 1}

    def __repr__(self):
        return "<OutputDrop %s %s>" % (self.oid, self.name)
