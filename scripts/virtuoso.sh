#!/usr/bin/env bash
# A throw-away Virtuoso Open Source server on loopback, for tests, benchmarks and trying the
# remote store (Debian package virtuoso-opensource: scripts/install-system-deps.sh).
#
#   scripts/virtuoso.sh start DIR [HTTP_PORT [SQL_PORT]]   database files in DIR; prints the
#                                                          store URL once the server answers
#   scripts/virtuoso.sh stop DIR
#
#   kg build articles/ --store "$(scripts/virtuoso.sh start /tmp/virt)"
#
# The DBA account keeps Virtuoso's default password (dba): bind to loopback only, as here.
set -euo pipefail

cmd="${1:-}"; dir="${2:-}"
if [ -z "$cmd" ] || [ -z "$dir" ]; then
  sed -n '2,9p' "$0" >&2; exit 2
fi
mkdir -p "$dir"; dir="$(cd "$dir" && pwd)"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

case "$cmd" in
start)
  command -v virtuoso-t >/dev/null 2>&1 || { echo "virtuoso-t not found: apt-get install virtuoso-opensource" >&2; exit 3; }
  http_port="${3:-$(free_port)}"; sql_port="${4:-$(free_port)}"
  vad_dir="/usr/share/virtuoso-opensource-7/vad"
  mkdir -p "$dir/vsp"
  cat > "$dir/virtuoso.ini" <<EOF
[Database]
DatabaseFile       = $dir/virtuoso.db
ErrorLogFile       = $dir/virtuoso.log
LockFile           = $dir/virtuoso.lck
TransactionFile    = $dir/virtuoso.trx
xa_persistent_file = $dir/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = $dir/virtuoso-temp.db
TransactionFile    = $dir/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort           = 127.0.0.1:$sql_port
DisableUnixSocket    = 1
MaxClientConnections = 10
CheckpointInterval   = 60
CaseMode             = 2
DirsAllowed          = ., $dir, $vad_dir
VADInstallDir        = $vad_dir/
; about 1.3 GB of buffers: what Virtuoso's documentation suggests for 2 GB of free memory
NumberOfBuffers      = 170000
MaxDirtyBuffers      = 130000
MaxQueryMem          = 1G

[HTTPServer]
ServerPort           = 127.0.0.1:$http_port
ServerRoot           = $dir/vsp
MaxClientConnections = 10
ServerThreads        = 10
Charset              = UTF-8
EnabledGzipContent   = 0

[SPARQL]
; the default (10000) silently cuts longer answers
ResultSetMaxRows           = 10000000
MaxSortedTopRows           = 1000000
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime      = 0
EOF
  (cd "$dir" && exec virtuoso-t +configfile "$dir/virtuoso.ini" +foreground >"$dir/stdout.log" 2>&1) &
  echo $! > "$dir/virtuoso.pid"
  for _ in $(seq 1 240); do
    if curl -sf -o /dev/null "http://127.0.0.1:$http_port/sparql?query=ASK%7B%7D"; then
      echo "virtuoso+http://dba:dba@127.0.0.1:$http_port"
      exit 0
    fi
    kill -0 "$(cat "$dir/virtuoso.pid")" 2>/dev/null || { echo "virtuoso exited; see $dir/virtuoso.log" >&2; exit 1; }
    sleep 0.25
  done
  echo "virtuoso did not answer within 60 s; see $dir/virtuoso.log" >&2
  exit 1
  ;;
stop)
  [ -f "$dir/virtuoso.pid" ] || exit 0
  pid="$(cat "$dir/virtuoso.pid")"
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$dir/virtuoso.pid"
  ;;
*)
  sed -n '2,9p' "$0" >&2; exit 2
  ;;
esac
