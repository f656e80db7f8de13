"""Port readers and output writers by encoding (PYTHON_APPS.md §2.4, §2.6).

Where DALiuGE 6.7.0 is buggy these differ on purpose (README, compatibility table): a utf-8
port gives a decoded str rather than a memoryview (Q9), text drops read as their text with
every reader, ``raw`` inputs give the bytes, an empty ``binary`` input gives ''.
"""

import ast
import base64
import binascii
import io
import pickle

ENCODINGS = ("raw", "pickle", "eval", "npy", "dill", "path", "dataurl", "binary", "utf-8")

_dill = None


def dill():
    """dill when it is importable, else pickle (identical bytes for builtins and numpy)."""
    global _dill
    if _dill is None:
        try:
            import dill as d  # noqa: PLC0415 - imported on first use: it costs ~100 ms
        except ImportError:
            d = pickle
        _dill = d
    return _dill


def has_dill():
    return dill() is not pickle


def _np():
    import numpy  # noqa: PLC0415

    return numpy


def _text_or_bytes(b):
    try:
        return b.decode("utf-8")
    except UnicodeDecodeError:
        return b


def read_port(drop, encoding):
    """The value an input port gives the function."""
    if encoding == "path":
        try:
            return drop.path
        except AttributeError:
            return drop.text() if drop.is_text else _text_or_bytes(drop.read())
    if encoding == "dataurl":
        return drop.dataURL
    data = drop.read()
    if drop.is_text:
        text = data.decode("utf-8")
        if encoding == "eval":
            return ast.literal_eval(text) if text else None
        if encoding == "npy":
            raise TypeError("drop %s holds text, not an npy array" % drop.oid)
        return text
    if encoding in ("pickle",):
        return pickle.loads(data) if data else None
    if encoding == "dill":
        return dill().loads(data) if data else None
    if encoding == "eval":
        text = data.decode("utf-8")
        return ast.literal_eval(text) if text else None
    if encoding == "npy":
        return _np().load(io.BytesIO(data), allow_pickle=True)
    if encoding == "utf-8":
        return _text_or_bytes(data)
    if encoding == "binary":
        return data.decode()
    if encoding == "raw":
        return data
    raise ValueError("unknown encoding %r" % (encoding,))


def maybe_serialized(value):
    """DALiuGE tries every str read from a port as base64 dill (Q7); here only when it really is one."""
    if not isinstance(value, str) or len(value) < 8:
        return value
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return value
    if len(raw) < 3 or raw[0] != 0x80 or raw[-1] != 0x2E:
        return value
    try:
        return dill().loads(raw)
    except Exception:  # noqa: BLE001 - not a pickle after all: keep the text
        return value


def deserialize(value):
    """DALiuGE's deserialize_data: base64 of a dill pickle."""
    return dill().loads(base64.b64decode(value))


def encode(result, encoding):
    """Bytes for an output, or None when DALiuGE would write nothing (raw with a non-bytes result)."""
    if encoding == "dill":
        return dill().dumps(result)
    if encoding == "pickle":
        return pickle.dumps(result)
    if encoding in ("eval", "utf-8"):
        return (result if isinstance(result, str) else repr(result)).encode("utf-8")
    if encoding == "npy":
        np = _np()
        buf = io.BytesIO()
        np.save(buf, result if isinstance(result, np.ndarray) else np.array(result), allow_pickle=False)
        return buf.getvalue()
    if encoding == "raw":
        if isinstance(result, str):
            return result.encode("utf-8")
        if isinstance(result, (bytes, bytearray, memoryview)):
            return bytes(result)
        return None
    if encoding == "binary":
        return io.BytesIO(result).getvalue()
    if encoding in ("path", "dataurl"):
        raise ValueError("the %s encoding cannot be used for an output" % encoding)
    raise ValueError("unknown output encoding %r" % (encoding,))
