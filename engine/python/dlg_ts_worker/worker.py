"""The worker's request loop: one request at a time, answered in order."""

import os
import sys
import time

from . import PROTOCOL_VERSION
from .drops import InputDrop, OutputDrop
from .protocol import Channel

# Application modules (inspect, numpy helpers) load on first use, so a worker is ready as
# soon as the interpreter is.
_apps = None


def _app_modules():
    global _apps
    if _apps is None:
        from . import pyfunc, simple  # noqa: PLC0415

        _apps = (pyfunc, simple)
    return _apps


class Context:
    __slots__ = ("spec", "inputs", "outputs", "env", "logs", "reply")

    def __init__(self, spec, inputs, outputs, env):
        self.spec = spec
        self.inputs = inputs
        self.outputs = outputs
        self.env = env
        self.logs = []
        self.reply = {}

    def log(self, level, message):
        self.logs.append([level, message])


def _die_with_parent():
    """Linux: the kernel kills this worker when the engine dies, even mid-call."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes  # noqa: PLC0415
        import signal  # noqa: PLC0415

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:  # noqa: BLE001 - best effort; EOF on fd 3 ends the loop anyway
        pass


def _chdir(cwd):
    if cwd and cwd != getattr(_chdir, "current", None):
        os.chdir(cwd)
        _chdir.current = cwd


def op_hello(_req):
    import importlib.util  # noqa: PLC0415

    # find_spec does not import numpy: a worker starts in the interpreter's start-up time.
    return {"ok": True, "protocol": PROTOCOL_VERSION, "python": sys.executable,
            "version": sys.version.split()[0], "pid": os.getpid(),
            "numpy": importlib.util.find_spec("numpy") is not None}


def _check_one(item):
    pyfunc, simple = _app_modules()
    from .lookup import BadFunction  # noqa: PLC0415

    app = item.get("app")
    if app in simple.NEEDS_NUMPY:
        try:
            import numpy  # noqa: F401, PLC0415
        except ImportError as e:
            return "needs numpy: %s" % e
        return None
    if app in ("pyfunc", "branch"):
        spec = item.get("spec") or {}
        code = spec.get("func_code")
        if code and not isinstance(code, str):
            return "func_code must be a string"
        try:
            pyfunc.function_of(spec)
        except BadFunction as e:
            return str(e)
        except Exception as e:  # noqa: BLE001 - the module raised while importing
            return "%s: %s" % (type(e).__name__, e)
    return None


def op_check(req):
    _chdir(req.get("cwd"))
    return {"ok": True, "python": sys.executable, "problems": [_check_one(it) for it in req.get("items", [])]}


def op_run(req, blobs):
    _chdir(req.get("cwd"))
    env = req.get("env") or {}
    for k, v in env.items():
        os.environ[k] = v
    ctx = Context(req["spec"], [InputDrop(d, blobs) for d in req.get("inputs", ())],
                  [OutputDrop(d) for d in req.get("outputs", ())], env)
    app = req["app"]
    t0 = time.perf_counter()
    try:
        pyfunc, simple = _app_modules()
        if app == "pyfunc":
            pyfunc.run(ctx)
        elif app == "branch":
            pyfunc.run_branch(ctx)
        else:
            fn = simple.APPS.get(app)
            if fn is None:
                raise ValueError("this worker has no app %s" % app)
            fn(ctx)
    except Exception as e:  # noqa: BLE001 - the app failed; SystemExit and the like too, below
        return _failure(e, ctx), (), ctx
    except SystemExit as e:
        return _failure(e, ctx), (), ctx
    out_blobs = []
    reply = ctx.reply
    reply["ok"] = True
    reply["outputs"] = [o.report(i, out_blobs) for i, o in enumerate(ctx.outputs)]
    reply["logs"] = ctx.logs
    reply["ms"] = round((time.perf_counter() - t0) * 1000, 3)
    return reply, out_blobs, ctx


def op_pydata(req):
    from . import pydata  # noqa: PLC0415

    return {"ok": True, "values": [pydata.evaluate(s) for s in req.get("sources", [])]}


def _failure(exc, ctx=None):
    import traceback  # noqa: PLC0415

    tb = traceback.format_exception(type(exc), exc, exc.__traceback__)
    return {"ok": False, "error": "%s: %s" % (type(exc).__name__, exc) if str(exc) else type(exc).__name__,
            "traceback": "".join(tb), "logs": ctx.logs if ctx is not None else []}


def main():
    _die_with_parent()
    # The engine reads fd 1 and 2 as the app's output; requests and replies use fds 3 and 4.
    chan = Channel(3, 4)
    sys.path[:] = [p for p in sys.path if p not in ("", os.getcwd())]
    while True:
        try:
            req, blobs = chan.recv()
        except EOFError:
            return
        rid = req.get("id")
        out_blobs = ()
        try:
            op = req.get("op")
            if op == "run":
                reply, out_blobs, _ = op_run(req, blobs)
            elif op == "check":
                reply = op_check(req)
            elif op == "hello":
                reply = op_hello(req)
            elif op == "pydata":
                reply = op_pydata(req)
            else:
                reply = {"ok": False, "error": "unknown op %r" % (op,)}
        except BaseException as e:  # noqa: BLE001 - any failure is the app's, the worker lives on
            if isinstance(e, KeyboardInterrupt):
                raise
            reply = _failure(e)
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
        reply["id"] = rid
        chan.send(reply, out_blobs)
