"""W6, async: (a) 20 independent async nodes that each await a 100 ms timer, plus a sink;
(b) 10 such async nodes and 2 independent sync nodes that each burn 200 ms of their thread's
CPU time, plus a sink. Both under Hamilton's AsyncDriver."""

import asyncio
import statistics
import time

from common import Probe, module_from_source, ms, table, wait_for_quiet


def source(n_async, n_cpu):
    parts = ["import asyncio, time\n"]
    for i in range(n_async):
        parts.append(f"async def a_{i:02d}(x: int) -> int:\n    await asyncio.sleep(0.1)\n    return x + {i}\n")
    for i in range(n_cpu):
        parts.append(
            f"def c_{i}(x: int) -> int:\n"
            "    end = time.thread_time() + 0.2\n"
            "    while time.thread_time() < end:\n"
            "        pass\n"
            f"    return x + {100 + i}\n"
        )
    names = [f"a_{i:02d}" for i in range(n_async)] + [f"c_{i}" for i in range(n_cpu)]
    params = ", ".join(f"{n}: int" for n in names)
    parts.append(f"def sink({params}) -> int:\n    return {' + '.join(names)}\n")
    return "\n".join(parts)


async def _time(module, rules, want, failures, label):
    from hamilton import async_driver

    dr = await async_driver.Builder().with_modules(module).build()
    best = None
    for _ in range(rules.retries + 1):
        wait_for_quiet(rules)
        probe = Probe()
        probe.start()
        times = []
        for i in range(rules.warmup + rules.repeats):
            t = time.perf_counter()
            out = await dr.execute(["sink"], inputs={"x": 0})
            elapsed = time.perf_counter() - t
            if out["sink"] != want:
                failures.append(f"W6 {label}: sink = {out['sink']}, expected {want}")
            if i >= rules.warmup:
                times.append(elapsed)
        others = probe.stop()
        if best is None or others < best[1]:
            best = (times, others)
        if others <= rules.max_others or not rules.wait:
            break
    return best


def w6(rules, failures):
    rows = []
    for label, n_async, n_cpu, ideal in [
        ("(a) 20 async × 100 ms timer", 20, 0, 100),
        ("(b) 10 async × 100 ms + 2 sync × 200 ms CPU", 10, 2, 200),
    ]:
        module = module_from_source(f"w6_{n_async}_{n_cpu}", source(n_async, n_cpu))
        want = sum(range(n_async)) + sum(100 + i for i in range(n_cpu))
        times, others = asyncio.run(_time(module, rules, want, failures, label))
        rows.append([label, ms(statistics.median(times)), f"{ms(min(times))}–{ms(max(times))}", f"≈ {ideal}", f"{others:.2f}"])
    return (
        f"## W6 async (AsyncDriver), median of {rules.repeats} after {rules.warmup} warm-up\n\n"
        + table(["workload", "ms", "min–max ms", "ideal ms (2 cores)", "others_cores"], rows)
    )
