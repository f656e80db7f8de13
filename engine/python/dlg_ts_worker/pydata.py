"""pydata of type ``eval`` (PYTHON_APPS.md §4.2): evaluated by Python, stored as its dill pickle."""

import base64

from . import codec


def evaluate(source):
    value = eval(source)  # noqa: S307 - a graph is code; DALiuGE evaluates it the same way
    return base64.b64encode(codec.dill().dumps(value)).decode("ascii")
