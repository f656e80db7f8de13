"""dlg.apps.simple.* apps that need Python (PYTHON_APPS.md §3), with DALiuGE's fixed encodings.

Differences from DALiuGE 6.7.0 (README): DictGatherApp runs (Q12); PickOne recognises its
remainder output by port name as well as by the data drop's name (Q13); GenericNpyGatherApp
accepts a list of axes; UrlRetrieveApp uses the standard library.
"""

import io
import pickle
import random

from . import codec
from .params import Params


def _np():
    import numpy  # noqa: PLC0415

    return numpy


def _need_outputs(ctx, what):
    if not ctx.outputs:
        raise Exception("At least one output should have been added to %s" % what)


def _write_all(ctx, data):
    for o in ctx.outputs:
        o.write(data)


def random_array(ctx):
    p = Params(ctx.spec, ctx.env)
    _need_outputs(ctx, "RandomArrayApp")
    np = _np()
    size = p.get_int("size", 100)
    low = p.get_float("low", 0)
    high = p.get_float("high", 100)
    if p.get_bool("integer", True):
        arr = np.random.randint(int(low), int(high), size=(size))
    else:
        arr = (np.random.random(size=size) + low) * high
    _write_all(ctx, pickle.dumps(arr))


def average_arrays(ctx):
    p = Params(ctx.spec, ctx.env)
    _need_outputs(ctx, "AverageArraysApp")
    if not ctx.inputs:
        raise Exception("At least one input should have been added to AverageArraysApp")
    np = _np()
    method = p.get_str("method", "mean")
    if method not in ("mean", "median"):
        raise ValueError("method must be mean or median, not %r" % method)
    values = []
    for d in ctx.inputs:
        data = d.read()
        if not data:
            ctx.log("WARNING", "Input %s does not contain data!" % d.oid)
            continue
        x = pickle.loads(data)
        if isinstance(x, (list, tuple, np.ndarray)):
            values.extend(list(x))
        else:
            values.append(x)
    _write_all(ctx, pickle.dumps(getattr(np, method)(values, axis=0)))


def _load_npy(d):
    return _np().load(io.BytesIO(d.read()), allow_pickle=True)


def _save_npy(o, arr):
    buf = io.BytesIO()
    _np().save(buf, arr, allow_pickle=False)
    o.write(buf.getvalue())


_GATHER = {"sum": "add", "prod": "multiply", "max": "maximum", "min": "minimum",
           "add": None, "multiply": None, "maximum": None, "minimum": None}


def npy_gather(ctx):
    p = Params(ctx.spec, ctx.env)
    if not ctx.inputs:
        raise Exception("At least one input should have been added to GenericNpyGatherApp")
    _need_outputs(ctx, "GenericNpyGatherApp")
    fn = p.get_str("function", "sum")
    if fn not in _GATHER:
        raise Exception("Function %s not supported by GenericNpyGatherApp" % fn)
    axes = p.get_list("reduce_axes", "None")
    if isinstance(axes, list):
        axes = tuple(axes)
    np = _np()
    result = None
    if _GATHER[fn] is not None:
        reduce, gather = getattr(np, fn), getattr(np, _GATHER[fn])
        for d in ctx.inputs:
            r = reduce(_load_npy(d), axis=axes)
            result = r if result is None else gather(result, r)
    else:
        gather = getattr(np, fn)
        for d in ctx.inputs:
            x = _load_npy(d)
            result = x if result is None else gather(result, x)
    for o in ctx.outputs:
        _save_npy(o, result)


def scatter(ctx):
    p = Params(ctx.spec, ctx.env)
    n = p.get_int("num_of_copies", 1)
    element = p.get_bool("element", False)
    if not ctx.inputs:
        raise Exception("GenericScatterApp needs an input")
    if len(ctx.outputs) < n:
        raise Exception("GenericScatterApp with num_of_copies=%d has only %d outputs" % (n, len(ctx.outputs)))
    np = _np()
    cont = ctx.inputs[0].read()
    try:
        x = pickle.loads(cont)
    except pickle.PickleError:
        x = cont.decode()
    parts = np.array_split(np.array(x), n)
    for i in range(n):
        ctx.outputs[i].write(pickle.dumps(parts[i][0] if element else parts[i]))


