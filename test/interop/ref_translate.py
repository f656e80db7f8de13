"""The reference DALiuGE translator, in one process for many graphs (starting it per graph
costs seconds): logical graph -> unrolled, partitioned (metis, one partition) and mapped PG.

Usage: python3 ref_translate.py OUT_DIR LG... ; writes OUT_DIR/<basename>.json for each LG and
prints one JSON line per graph: {"lg": path, "pg": path} or {"lg": path, "error": message}.
Run with the PYTHONPATH that ../shared/daliuge-ref/dlg-ref sets.
"""

import json
import logging
import os
import sys

logging.disable(logging.CRITICAL)

from dlg.common.reproducibility.reproducibility import (  # noqa: E402
    init_pg_repro_data,
    init_pgt_partition_repro_data,
    init_pgt_unroll_repro_data,
)
from dlg.dropmake import pg_generator  # noqa: E402


def translate(lg_path):
    with open(lg_path) as f:
        pgt = pg_generator.unroll(f, oid_prefix="1")
    init_pgt_unroll_repro_data(pgt)
    repro = pgt.pop()
    pgt = pg_generator.partition(pgt, algo="metis", num_partitions=1, num_islands=1, partition_label="partition")
    pgt.append(repro)
    init_pgt_partition_repro_data(pgt)
    repro = pgt.pop()
    pg = pg_generator.resource_map(pgt, ["127.0.0.1", "127.0.0.1"], 1, co_host_dim=True)
    pg.append(repro)
    return init_pg_repro_data(pg)


def main():
    out_dir = sys.argv[1]
    for lg in sys.argv[2:]:
        try:
            pg = translate(lg)
            out = os.path.join(out_dir, os.path.basename(lg).rsplit(".", 1)[0] + ".json")
            with open(out, "w") as f:
                json.dump(pg, f)
            print(json.dumps({"lg": lg, "pg": out}), flush=True)
        except Exception as e:  # noqa: BLE001 - reported per graph
            print(json.dumps({"lg": lg, "error": "%s: %s" % (type(e).__name__, e)}), flush=True)


if __name__ == "__main__":
    main()
