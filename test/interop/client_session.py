"""DALiuGE's own Python client drives a node manager through a whole session.

Usage: python3 client_session.py HOST PORT PG_FILE ; prints one JSON object with what each
call returned (or the exception it raised, by class name).
"""

import json
import sys

from dlg import exceptions
from dlg.clients import NodeManagerClient
from dlg.deploy import common


def main():
    host, port, pg_path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    with open(pg_path) as f:
        pg = json.load(f)
    out = {}
    sid = common.submit(pg, host=host, port=port, session_id="client-session")
    out["submit"] = sid
    out["monitor"] = common.monitor_sessions(sid, poll_interval=0.1, host=host, port=port)
    c = NodeManagerClient(host, port)
    out["sessions"] = c.sessions()
    out["session_status"] = c.session_status(sid)
    out["graph_size"] = c.graph_size(sid)
    out["graph_status"] = c.graph_status(sid)
    out["graph_oids"] = sorted(c.graph(sid).keys())
    out["session_keys"] = sorted(c.session(sid).keys())
    out["session_dir"] = c.session_dir(sid)
    some = sorted(out["graph_status"])[0]
    out["drop_status"] = c.get_drop_status(sid, some)
    out["repro_status"] = c.session_repro_status(sid)
    out["repro_data_keys"] = sorted(c.session_repro_data(sid).keys())
    out["submission_method"] = c.get_submission_method()
    try:
        c.create_session(sid)
        out["create_again"] = "no error"
    except exceptions.DaliugeException as e:
        out["create_again"] = type(e).__name__
    try:
        c.session_status("no-such-session")
        out["unknown_session"] = "no error"
    except exceptions.DaliugeException as e:
        out["unknown_session"] = type(e).__name__
    c.destroy_session(sid)
    out["after_destroy"] = [s["sessionId"] for s in c.sessions()]
    json.dump(out, sys.stdout, default=repr)


if __name__ == "__main__":
    main()
