"""The wrk report reader of `make bench`, on reports wrk printed (microseconds to seconds)."""

import re

import pytest

from bench import run, wrk

# `wrk -t1 -c1 -d2s --latency` on the bare "hello" page: latencies in microseconds.
MICROSECONDS = """\
Running 2s test @ http://127.0.0.1:18431/hello/
  1 threads and 1 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   608.74us  609.02us  12.41ms   97.86%
    Req/Sec     1.67k   363.10     1.95k    70.00%
  Latency Distribution
     50%  478.00us
     75%  639.00us
     90%  811.00us
     99%    2.45ms
  3332 requests in 2.00s, 0.90MB read
Requests/sec:   1664.59
Transfer/sec:    461.66KB
"""

# `wrk -t2 -c200 -d4s --latency` on the bare 50-row page: the slowest in seconds.
SECONDS = """\
Running 4s test @ http://127.0.0.1:18431/rows/
  2 threads and 200 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   819.04ms  241.75ms   1.20s    69.11%
    Req/Sec   168.42     91.29   270.00     68.00%
  Latency Distribution
     50%  834.17ms
     75%  871.90ms
     90%    1.11s\x20
     99%    1.17s\x20
  887 requests in 4.05s, 9.82MB read
Requests/sec:    218.94
Transfer/sec:      2.42MB
"""

# A missing page: wrk counts the 404s apart.
NOT_FOUND = """\
Running 2s test @ http://127.0.0.1:18431/missing/
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   146.64ms  252.21ms 902.96ms   82.63%
    Req/Sec     0.90k   316.65     1.25k    87.50%
  Latency Distribution
     50%    9.37ms
     75%  176.85ms
     90%  616.90ms
     99%  873.32ms
  2187 requests in 2.02s, 0.97MB read
  Non-2xx or 3xx responses: 2187
Requests/sec:   1085.15
Transfer/sec:    494.89KB
"""

# `--timeout 1s` with 200 connections: requests that timed out.
TIMEOUTS = """\
Running 3s test @ http://127.0.0.1:18431/rows/
  2 threads and 200 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   753.65ms  268.68ms 999.09ms   80.16%
    Req/Sec   128.26     70.80   262.00     61.76%
  Latency Distribution
     50%  889.08ms
     75%  943.62ms
     90%  981.52ms
     99%  997.48ms
  503 requests in 3.09s, 5.57MB read
  Socket errors: connect 0, read 0, write 0, timeout 246
Requests/sec:    162.84
Transfer/sec:      1.80MB
"""


def test_microseconds_are_read_as_fractions_of_a_millisecond():
    figures = wrk.parse(MICROSECONDS)
    assert figures.requests_per_second == 1664.59
    assert figures.p50_ms == pytest.approx(0.478)
    assert figures.p99_ms == pytest.approx(2.45)
    assert figures.requests == 3332
    assert (figures.errors, figures.socket_errors) == (0, 0)


def test_seconds_are_read_as_thousands_of_milliseconds():
    # wrk pads "1.17s" with a space to the width of "834.17ms".
    figures = wrk.parse(SECONDS)
    assert figures.requests_per_second == 218.94
    assert figures.p50_ms == pytest.approx(834.17)
    assert figures.p99_ms == pytest.approx(1170.0)


def test_error_responses_are_counted():
    figures = wrk.parse(NOT_FOUND)
    assert figures.errors == figures.requests == 2187
    assert figures.p50_ms == pytest.approx(9.37)


def test_timed_out_requests_are_counted():
    figures = wrk.parse(TIMEOUTS)
    assert figures.socket_errors == 246
    assert figures.p99_ms == pytest.approx(997.48)


@pytest.mark.parametrize(
    "text, ms", [("812.00us", 0.812), ("3.86ms", 3.86), ("1.20s", 1200.0), ("1.50m", 90_000.0)]
)
def test_durations_in_each_unit(text, ms):
    assert wrk.duration_ms(text) == pytest.approx(ms)


def test_a_report_without_latency_distribution_is_refused():
    without = re.sub(r"  Latency Distribution\n(?: +\d+%.*\n)+", "", MICROSECONDS)
    assert "requests in" in without and "50%" not in without
    with pytest.raises(wrk.WrkError, match="--latency"):
        wrk.parse(without)


def test_a_page_line_gives_its_share_of_the_bare_template_page():
    line = run.line("meetings /n/gen-01/meetings/", wrk.parse(SECONDS), reference=437.88)
    assert line == (
        "meetings /n/gen-01/meetings/ 219 req/s p50 834.2 ms p99 1170.0 ms 50 % of bare template"
    )
