"""Finding the function a PyFuncApp names (PYTHON_APPS.md §2.2) and reading its signature.

Differences from DALiuGE 6.7.0 (README): ``X.attr`` with a builtin ``X`` resolves the
attribute instead of returning ``X`` itself; source ``func_code`` that fails to run and is not
base64 dill reports the source's own error.
"""

import base64
import builtins
import importlib
import inspect
import types

from . import codec


class BadFunction(Exception):
    """The function cannot be found or loaded; the message says why."""


class FuncInfo:
    __slots__ = ("func", "name", "sig", "posonly", "poskw", "kwonly", "varargs", "varkw",
                 "defaults", "nparams", "is_init")

    def __init__(self, func, name):
        self.func = func
        self.name = name
        self.is_init = name.split(".")[-1] in ("__init__", "__class__")
        self.posonly = []
        self.poskw = []
        self.kwonly = []
        self.varargs = False
        self.varkw = False
        self.defaults = {}
        try:
            self.sig = inspect.signature(func)
        except (ValueError, TypeError):
            # Some C functions have no signature: arguments can only go positionally.
            self.sig = None
            self.nparams = 0
            return
        for k, p in self.sig.parameters.items():
            if p.kind == p.POSITIONAL_ONLY:
                self.posonly.append(k)
            elif p.kind == p.POSITIONAL_OR_KEYWORD:
                self.poskw.append(k)
            elif p.kind == p.KEYWORD_ONLY:
                self.kwonly.append(k)
            elif p.kind == p.VAR_POSITIONAL:
                self.varargs = True
            elif p.kind == p.VAR_KEYWORD:
                self.varkw = True
            # A parameter without a default starts as None, as in DALiuGE.
            self.defaults[k] = None if p.default is inspect.Parameter.empty else p.default
        self.nparams = len(self.sig.parameters)


# DALiuGE modules whose functions graphs call, provided here when DALiuGE is not installed.
_STAND_INS = {"dlg.apps.simple_functions": "simple_functions"}


def _stand_in(fname):
    for mod, ours in _STAND_INS.items():
        if fname.startswith(mod + "."):
            try:
                importlib.import_module(mod)
                return None  # the real one is there: use it
            except ImportError:
                m = importlib.import_module("." + ours, __package__)
                obj = m
                for p in fname[len(mod) + 1:].split("."):
                    obj = getattr(obj, p)
                return obj
    return None


def import_by_name(fname):
    found = _stand_in(fname)
    if found is not None:
        return found
    parts = fname.split(".")
    if len(parts) == 1:
        if hasattr(builtins, fname):
            return getattr(builtins, fname)
        raise BadFunction("%s is not a builtin and does not contain a module name" % fname)
    if parts[-1] in ("__init__", "__class__"):
        parts = parts[:-1]
    if hasattr(builtins, parts[0]):
        obj = getattr(builtins, parts[0])
        for p in parts[1:]:
            try:
                obj = getattr(obj, p)
            except AttributeError as e:
                raise BadFunction("%s has no attribute %s" % (parts[0], p)) from e
        return obj
    # The longest importable module prefix, then attributes.
    err = None
    for cut in range(len(parts) - 1, 0, -1):
        modname = ".".join(parts[:cut])
        try:
            obj = importlib.import_module(modname)
        except ModuleNotFoundError as e:
            if e.name is not None and not (modname + ".").startswith(e.name + "."):
                # The module exists but something it imports does not.
                raise BadFunction("Error when loading module %s: %s" % (modname, e)) from e
            err = e
            continue
        except Exception as e:  # noqa: BLE001 - the module raised while importing
            raise BadFunction("Error when loading module %s: %s: %s" % (modname, type(e).__name__, e)) from e
        try:
            for p in parts[cut:]:
                obj = getattr(obj, p)
        except AttributeError as e:
            raise BadFunction("module %s has no attribute %s" % (modname, ".".join(parts[cut:]))) from e
        return obj
    raise BadFunction("Error when loading module %s: %s" % (parts[0], err))


def load_code(code, func_name):
    """func_code: Python source defining func_name, else base64 of a dill-pickled function."""
    short = (func_name or "").split(".")[-1]
    if isinstance(code, str):
        try:
            compiled = compile(code.strip(), "<func_code>", "exec")
        except SyntaxError as e:
            source_error = e
        else:
            mod = types.ModuleType("mod")
            mod.__dict__["__builtins__"] = builtins
            try:
                exec(compiled, mod.__dict__)  # noqa: S102 - a graph is code, run as DALiuGE does
            except Exception as e:  # noqa: BLE001
                source_error = e
            else:
                if not short or not hasattr(mod, short):
                    raise BadFunction("Function with name '%s' not found in func_code" % short)
                return getattr(mod, short)
    else:
        source_error = None
    try:
        raw = base64.b64decode(code if isinstance(code, (bytes, bytearray)) else code.encode(), validate=False)
        if not codec.has_dill():
            raise BadFunction("func_code is not Python source and dill is not importable to read it as a serialized function")
        func = codec.dill().loads(raw)
    except BadFunction:
        raise
    except Exception as e:  # noqa: BLE001
        if source_error is not None:
            raise BadFunction("func_code: %s: %s" % (type(source_error).__name__, source_error)) from source_error
        raise BadFunction("func_code cannot be deserialized: %s" % e) from e
    if short and getattr(func, "__name__", None) != short:
        raise BadFunction("Function with name '%s' instead of '%s' found!" % (getattr(func, "__name__", "?"), short))
    return func


def _apply_func_defaults(info, func_defaults):
    fd = func_defaults
    if isinstance(fd, str):
        import ast  # noqa: PLC0415

        fd = ast.literal_eval(fd) if fd.strip() else {}
    if not fd:
        return
    if isinstance(fd, dict) and isinstance(fd.get("kwargs"), dict):
        fd = fd["kwargs"]
    if not isinstance(fd, dict):
        raise BadFunction("func_defaults must be a dict of base64 dill values, not %r" % (fd,))
    for k, v in fd.items():
        info.defaults[k] = codec.deserialize(v)


_cache = {}


def resolve(func_name, func_code, func_defaults):
    """FuncInfo for the function, cached per worker by name, code and defaults."""
    key = (func_name or "", func_code or "", repr(func_defaults) if func_code else "")
    info = _cache.get(key)
    if info is not None:
        return info
    if func_code:
        func = load_code(func_code, func_name)
        info = FuncInfo(func, func_name or func.__qualname__)
        info.name = getattr(func, "__qualname__", info.name)
        # func_defaults only apply with func_code, as in DALiuGE.
        _apply_func_defaults(info, func_defaults)
    elif func_name:
        info = FuncInfo(import_by_name(func_name), func_name)
    else:
        raise BadFunction("No function specified (either via name or code)")
    _cache[key] = info
    return info
