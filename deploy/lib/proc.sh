# shellcheck shell=bash
# Background processes of the lab, each known by a name: started detached (setsid, nohup, stdin
# from /dev/null) so they outlive the script, logged to $PROC_LOG_DIR/NAME.log, and recorded in
# $PROC_RUN_DIR/NAME.pid. They are ended only by that PID, and only while /proc/PID/cmdline still
# holds the marker given at start (a PID the kernel reused for something else is left alone).
# Source this file and set PROC_RUN_DIR and PROC_LOG_DIR.

# proc_pid NAME: prints NAME's recorded PID when that process is still ours and alive.
proc_pid() {
    local file="${PROC_RUN_DIR:?}/$1.pid" pid marker
    [ -s "$file" ] || return 1
    { read -r pid && read -r marker; } <"$file" || return 1
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    proc_pid_has_marker "$pid" "$marker" || return 1
    printf '%s' "$pid"
}

# proc_pid_has_marker PID MARKER: PID is alive (not a zombie) and its command line holds MARKER.
proc_pid_has_marker() {
    local pid=$1 marker=$2 state words
    [ -r "/proc/$pid/cmdline" ] || return 1
    state=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$pid/status" 2>/dev/null)
    [ -n "$state" ] && [ "$state" != Z ] || return 1
    words=$(tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null)
    grep -qxF -- "$marker" <<<"$words"
}

# proc_is_running NAME: true while NAME's recorded process is alive.
proc_is_running() {
    proc_pid "$1" >/dev/null
}

# proc_has_exited NAME: true when NAME is not running and stays so for half a second. A process
# caught in the middle of exec (the starter's shell becoming nohup, nohup the program) shows an
# empty command line for an instant (seen 42 times in 200 starts), which is no exit.
proc_has_exited() {
    local i
    for ((i = 0; i < 25; i++)); do
        proc_is_running "$1" && return 1
        sleep 0.02
    done
    return 0
}

# proc_start NAME MARKER ARGV...: starts ARGV detached, appending to NAME's log, and records its
# PID and MARKER (one of ARGV's words, e.g. its data dir, that identifies it later). Fails when
# NAME is already running.
proc_start() {
    local name=$1 marker=$2
    shift 2
    local log="${PROC_LOG_DIR:?}/$name.log" pidfile="${PROC_RUN_DIR:?}/$name.pid" pid
    mkdir -p "$PROC_LOG_DIR" "$PROC_RUN_DIR"
    if pid=$(proc_pid "$name"); then
        echo "proc: $name is already running (pid $pid)" >&2
        return 1
    fi
    printf '=== %s start: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >>"$log"
    # The inner shell writes its own PID, then becomes the program (exec keeps the PID), so the
    # PID file names the program itself whether or not setsid had to fork.
    # shellcheck disable=SC2016 # expanded by the inner shell
    setsid bash -c 'printf "%s\n%s\n" "$$" "$1" >"$2"; shift 2; exec nohup "$@"' \
        proc "$marker" "$pidfile.tmp" "$@" </dev/null >>"$log" 2>&1 &
    local deadline=$((SECONDS + 5))
    until [ -s "$pidfile.tmp" ] && [ "$(wc -l <"$pidfile.tmp")" -ge 2 ]; do
        if [ $SECONDS -ge $deadline ]; then
            echo "proc: $name did not start (see $log)" >&2
            return 1
        fi
        sleep 0.02
    done
    mv -f "$pidfile.tmp" "$pidfile"
}

# proc_stop NAME [GRACE_SECONDS]: SIGTERM to NAME's recorded PID, SIGKILL when it is still alive
# after GRACE_SECONDS (default 10); then removes the PID file. Succeeds when nothing runs.
proc_stop() {
    local name=$1 grace=${2:-10} pid pidfile="${PROC_RUN_DIR:?}/$1.pid"
    if ! pid=$(proc_pid "$name"); then
        rm -f "$pidfile"
        return 0
    fi
    kill -TERM "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + grace))
    while proc_is_running "$name"; do
        if [ $SECONDS -ge $deadline ]; then
            echo "proc: $name (pid $pid) still running after ${grace}s: SIGKILL" >&2
            kill -KILL "$pid" 2>/dev/null || true
            deadline=$((SECONDS + 5))
            while proc_is_running "$name" && [ $SECONDS -lt $deadline ]; do
                sleep 0.05
            done
            break
        fi
        sleep 0.05
    done
    if proc_is_running "$name"; then
        echo "proc: $name (pid $pid) did not end" >&2
        return 1
    fi
    rm -f "$pidfile"
}

# proc_log_tail NAME [LINES]: the last LINES (default 20) lines of NAME's log.
proc_log_tail() {
    tail -n "${2:-20}" "${PROC_LOG_DIR:?}/$1.log" 2>/dev/null || true
}

# ports_in_use PORT...: prints the PORTs that a server could not bind on 127.0.0.1 now (a
# listener holds them, on that address or on every address), one a line, as the servers bind
# (SO_REUSEADDR, so sockets in TIME_WAIT do not count).
ports_in_use() {
    python3 - "$@" <<'PY'
import socket, sys
for port in sys.argv[1:]:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        s.bind(("127.0.0.1", int(port)))
        s.listen(1)
    except OSError:
        print(port)
    finally:
        s.close()
PY
}
