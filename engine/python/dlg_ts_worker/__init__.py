"""Worker side of dlg-ts's Python application pool.

A long-lived process started by the engine (``python3 -m dlg_ts_worker``). It reads framed
requests on fd 3 and answers on fd 4, runs DALiuGE's Python applications (PyFuncApp, member
functions, Branch conditions, ``dlg.apps.simple.*``) with DALiuGE 6.7.0's argument binding,
readers and writers (PYTHON_APPS.md), and never imports DALiuGE itself.
"""

PROTOCOL_VERSION = 1
