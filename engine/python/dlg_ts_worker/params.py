"""Reading drop-spec parameters the way DALiuGE's drops see them (PYTHON_APPS.md §1.2)."""

import ast
import json
import os
import re

_DLG_ENV = re.compile(r"^\$DLG_[A-Za-z0-9_]+$")

# Keys the translator or the engine put on every spec. DALiuGE pre-fills function parameters
# from any top-level key (Q10), so a parameter named `rank` got the drop's rank; here only
# the node's own fields do.
ENGINE_KEYS = frozenset((
    "oid", "uid", "name", "categoryType", "category", "dropclass", "appclass", "storage",
    "rank", "loop_ctx", "weight", "num_cpus", "iid", "lg_key", "humanReadableKey", "node",
    "island", "inputs", "outputs", "producers", "consumers", "streamingInputs",
    "streamingConsumers", "ports", "port_map", "fields", "applicationArgs", "componentParams",
    "constraintParams", "reprodata", "dlg_session_id", "targetPhase", "executionMode",
    "log_level", "expireAfterUse", "lifespan", "expectedSize", "persist", "precious",
    "block_skip", "n_tries", "input_error_threshold", "n_effective_inputs", "func_name",
    "func_code", "func_defaults", "func_arg_mapping", "input_parser", "output_parser",
    "pickle", "execution_time", "data_volume", "group_start", "group_end", "base_name",
    "inputPorts", "outputPorts", "mkn", "parent", "tw", "timeout",
))


def expand(value, env):
    """A value that is exactly $DLG_<X> is that environment variable (engine values first)."""
    if isinstance(value, str) and _DLG_ENV.match(value):
        name = value[1:]
        return env.get(name, os.environ.get(name, value))
    return value


def is_set(value):
    """An argument value the graph's author gave: EAGLE leaves unset ones null or ''."""
    return value is not None and value != ""


def literal(value):
    """Json/Complex argument values: a Python literal, else JSON, else the text itself (Q1)."""
    if not isinstance(value, str):
        return value
    try:
        return ast.literal_eval(value)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        pass
    try:
        return json.loads(value)
    except ValueError:
        return value


class Params:
    """Parameter lookup for the simple apps: applicationArgs value, top-level key, componentParams."""

    def __init__(self, spec, env):
        self.spec = spec
        self.env = env
        aa = spec.get("applicationArgs")
        self.aa = aa if isinstance(aa, dict) else {}
        cp = spec.get("componentParams")
        self.cp = cp if isinstance(cp, dict) else {}

    def raw(self, name, default=None):
        f = self.aa.get(name)
        if isinstance(f, dict) and "value" in f:
            return expand(f["value"], self.env)
        if name in self.spec:
            return expand(self.spec[name], self.env)
        f = self.cp.get(name)
        if isinstance(f, dict) and "value" in f:
            return expand(f["value"], self.env)
        return default

    def get_str(self, name, default):
        v = self.raw(name)
        return default if v is None else str(v)

    def get_int(self, name, default):
        v = self.raw(name)
        return default if v is None or v == "" else int(v)

    def get_float(self, name, default):
        v = self.raw(name)
        return default if v is None or v == "" else float(v)

    def get_bool(self, name, default):
        """Booleans by meaning: "False" and "0" are false (DALiuGE uses bool(), Q35)."""
        v = self.raw(name)
        if v is None or v == "":
            return default
        if isinstance(v, str):
            s = v.strip().lower()
            if s in ("false", "0", "no", "n", "off", "none", "null"):
                return False
            if s in ("true", "1", "yes", "y", "on"):
                return True
        return bool(v)

    def get_list(self, name, default):
        v = self.raw(name, default)
        if isinstance(v, str):
            v = ast.literal_eval(v) if v.strip() else []
        return v
