"""Runs the Python side of the benchmark workloads (docs/benchmarks.md) under Apache Hamilton and
prints Markdown tables shaped like the Rust harness's (`cargo run --release -p hamilton-bench`).

    pip install -r benches/python/requirements.txt
    python benches/python/run.py                 # W1..W6
    python benches/python/run.py w1 w3           # some of them
    python benches/python/run.py --large         # also N = 10000 (W1, W2, W4 wide; slow)
    python benches/python/run.py --quick         # 1 repeat each, no quiet-machine wait

Exits non-zero when a result check fails.
"""

import argparse
import os
import platform
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from common import Rules  # noqa: E402

WORKLOADS = ("w1", "w2", "w3", "w4", "w5", "w6")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("workloads", nargs="*", help=f"some of {', '.join(WORKLOADS)} (default: all)")
    parser.add_argument("--large", action="store_true", help="also the N = 10000 sizes (minutes)")
    parser.add_argument("--quick", action="store_true", help="1 repeat, no wait for a quiet machine")
    parser.add_argument("--no-wait", action="store_true", help="do not wait for a quiet machine")
    parser.add_argument("--max-others", type=float, default=0.25, help="cores others may use (0.25)")
    parser.add_argument("--dynamic", action="store_true", help="W2: also dynamic execution at N = 1000")
    args = parser.parse_args()
    chosen = args.workloads or list(WORKLOADS)
    unknown = [w for w in chosen if w not in WORKLOADS]
    if unknown:
        parser.error(f"unknown workload {', '.join(unknown)}; choose from {', '.join(WORKLOADS)}")
    # OpenBLAS / MKL threads would add parallelism of their own to numpy-based code.
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")

    base = Rules(max_others=args.max_others, wait=not (args.no_wait or args.quick))
    if args.quick:
        base.repeats = 1

    import hamilton.version
    import polars

    version = ".".join(str(v) for v in hamilton.version.VERSION)
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    print(f"# Python Hamilton benchmarks ({', '.join(chosen)})\n")
    print("| item | value |\n|---|---|")
    print(f"| machine | {os.cpu_count()} × {cpu}, {platform.system()} {platform.release()} |")
    print(f"| Python | {platform.python_implementation()} {platform.python_version()} |")
    print(f"| apache-hamilton | {version} |")
    print(f"| polars | {polars.__version__}, threads = {polars.thread_pool_size()} |")
    print(f"| started | {time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())} |\n", flush=True)

    failures = []
    for w in chosen:
        if w == "w1":
            from graphs import w1

            text = w1([100, 1000] + ([10000] if args.large else []), base, failures)
        elif w == "w2":
            from graphs import w2

            text = w2([1000] + ([10000] if args.large else []), base.with_repeats(1 if args.quick else 20), failures, 1000 if args.dynamic else 0)
        elif w == "w3":
            from w3_features import w3

            text = w3(base, failures, rounds=1 if args.quick else 5)
        elif w == "w4":
            from w4_parallel import w4

            text = w4(base, failures, wide_sizes=(1000, 10000) if args.large else (1000,))
        elif w == "w5":
            from w5_map_collect import w5

            text = w5(base, failures, sizes=(100, 1000, 3000) if args.large else (100, 1000))
        else:
            from w6_async import w6

            text = w6(base, failures)
        print(text + "\n", flush=True)

    if failures:
        print("## Check failures\n")
        for f in failures:
            print(f"- {f}")
        sys.exit(1)
    print("All result checks passed.")


if __name__ == "__main__":
    main()
