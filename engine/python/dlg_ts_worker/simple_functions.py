"""Stand-ins for ``dlg.apps.simple_functions`` (PYTHON_APPS.md §3) when DALiuGE itself is not
importable: graphs name these functions by DALiuGE's module path."""

import json
import pickle


def readLines(fileName):  # noqa: N802, N803 - DALiuGE's names
    """The whitespace-separated tokens of a text file."""
    with open(fileName) as f:
        return f.read().split()


def createRange(low, high, step):  # noqa: N802
    return range(low, high, step)


def createMultiOut(v1=1, v2=7):  # noqa: N802
    return v1, v2


def getMax(v1=1.0, v2=7.0):  # noqa: N802
    return max(v1, v2)


def string2json(string, pickle_flag=False):
    """json.loads of the text ('' counts as '""'); [] when it is not JSON; pickled on request."""
    try:
        value = json.loads(string or '""')
    except json.JSONDecodeError:
        value = []
    return pickle.dumps(value) if pickle_flag else value
