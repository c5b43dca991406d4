"""The signals that ask DealPulse to stop: SIGTERM (systemd, `kill`, `timeout`) and SIGINT (Ctrl-C). A
terminal, `timeout` and `kill -- -PGID` send them to the whole process group, so the daemon handles them
and its worker processes must not die of them."""

from __future__ import annotations

import signal

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
