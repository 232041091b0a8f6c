# shellcheck shell=bash
# Sourced by run.sh: keeps every process of the suite running until the launcher is stopped.
#
# supervise NAME LOG STOP_SIGNAL COMMAND...
#   Runs COMMAND in the background (stderr and stdout appended to LOG) under a small
#   supervisor subshell whose pid is added to `pids`. When COMMAND exits for any reason the
#   supervisor logs it on the launcher's stderr and starts it again after a backoff: 1 s,
#   doubling up to 30 s, back to 1 s once a run has stayed up for 60 s
#   (CLASSPLAN_RESTART_BACKOFF_MIN / _MAX / _RESET, in seconds). The running process's pid is
#   in $PID_DIR/NAME.pid (a test or an operator can signal one replica).
#   SIGTERM to the supervisor (what run.sh's stop() sends) sends STOP_SIGNAL to COMMAND, waits
#   for it and ends without restarting it.
#
# Each COMMAND runs in its own session (setsid): Ctrl-C in the terminal reaches the launcher
# only, which stops the processes in order; a process that saw the SIGINT itself would exit
# and be restarted in the middle of the shutdown.

RESTART_BACKOFF_MIN=${CLASSPLAN_RESTART_BACKOFF_MIN:-1}
RESTART_BACKOFF_MAX=${CLASSPLAN_RESTART_BACKOFF_MAX:-30}
RESTART_BACKOFF_RESET=${CLASSPLAN_RESTART_BACKOFF_RESET:-60}

supervise() {
  local name=$1 log=$2 stop_signal=$3
  shift 3
  (
    set +e
    # Ctrl-C and a closed terminal are the launcher's to handle: it stops everything in order.
    trap - EXIT
    trap '' INT HUP
    child=0 sleeping=0 stopping=0
    # SIGTERM interrupts the `wait` below; the loop then waits for the child to finish.
    trap 'stopping=1
          if [ "$sleeping" = 1 ]; then kill -TERM "$child" 2>/dev/null
          elif [ "$child" != 0 ]; then kill -s "$stop_signal" "$child" 2>/dev/null; fi' TERM
    backoff=$RESTART_BACKOFF_MIN
    runs=0
    while [ "$stopping" = 0 ]; do
      started=$SECONDS
      setsid "$@" >>"$log" 2>&1 </dev/null &
      child=$!
      # A SIGTERM that came before `child` was set is passed on now.
      [ "$stopping" = 1 ] && kill -s "$stop_signal" "$child" 2>/dev/null
      echo "$child" >"$PID_DIR/$name.pid"
      runs=$((runs + 1))
      if [ "$runs" -gt 1 ]; then echo "classplan: $name restarted (pid $child)" >&2; fi
      # `wait` returns early (status > 128) when SIGTERM arrives; wait again until it is gone.
      until wait "$child"; status=$?; ! kill -0 "$child" 2>/dev/null; do :; done
      rm -f "$PID_DIR/$name.pid"
      [ "$stopping" = 1 ] && break
      if [ "$status" -gt 128 ]; then
        how="killed by SIG$(kill -l $((status - 128)) 2>/dev/null || echo $((status - 128)))"
      else
        how="exit status $status"
      fi
      [ $((SECONDS - started)) -ge "$RESTART_BACKOFF_RESET" ] && backoff=$RESTART_BACKOFF_MIN
      echo "classplan: $name exited ($how); restarting in ${backoff}s (see $log)" >&2
      sleep "$backoff" &
      child=$! sleeping=1
      wait "$child"
      sleeping=0 child=0
      backoff=$((backoff * 2 > RESTART_BACKOFF_MAX ? RESTART_BACKOFF_MAX : backoff * 2))
    done
    exit 0
  ) &
  pids+=($!)
}
