"""Run Debian's `wrk` and read its report: requests per second and the latency percentiles."""

import re
import shutil
import subprocess
from dataclasses import dataclass

#: wrk prints durations with the unit that keeps the number short.
UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}

DURATION = r"([\d.]+)(us|ms|s|m|h)"
REQUESTS_PER_SECOND = re.compile(r"^Requests/sec:\s+([\d.]+)\s*$", re.MULTILINE)
NON_2XX = re.compile(r"^\s*Non-2xx or 3xx responses:\s+(\d+)\s*$", re.MULTILINE)
SOCKET_ERRORS = re.compile(
    r"^\s*Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)\s*$", re.MULTILINE
)
TOTAL = re.compile(r"^\s*(\d+) requests in ", re.MULTILINE)


class WrkError(RuntimeError):
    """wrk failed, or printed something this module cannot read."""


@dataclass(frozen=True)
class Figures:
    requests: int
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    #: Responses with a status of 400 or more (wrk counts 3xx as successes).
    errors: int = 0
    #: Connections refused, reset or timed out (wrk's timeout is 2 s).
    socket_errors: int = 0


def duration_ms(text: str) -> float:
    """`812.00us`, `3.86ms`, `1.20s` → milliseconds."""
    match = re.fullmatch(DURATION, text.strip())
    if not match:
        raise WrkError(f"not a wrk duration: {text!r}")
    return float(match[1]) * UNITS_MS[match[2]]


def percentile_ms(output: str, percent: int) -> float:
    # wrk prints `50%`; wrk2 and some builds print `50.000%`.
    match = re.search(rf"^\s*{percent}(?:\.0+)?%\s+{DURATION}\s*$", output, re.MULTILINE)
    if not match:
        raise WrkError(f"no {percent}% line (run wrk with --latency):\n{output}")
    return float(match[1]) * UNITS_MS[match[2]]


def parse(output: str) -> Figures:
    """The figures of one wrk run, from what `wrk --latency` prints."""
    rate = REQUESTS_PER_SECOND.search(output)
    total = TOTAL.search(output)
    if not rate or not total:
        raise WrkError(f"no Requests/sec line in wrk's output:\n{output}")
    non_2xx = NON_2XX.search(output)
    sockets = SOCKET_ERRORS.search(output)
    return Figures(
        requests=int(total[1]),
        requests_per_second=float(rate[1]),
        p50_ms=percentile_ms(output, 50),
        p99_ms=percentile_ms(output, 99),
        errors=int(non_2xx[1]) if non_2xx else 0,
        socket_errors=sum(int(n) for n in sockets.groups()) if sockets else 0,
    )


def run(
    url: str,
    *,
    seconds: float,
    threads: int = 2,
    connections: int = 16,
    headers: dict[str, str] | None = None,
) -> Figures:
    """Load `url` for `seconds` and return what wrk measured."""
    wrk = shutil.which("wrk")
    if wrk is None:
        raise WrkError("wrk is not installed (make bench installs Debian's wrk)")
    command = [wrk, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    result = subprocess.run(  # noqa: S603 (our own arguments, no shell)
        [*command, url], capture_output=True, text=True, timeout=seconds + 60, check=False
    )
    if result.returncode != 0:
        raise WrkError(f"wrk exited with {result.returncode}: {result.stderr or result.stdout}")
    return parse(result.stdout)
