"""PyFuncApp: argument binding (PYTHON_APPS.md §2.3), the call, and writing the result.

The order of DALiuGE 6.7.0 is kept: signature default, then a top-level parameter of the
same name, then the application argument's value, then the input port. Its bugs are not
(README, compatibility table): values 0/False count (Q2), keyword-only parameters are passed
(Q4), every input is examined (Q5), ports declared as component parameters bind (Q6),
positional-only parameters and *args extras are passed positionally (Q8).
"""

import contextlib
import datetime
import io
import os

from . import codec
from .lookup import BadFunction, resolve
from .params import ENGINE_KEYS, expand, is_set, literal

SKIPPED = 7
_FUNC_KEYS = ("func_code", "func_name", "func_arg_mapping", "input_parser", "output_parser", "func_defaults", "pickle")
_FILENAME_USAGES = ("InputOutput", "OutputPort")


class Arg:
    __slots__ = ("value", "encoding")

    def __init__(self, value, encoding=None):
        self.value = value
        self.encoding = encoding


def _aa_value(f, env):
    v = expand(f.get("value"), env)
    if f.get("type") in ("Json", "Complex"):
        v = literal(v)
    return v


def function_of(spec):
    func_code = spec.get("func_code")
    func_name = spec.get("func_name")
    aa = spec.get("applicationArgs") or {}
    # func_name/func_code given only as application arguments (older graphs)
    if not func_name and isinstance(aa.get("func_name"), dict):
        func_name = aa["func_name"].get("value")
    if not func_code and isinstance(aa.get("func_code"), dict):
        func_code = aa["func_code"].get("value")
    if not func_name and not func_code:
        raise BadFunction("No function specified (either via name or code)")
    return resolve(func_name or None, func_code or None, spec.get("func_defaults"))


def call(ctx):
    """Bind the arguments, call the function, return its result."""
    spec, env, log = ctx.spec, ctx.env, ctx.log
    info = function_of(spec)
    aa_all = spec.get("applicationArgs")
    aa = {k: v for k, v in aa_all.items() if isinstance(v, dict) and k not in _FUNC_KEYS} if isinstance(aa_all, dict) else {}
    cp = spec.get("componentParams") if isinstance(spec.get("componentParams"), dict) else {}

    positional = info.posonly + info.poskw
    named = positional + info.kwonly
    args = {}
    # C, D: signature default, then a top-level parameter the node's fields set.
    for n in named:
        a = Arg(info.defaults.get(n))
        if n not in ENGINE_KEYS:
            top = expand(spec.get(n), env)
            if is_set(top):
                a.value, a.encoding = top, "dill"
        args[n] = a

    extra_pos, extra_kw, filename_ports = [], {}, []
    if not aa:
        # Legacy graphs without application arguments: every parameter reads its port with dill.
        for a in args.values():
            a.encoding = "dill"
    else:
        for name, f in aa.items():
            value = _aa_value(f, env)
            if name in args:
                a = args[name]
                if is_set(value):
                    a.value = value
                a.encoding = f.get("encoding") or "dill"
            if f.get("usage") in _FILENAME_USAGES:
                filename_ports.append(name)
        for name, f in aa.items():
            if name in args:
                continue
            value = _aa_value(f, env)
            if f.get("positional") or info.sig is None:
                extra_pos.append(value)
            else:
                extra_kw[name] = value

    _bind_ports(ctx, info, args, cp, positional)

    outputs_by_port = {}
    for o in ctx.outputs:
        if o.port is not None:
            outputs_by_port.setdefault(o.port, o)
    for name in filename_ports:
        a = args.get(name)
        o = outputs_by_port.get(name)
        # DALiuGE raises KeyError when no output is linked to the port (Q15); nothing to map here.
        if a is None or o is None or a.encoding != "path":
            continue
        if o.path is None:
            raise ValueError("port %s has the path encoding but its output %s is not a file drop" % (name, o.oid))
        # A name given to the port (argument value or input) names the output file; else the drop's own path.
        if is_set(a.value) and isinstance(a.value, str):
            o.path = output_path(a.value, o)
            o.relocated = True
        a.value = o.path
        o.written_by_app = True

    pargs, kwargs = [], {}
    if info.sig is None:
        pargs = extra_pos
        kwargs = {k: v for k, v in extra_kw.items()}
    else:
        pass_positionally = info.varargs and extra_pos
        for n in info.posonly:
            pargs.append(args[n].value)
        for n in info.poskw:
            if pass_positionally:
                pargs.append(args[n].value)
            else:
                kwargs[n] = args[n].value
        if info.varargs:
            pargs.extend(extra_pos)
        for n in info.kwonly:
            kwargs[n] = args[n].value
        if info.varkw:
            for k, v in extra_kw.items():
                kwargs.setdefault(k, v)
    if info.is_init:
        kwargs.pop("self", None)

    if info.sig is not None:
        try:
            bound = info.sig.bind(*pargs, **kwargs)
        except TypeError as e:
            raise TypeError("cannot bind the arguments of %s: %s" % (info.name, e)) from None
        pargs, kwargs = bound.args, bound.kwargs
    log("INFO", "Running %s" % info.name)
    capture = io.StringIO()
    try:
        with contextlib.redirect_stdout(capture):
            return info.func(*pargs, **kwargs)
    finally:
        out = capture.getvalue()
        if out:
            log("INFO", "STDOUT output from function '%s': %s" % (info.name, out))


