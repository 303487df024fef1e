"""W1 and W2: the chain, fanin and fantree graphs as Python source (the same nodes as
benches/build.rs writes for the Rust side), the graph build timing (W1) and the chain execute
timing with its two baselines (W2)."""

import math

from common import measure, module_from_source, ms, run_with_big_stack, table

SHAPES = ("chain", "fanin", "fantree")


def chain_source(n):
    lines = ["def node_0(x: int) -> int:\n    return x + 1\n"]
    for i in range(1, n):
        lines.append(f"def node_{i}(node_{i - 1}: int) -> int:\n    return node_{i - 1} + 1\n")
    return "\n".join(lines)


def _leaves(n):
    return [f"def node_{i}(x: int) -> int:\n    return x + {i}\n" for i in range(n)]


def fanin_source(n):
    names = [f"node_{i}" for i in range(n)]
    params = ", ".join(f"{p}: int" for p in names)
    total = f"def total({params}) -> int:\n    return sum(({', '.join(names)},))\n"
    return "\n".join(_leaves(n) + [total])


def fantree_source(n):
    parts = _leaves(n)
    below = [f"node_{i}" for i in range(n)]
    level = 1
    while len(below) > 1:
        if len(below) % 10:
            raise ValueError("fantree needs N to be a power of 10")
        count = len(below) // 10
        names = ["total"] if count == 1 else [f"sum_{level}_{j}" for j in range(count)]
        for j, name in enumerate(names):
            kids = below[10 * j : 10 * j + 10]
            params = ", ".join(f"{k}: int" for k in kids)
            parts.append(f"def {name}({params}) -> int:\n    return {' + '.join(kids)}\n")
        below = names
        level += 1
    return "\n".join(parts)


def make(shape, n):
    """(module, output name, expected value, number of function nodes)."""
    if shape == "chain":
        return module_from_source(f"chain_{n}", chain_source(n)), f"node_{n - 1}", n, n
    source = fanin_source(n) if shape == "fanin" else fantree_source(n)
    nodes = n + 1
    if shape == "fantree":
        nodes = sum(n // 10**k for k in range(int(round(math.log10(n))) + 1))
    return module_from_source(f"{shape}_{n}", source), "total", n * (n - 1) // 2, nodes


def w1(sizes, rules, failures):
    """W1: `Builder().with_modules(m).build()`, then one untimed check execute."""
    from hamilton import driver

    rows = []
    for shape in SHAPES:
        for n in sizes:
            module, output, expected, nodes = make(shape, n)

            def build(module=module):
                return driver.Builder().with_modules(module).build()

            fig = measure(build, rules)

            def check_once(output=output, module=module):
                dr = build()
                import time

                t = time.perf_counter()
                value = dr.execute([output], inputs={"x": 0})[output]
                return value, time.perf_counter() - t

            value, exec_s = run_with_big_stack(check_once)
            if value != expected:
                failures.append(f"W1 {shape} N = {n}: {output} = {value}, expected {expected}")
            rows.append(
                [
                    shape,
                    n,
                    nodes,
                    ms(fig.median),
                    f"{ms(fig.low)}–{ms(fig.high)}",
                    f"{fig.median * 1e6 / nodes:.1f}",
                    ms(fig.cpu_median),
                    ms(exec_s),
                    f"{fig.others:.2f}",
                ]
            )
    header = [
        "shape",
        "N",
        "function nodes",
        "build ms",
        "min–max ms",
        "µs per node",
        "CPU ms",
        "1 execute, info (ms)",
        "others_cores",
    ]
    title = (
        "## W1 graph build: `driver.Builder().with_modules(m).build()`, "
        f"median of {rules.repeats} after {rules.warmup} warm-up\n"
    )
    return title + "\n" + table(header, rows)


def w2(sizes, rules, failures, dynamic_max_n=0):
    """W2: execute along the chain; the same functions called directly; a minimal name-based
    interpreter; optionally Hamilton's dynamic (task-based) execution."""
    from hamilton import driver

    rows = []
    for n in sizes:
        module, output, expected, _ = make("chain", n)
        functions = [getattr(module, f"node_{i}") for i in range(n)]
        dr = driver.Builder().with_modules(module).build()

        def check(out, output=output, expected=expected):
            if out[output] != expected:
                failures.append(f"W2 N = {n}: {output} = {out[output]}, expected {expected}")

        figures = []
        fig = run_with_big_stack(
            lambda dr=dr, output=output: measure(
                lambda: dr.execute([output], inputs={"x": 0}), rules, check=check
            )
        )
        figures.append(("hamilton", fig))

        def plain(functions=functions):
            v = 0
            for f in functions:
                v = f(v)
            return {output: v}

        figures.append(("plain_calls", measure(plain, rules, check=check)))

        # Each node's parameter names, in the (already topological) chain order.
        wiring = [(f"node_{i}", f, ("x",) if i == 0 else (f"node_{i - 1}",)) for i, f in enumerate(functions)]

        def interpret(wiring=wiring):
            values = {"x": 0}
            for name, f, params in wiring:
                values[name] = f(**{p: values[p] for p in params})
            return values

        figures.append(("dict_interp", measure(interpret, rules, check=check)))

        if n <= dynamic_max_n:
            dyn = (
                driver.Builder()
                .with_modules(module)
                .enable_dynamic_execution(allow_experimental_mode=True)
                .build()
            )
            fig = run_with_big_stack(
                lambda dyn=dyn, output=output: measure(
                    lambda: dyn.execute([output], inputs={"x": 0}),
                    rules.with_repeats(min(rules.repeats, 5)),
                    check=check,
                )
            )
            figures.append(("hamilton_dynamic", fig))

        plain_ms = figures[1][1].median
        for variant, fig in figures:
            rows.append(
                [
                    n,
                    variant,
                    ms(fig.median),
                    f"{ms(fig.low)}–{ms(fig.high)}",
                    f"{fig.median * 1e6 / n:.3f}",
                    f"{fig.cpu_median * 1e6 / n:.3f}",
                    f"{fig.median / plain_ms:.0f}×",
                    f"{fig.others:.2f}",
                ]
            )
    header = [
        "N",
        "variant",
        "per execute ms",
        "min–max ms",
        "µs per node",
        "CPU µs per node",
        "× plain_calls",
        "others_cores",
    ]
    title = (
        '## W2 chain execute: `dr.execute(["node_{N-1}"], inputs={"x": 0})`, '
        f"median of {rules.repeats} after {rules.warmup} warm-up\n"
    )
    return title + "\n" + table(header, rows)
