"""W5, dynamic map/collect: `item` expands into N items, a two-node block runs per item
(`sq = item²`, `plus = sq + 1`), and `total` collects the results into their sum."""

from common import measure, module_from_source, ms, table

SOURCE = """
from hamilton.htypes import Collect, Parallelizable

def item(n: int) -> Parallelizable[int]:
    for i in range(n):
        yield i

def sq(item: int) -> int:
    return item * item

def plus(sq: int) -> int:
    return sq + 1

def total(plus: Collect[int]) -> int:
    return sum(plus)
"""


def w5(rules, failures, sizes=(100, 1000)):
    from hamilton import driver
    from hamilton.execution import executors

    module = module_from_source("w5", SOURCE)
    rows = []
    for label, make in [
        ("SynchronousLocalTaskExecutor", executors.SynchronousLocalTaskExecutor),
        ("MultiThreadingExecutor(2)", lambda: executors.MultiThreadingExecutor(max_tasks=2)),
    ]:
        dr = (
            driver.Builder()
            .with_modules(module)
            .enable_dynamic_execution(allow_experimental_mode=True)
            .with_remote_executor(make())
            .build()
        )
        for n in sizes:
            want = sum(i * i + 1 for i in range(n))

            def check(out, n=n, want=want):
                if out["total"] != want:
                    failures.append(f"W5 N = {n}: total = {out['total']}, expected {want}")

            # Python's cost grows faster than N: fewer repeats for the large sizes.
            repeats = rules.repeats if n <= 100 else min(rules.repeats, 3) if n <= 1000 else 1
            f = measure(lambda dr=dr, n=n: dr.execute(["total"], inputs={"n": n}), rules.with_repeats(repeats), check=check)
            rows.append(
                [label, n, ms(f.median), f"{ms(f.low)}–{ms(f.high)}", f"{f.median * 1e6 / n:.0f}", ms(f.cpu_median), repeats, f"{f.others:.2f}"]
            )
    return (
        f"## W5 map/collect: Parallelizable over N items, sq → plus per item, Collect into a sum; "
        f"median after {rules.warmup} warm-up\n\n"
        + table(["remote executor", "N", "ms", "min–max ms", "µs per item", "CPU ms", "repeats", "others_cores"], rows)
    )