class _Placeholders(dict):
    def __missing__(self, key):
        raise ValueError("unknown placeholder {%s} in an output file name" % key)


def output_path(value, o):
    """A file name given on a path port, resolved as file drops resolve their filepath."""
    expanded = os.path.expandvars(value)
    if "$" in expanded:
        raise ValueError("environment variable in output path %r is not set" % value)
    default = os.path.basename(o.path)
    names = _Placeholders(uid=o.uid, humanKey=o.human_key, datetime=datetime.date.today().isoformat(), dlg="DALIGUE", auto=default)
    expanded = expanded.format_map(names) if "{" in expanded else expanded
    if expanded.endswith("/"):
        expanded += default
    return expanded if os.path.isabs(expanded) else os.path.join(os.path.dirname(o.path), expanded)


def _bind_ports(ctx, info, args, cp, positional):
    consumed = set()
    pos_set = set(positional)
    unnamed = []
    # In the order of the app's `inputs` list, as DALiuGE examines them; the first port of a name wins.
    for d in sorted(ctx.inputs, key=lambda x: x.order if x.order >= 0 else 1 << 30):
        k = d.port
        if k is None:
            unnamed.append(d)
            continue
        a = args.get(k)
        if a is None or k in consumed:
            continue
        enc = a.encoding
        if enc is None:
            # Not declared as an application argument: its component-parameter declaration, else dill (Q6).
            f = cp.get(k)
            enc = (f.get("encoding") if isinstance(f, dict) else None) or "dill"
        if enc not in codec.ENCODINGS:
            ctx.log("WARNING", "port %s has unknown encoding %r; it is not bound" % (k, enc))
            continue
        consumed.add(k)
        if d.status == SKIPPED:
            ctx.log("WARNING", "input %s on port %s was skipped; %s keeps its default" % (d.oid, k, k))
            continue
        value = codec.read_port(d, enc)
        if k in pos_set:
            value = codec.maybe_serialized(value)
        a.value = value
    if unnamed and not any(d.port is not None for d in ctx.inputs):
        # Inputs without port names (old graphs) fill the positional parameters in order.
        free = [n for n in positional if n not in consumed]
        for n, d in zip(free, unnamed):
            if d.status != SKIPPED:
                args[n].value = codec.read_port(d, args[n].encoding or "dill")


def output_encoding(spec, uid):
    enc = "dill"
    aa = spec.get("applicationArgs") if isinstance(spec.get("applicationArgs"), dict) else {}
    cp = spec.get("componentParams") if isinstance(spec.get("componentParams"), dict) else {}
    for entry in spec.get("outputs") or ():
        if not isinstance(entry, dict):
            continue
        for e_uid, port in entry.items():
            if e_uid != uid:
                continue
            f = aa.get(port) if port in aa else cp.get(port)
            if isinstance(f, dict) and f.get("encoding"):
                enc = f["encoding"]
    if enc not in codec.ENCODINGS:
        raise ValueError("output %s: unknown encoding %r" % (uid, enc))
    return enc


def write_results(ctx, result):
    """The whole result to every output, each with its port's encoding (no unpacking, as DALiuGE)."""
    encoded = {}
    for o in ctx.outputs:
        if o.written_by_app:
            continue
        enc = output_encoding(ctx.spec, o.uid)
        if enc not in encoded:
            encoded[enc] = codec.encode(result, enc)
        data = encoded[enc]
        if data is None:
            ctx.log("ERROR", "a result of type %s cannot be written with the raw encoding; %s stays empty" % (type(result).__name__, o.oid))
            continue
        o.write(data)


def run(ctx):
    write_results(ctx, call(ctx))


def run_branch(ctx):
    """dlg.apps.simple.Branch: the condition's truth value; the engine routes the data."""
    result = call(ctx)
    ctx.reply["result"] = bool(result)
    ctx.reply["repr"] = repr(result)[:200]
