"""Shared helpers of the Python side: node modules made from source text, timing by the rules of
docs/benchmarks.md (warm-up calls, median of repeats, garbage collected between calls, untimed),
and a probe of how busy the other processes kept the machine during a measurement."""

import gc
import os
import statistics
import sys
import threading
import time
import types

# Extra modules made by `module_from_source` get distinct names.
_made = 0


def module_from_source(name, source):
    """A real module holding `source`'s functions, as Hamilton expects of a node module (every
    function has a `__module__` that `sys.modules` knows, a signature and annotations)."""
    global _made
    _made += 1
    full = f"hamilton_rs_bench_{name}_{_made}"
    module = types.ModuleType(full)
    module.__file__ = f"<{full}>"
    sys.modules[full] = module
    exec(compile(source, module.__file__, "exec"), module.__dict__)
    return module


def _busy_jiffies():
    """All CPUs' busy time since boot, in clock ticks (first line of /proc/stat)."""
    try:
        with open("/proc/stat") as f:
            fields = f.readline().split()[1:]
    except OSError:
        return None
    ticks = [int(x) for x in fields]
    idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0)  # idle + iowait
    steal = ticks[7] if len(ticks) > 7 else 0
    guest = sum(ticks[8:10]) if len(ticks) > 9 else 0  # already counted in user / nice
    return sum(ticks) - idle - steal - guest


class Probe:
    """Measures how many cores the *other* processes kept busy between `start` and `stop`."""

    HZ = os.sysconf("SC_CLK_TCK")

    def start(self):
        self.busy = _busy_jiffies()
        self.own = time.process_time()
        self.wall = time.perf_counter()

    def stop(self):
        wall = time.perf_counter() - self.wall
        busy = _busy_jiffies()
        if busy is None or self.busy is None or wall <= 0:
            return 0.0
        others = (busy - self.busy) / self.HZ - (time.process_time() - self.own)
        return max(0.0, others / wall)


class Rules:
    """How one figure is measured: `warmup` untimed calls, then the median of `repeats` timed
    calls; redone (up to `retries` more times) when other processes used more than
    `max_others` cores meanwhile, keeping the least disturbed attempt."""

    def __init__(self, warmup=1, repeats=5, max_others=0.25, retries=3, wait=True):
        self.warmup = warmup
        self.repeats = repeats
        self.max_others = max_others
        self.retries = retries
        self.wait = wait

    def with_repeats(self, repeats):
        return Rules(self.warmup, repeats, self.max_others, self.retries, self.wait)


def wait_for_quiet(rules, limit_s=120.0):
    """Waits (at most `limit_s`) until other processes use at most `rules.max_others` cores."""
    if not rules.wait:
        return
    deadline = time.monotonic() + limit_s
    probe = Probe()
    while time.monotonic() < deadline:
        probe.start()
        time.sleep(0.5)
        if probe.stop() <= rules.max_others:
            return


class Figure:
    """The samples of one measurement, in seconds, and the other processes' load meanwhile."""

    def __init__(self, times, cpu_times, others, attempts):
        self.times = times
        self.cpu_times = cpu_times
        self.others = others
        self.attempts = attempts

    @property
    def median(self):
        return statistics.median(self.times)

    @property
    def cpu_median(self):
        return statistics.median(self.cpu_times)

    @property
    def low(self):
        return min(self.times)

    @property
    def high(self):
        return max(self.times)


def measure(call, rules, setup=None, check=None):
    """Times `call()` by `rules`. `setup()` (untimed) makes the call's argument before each call
    when given; `check(result)` (untimed) sees each result, which is dropped (and garbage
    collected) before the next call."""
    best = None
    for attempt in range(1, rules.retries + 2):
        wait_for_quiet(rules)
        probe = Probe()
        probe.start()
        times, cpu = [], []
        for i in range(rules.warmup + rules.repeats):
            arg = setup() if setup is not None else None
            gc.collect()
            c0 = time.process_time()
            t0 = time.perf_counter()
            result = call(arg) if setup is not None else call()
            t1 = time.perf_counter()
            c1 = time.process_time()
            if check is not None:
                check(result)
            del result
            if i >= rules.warmup:
                times.append(t1 - t0)
                cpu.append(c1 - c0)
        others = probe.stop()
        figure = Figure(times, cpu, others, attempt)
        if best is None or figure.others < best.others:
            best = figure
        if others <= rules.max_others or not rules.wait:
            break
    return best


def run_with_big_stack(fn, stack_mb=512, recursion=200_000):
    """Runs `fn()` on a thread with a large stack and a high recursion limit: Hamilton's default
    executor recurses once per node along a chain, so a 10,000-node chain needs both."""
    old_limit = sys.getrecursionlimit()
    old_stack = threading.stack_size()
    box = {}

    def target():
        try:
            box["value"] = fn()
        except BaseException as e:  # re-raised on the calling thread
            box["error"] = e

    sys.setrecursionlimit(recursion)
    threading.stack_size(stack_mb * 1024 * 1024)
    try:
        thread = threading.Thread(target=target)
        thread.start()
        thread.join()
    finally:
        threading.stack_size(old_stack)
        sys.setrecursionlimit(old_limit)
    if "error" in box:
        raise box["error"]
    return box["value"]


def ms(seconds):
    """Milliseconds with about four significant digits, as the Rust harness prints them."""
    v = seconds * 1e3
    if v >= 100:
        return f"{v:.1f}"
    if v >= 1:
        return f"{v:.2f}"
    return f"{v:.4f}"


def table(header, rows):
    """A Markdown table."""
    lines = ["| " + " | ".join(header) + " |"]
    lines.append("|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|")
    for row in rows:
        lines.append("| " + " | ".join(str(c) for c in row) + " |")
    return "\n".join(lines)
