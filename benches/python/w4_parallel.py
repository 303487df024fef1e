"""W4, parallel execution: 16 independent nodes that each burn 50 ms of their own thread's CPU
time, plus a sink; and "W4 wide": N independent trivial nodes plus a sink (scheduling overhead).
Each under Hamilton's sequential executor and the ways Hamilton offers to run nodes on threads."""

from concurrent.futures import ThreadPoolExecutor

from common import measure, module_from_source, ms, table

WORKERS = 16
SPIN_S = 0.050

# The CPU-bound body shared by every variant. It counts its own thread's CPU time, so under the
# GIL a thread that waits accrues nothing: 16 nodes need 16 × 50 ms of interpreter time.
SPIN_SOURCE = f"""
import time

def _spin(v):
    end = time.thread_time() + {SPIN_S}
    while time.thread_time() < end:
        pass
    return v
"""


def static_source():
    parts = [SPIN_SOURCE]
    for k in range(WORKERS):
        parts.append(f"def w_{k:02d}(x: int) -> int:\n    return _spin(x + {k})\n")
    names = [f"w_{k:02d}" for k in range(WORKERS)]
    params = ", ".join(f"{n}: int" for n in names)
    parts.append(f"def sink({params}) -> int:\n    return {' + '.join(names)}\n")
    return "\n".join(parts)


def par_source():
    return (
        "from hamilton.htypes import Collect, Parallelizable\n"
        + SPIN_SOURCE
        + f"""
def item(x: int) -> Parallelizable[int]:
    for i in range({WORKERS}):
        yield x + i

def w(item: int) -> int:
    return _spin(item)

def sink(w: Collect[int]) -> int:
    return sum(w)
"""
    )


def wide_source(n):
    parts = [f"def t_{i}(x: int) -> int:\n    return x + {i}\n" for i in range(n)]
    names = [f"t_{i}" for i in range(n)]
    params = ", ".join(f"{p}: int" for p in names)
    parts.append(f"def sink({params}) -> int:\n    return sum(({', '.join(names)},))\n")
    return "\n".join(parts)


def w4(rules, failures, wide_sizes=(1000,)):
    from hamilton import driver
    from hamilton.execution import executors
    from hamilton.plugins import h_threadpool

    static = module_from_source("w4_static", static_source())
    par = module_from_source("w4_par", par_source())
    spin = static._spin
    want = sum(range(WORKERS))

    def check(value):
        got = value["sink"] if isinstance(value, dict) else value
        if got != want:
            failures.append(f"W4: sink = {got}, expected {want}")

    pool = ThreadPoolExecutor(2)
    variants = [
        ("plain_seq: 16 calls, no framework", lambda: sum(spin(i) for i in range(WORKERS))),
        ("plain_threads2: ThreadPoolExecutor(2)", lambda: sum(pool.map(spin, range(WORKERS)))),
    ]
    builds = [
        ("ham_default: sequential executor", driver.Builder().with_modules(static)),
        (
            "ham_futures2: FutureAdapter(max_workers=2)",
            driver.Builder().with_modules(static).with_adapters(h_threadpool.FutureAdapter(max_workers=2)),
        ),
        (
            "ham_par_threads2: Parallelizable + MultiThreadingExecutor(2)",
            driver.Builder()
            .with_modules(par)
            .enable_dynamic_execution(allow_experimental_mode=True)
            .with_remote_executor(executors.MultiThreadingExecutor(max_tasks=2)),
        ),
    ]
    for name, builder in builds:
        dr = builder.build()
        variants.append((name, lambda dr=dr: dr.execute(["sink"], inputs={"x": 0})))

    figures = [(name, measure(call, rules, check=check)) for name, call in variants]
    pool.shutdown()
    seq = figures[0][1].median
    rows = [
        [name, ms(f.median), f"{ms(f.low)}–{ms(f.high)}", ms(f.cpu_median), f"{seq / f.median:.2f}×", f"{f.others:.2f}"]
        for name, f in figures
    ]
    out = [
        f"## W4 parallel: 16 × 50 ms CPU-time spin + sink, median of {rules.repeats} after {rules.warmup} warm-up\n",
        f"Ideal on 2 cores: {ms(WORKERS * SPIN_S / 2)} ms (sequential {ms(WORKERS * SPIN_S)} ms).\n",
        table(["variant", "ms", "min–max ms", "CPU ms", "speed-up over plain_seq", "others_cores"], rows),
    ]

    rows = []
    for n in wide_sizes:
        wide = module_from_source(f"w4_wide_{n}", wide_source(n))
        want_wide = n * (n - 1) // 2

        def check_wide(value, n=n, want_wide=want_wide):
            if value["sink"] != want_wide:
                failures.append(f"W4 wide N = {n}: sink = {value['sink']}, expected {want_wide}")

        for name, builder in [
            ("sequential", driver.Builder().with_modules(wide)),
            (
                "FutureAdapter(max_workers=2)",
                driver.Builder().with_modules(wide).with_adapters(h_threadpool.FutureAdapter(max_workers=2)),
            ),
        ]:
            dr = builder.build()
            f = measure(lambda dr=dr: dr.execute(["sink"], inputs={"x": 0}), rules, check=check_wide)
            rows.append([n, name, ms(f.median), f"{ms(f.low)}–{ms(f.high)}", f"{f.median * 1e6 / (n + 1):.1f}", f"{f.others:.2f}"])
    out.append(f"\n## W4 wide: N trivial independent nodes + sink, median of {rules.repeats} after {rules.warmup} warm-up\n")
    out.append(table(["N", "executor", "ms", "min–max ms", "µs per node", "others_cores"], rows))
    return "\n".join(out)