def npy_scatter(ctx):
    p = Params(ctx.spec, ctx.env)
    n = p.get_int("num_of_copies", 1)
    axes = p.get_list("scatter_axes", "[0]")
    if len(ctx.inputs) * n != len(ctx.outputs):
        raise Exception("expected %d outputs, got %d" % (len(ctx.inputs) * n, len(ctx.outputs)))
    if len(ctx.inputs) != len(axes):
        raise Exception("expected %d axes, got %d, %s" % (len(ctx.inputs), len(axes), axes))
    np = _np()
    for i, d in enumerate(ctx.inputs):
        parts = np.array_split(_load_npy(d), n, axis=axes[i])
        for j in range(n):
            _save_npy(ctx.outputs[i * n + j], parts[j])


def pick_one(ctx):
    np = _np()
    if not ctx.inputs:
        raise Exception("PickOne needs an input")
    d = ctx.inputs[0]
    contents = d.read()
    data = []
    if contents:
        data = pickle.loads(contents)
    else:
        ctx.log("ERROR", "There was no data in the drop %s" % d.oid)
    if type(data) not in (list, tuple) and not isinstance(data, np.ndarray):
        if not data:
            value, rest = None, []
        else:
            raise TypeError("PickOne needs a list, tuple or array, not %s" % type(data).__name__)
    else:
        data = np.array([data]) if isinstance(data, np.ndarray) and data.ndim == 0 else np.array(data)
        value = data[0] if len(data) else None
        rest = data[1:] if len(data) >= 1 else np.array([])
    for o in ctx.outputs:
        o.write(pickle.dumps(rest if "rest_array" in (o.name, o.port) else value))


def list_append_thrashing(ctx):
    p = Params(ctx.spec, ctx.env)
    _need_outputs(ctx, "ListAppendThrashingApp")
    size = int(p.raw("size", 100))
    arr = []
    for _ in range(size):
        arr = []
        for _ in range(size):
            arr.append(random.random())
    _write_all(ctx, pickle.dumps(arr))


def array_gather(ctx):
    values = []
    for d in ctx.inputs:
        data = d.read()
        try:
            values.append(codec.dill().loads(data))
        except pickle.PickleError:
            values.append(data)
    _write_all(ctx, codec.dill().dumps(values))


def dict_gather(ctx):
    p = Params(ctx.spec, ctx.env)
    value_dict = p.get_list("value_dict", {}) or {}
    if not isinstance(value_dict, dict):
        raise TypeError("value_dict must be a dict, not %s" % type(value_dict).__name__)
    for d in ctx.inputs:
        value_dict[d.name] = pickle.loads(d.read())
    for k, f in p.aa.items():
        if k not in value_dict and isinstance(f, dict) and f.get("value"):
            value_dict[k] = f["value"]
    _write_all(ctx, pickle.dumps(value_dict))


def hello_world(ctx):
    p = Params(ctx.spec, ctx.env)
    if len(ctx.inputs) == 0:
        greeting = "Hello %s" % p.get_str("greet", "World")
    elif len(ctx.inputs) != 1:
        raise Exception("Only one input expected for HelloWorldApp")
    else:
        raw = ctx.inputs[0].read()
        try:
            phrase = pickle.loads(raw)[0]
        except (pickle.UnpicklingError, TypeError, IndexError, EOFError):
            phrase = raw.decode("utf-8", "replace")
        greeting = "Hello, %s" % (phrase,)
    _need_outputs(ctx, "HelloWorldApp")
    _write_all(ctx, greeting.encode())


def url_retrieve(ctx):
    import urllib.request  # noqa: PLC0415

    p = Params(ctx.spec, ctx.env)
    url = p.get_str("url", "")
    if not url:
        raise ValueError("UrlRetrieveApp needs a url")
    with urllib.request.urlopen(url, timeout=30) as r:  # noqa: S310 - the graph names the URL
        body = r.read()
    _need_outputs(ctx, "UrlRetrieveApp")
    _write_all(ctx, body)


APPS = {
    "RandomArrayApp": random_array,
    "AverageArraysApp": average_arrays,
    "GenericNpyGatherApp": npy_gather,
    "GenericScatterApp": scatter,
    "GenericNpyScatterApp": npy_scatter,
    "PickOne": pick_one,
    "ListAppendThrashingApp": list_append_thrashing,
    "ArrayGatherApp": array_gather,
    "DictGatherApp": dict_gather,
    "HelloWorldApp": hello_world,
    "UrlRetrieveApp": url_retrieve,
}

# Apps that cannot run without numpy: checked at append.
NEEDS_NUMPY = frozenset(("RandomArrayApp", "AverageArraysApp", "GenericNpyGatherApp", "GenericScatterApp",
                         "GenericNpyScatterApp", "PickOne"))
