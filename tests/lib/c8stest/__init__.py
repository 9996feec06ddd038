"""c8stest: the harness shared by c8s integration tests (Python 3 standard library only).

proc: free ports, temp dirs, processes ended by PID, wait_for deadlines. etcdapi: a tiny etcd v3
JSON client with watch/keepalive streams. cluster: etcd and c8s-store launchers with one interface.
runner: unittest runner closing with "N passed, M failed, K skipped".
"""

from .cluster import C8S_STORE, ETCD, Cluster, Member, binary_for, c8s_store_binary, etcd_binary
from .etcdapi import (ApiError, Client, JsonStream, Reply, StreamClosed, b64, prefix_end, unb64,
                      watch_events)
from .proc import (DeadlineExceeded, Process, WaitAborted, free_port, make_temp_dir,
                   remove_temp_dir, stop_all_processes, wait_for)

__all__ = [
    "C8S_STORE", "ETCD", "Cluster", "Member", "binary_for", "c8s_store_binary", "etcd_binary",
    "ApiError", "Client", "JsonStream", "Reply", "StreamClosed", "b64", "prefix_end", "unb64",
    "watch_events", "DeadlineExceeded", "Process", "WaitAborted", "free_port", "make_temp_dir",
    "remove_temp_dir", "stop_all_processes", "wait_for",
]
