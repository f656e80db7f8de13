"""Run the reference's own REST tests (daliuge-engine/test/manager/test_rest.py) against an
external node manager instead of the one each test starts in process.

Usage: python3 run_test_rest.py NM_PORT DIM_PORT WORKSPACE ; the data island manager the tests
also use is the reference's, started in process on DIM_PORT and pointed at the node manager.
Each test expects a fresh node manager (the reference's setUp starts one): tearDown destroys
the sessions and removes their directories under WORKSPACE. Prints
{"test name": "ok" | "fail: ..." | "error: ..."}.
"""

import json
import os
import shutil
import socket
import sys
import threading
import time
import unittest

NM_PORT, DIM_PORT, WORKSPACE = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]

from dlg import constants  # noqa: E402

# Read when clients and Node objects are made, so patching them points the tests at NM_PORT.
constants.NODE_DEFAULT_REST_PORT = NM_PORT
constants.ISLAND_DEFAULT_REST_PORT = DIM_PORT

import dlg.clients as clients  # noqa: E402

for cls, port in ((clients.NodeManagerClient, NM_PORT), (clients.DataIslandManagerClient, DIM_PORT)):
    host, _, timeout = cls.__init__.__defaults__
    cls.__init__.__defaults__ = (host, port, timeout)

from test.manager import test_rest  # noqa: E402


def _wait_for(port):
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("the data island manager did not start")


def setUp(self):  # noqa: N802
    unittest.TestCase.setUp(self)
    self.dim = test_rest.DataIslandManager(dmHosts=[test_rest.hostname])
    self._dim_server = test_rest.CompositeManagerRestServer(self.dim)
    self._dim_t = threading.Thread(target=self._dim_server.start, args=(test_rest.hostname, DIM_PORT))
    self._dim_t.start()
    _wait_for(DIM_PORT)


def tearDown(self):  # noqa: N802
    # The tests reuse session ids ("lala", "1234"); the in-process manager they expect died with them.
    c = clients.NodeManagerClient(test_rest.hostname, NM_PORT)
    for s in c.sessions():
        c.destroy_session(s["sessionId"])
    if os.path.isdir(WORKSPACE):
        for d in os.listdir(WORKSPACE):
            shutil.rmtree(os.path.join(WORKSPACE, d), ignore_errors=True)
    self._dim_server.stop()
    self._dim_t.join()
    self.dim.shutdown()
    unittest.TestCase.tearDown(self)


test_rest.TestRest.setUp = setUp
test_rest.TestRest.tearDown = tearDown


class Collect(unittest.TestResult):
    def __init__(self):
        super().__init__()
        self.outcomes = {}

    def addSuccess(self, test):  # noqa: N802
        self.outcomes[test._testMethodName] = "ok"

    def addFailure(self, test, err):  # noqa: N802
        self.outcomes[test._testMethodName] = "fail: %s" % self._exc_info_to_string(err, test).strip().splitlines()[-1]

    def addError(self, test, err):  # noqa: N802
        self.outcomes[test._testMethodName] = "error: %s" % self._exc_info_to_string(err, test).strip().splitlines()[-1]


result = Collect()
unittest.defaultTestLoader.loadTestsFromTestCase(test_rest.TestRest).run(result)
json.dump(result.outcomes, sys.stdout)
