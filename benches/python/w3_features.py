"""W3, polars feature engineering: a 38-node graph over a 1,000,000-row parquet file
(benches/data/w3_data.parquet), the same Series operations written without Hamilton, and the
same features as one lazy polars plan."""

import os

from common import measure, module_from_source, ms, table

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.normpath(os.path.join(HERE, "..", "data", "w3_data.parquet"))

# What the data file must hold (docs/benchmarks.md, W3).
DATA_CHECK = {
    "rows": 1_000_000,
    "sum(id)": 499_999_500_000,
    "sum(a)": 97.5024978937638,
    "sum(b)": 49980347.293284394,
    "sum(c)": 4997812.185837563,
    "count(cat == cat_00)": 10_093,
}
# Output checksums recorded for the Rust side as well.
CHECKSUMS = {"f_01": 11997480.075451322, "f_11": 1642055.4782512835}

# Each feature: (parameters, expression over them). `_z(s)` standardises with the sample std
# (ddof = 1); its leading underscore keeps Hamilton from taking it for a node.
FEATURES = {}
for _k in range(1, 11):
    FEATURES[f"f_{_k:02d}"] = (("a", "b", "c"), f"a * {_k} + b / (c + 1)")
for _j in range(1, 11):
    FEATURES[f"f_{10 + _j:02d}"] = (("a", "c"), f"((a * {_j} - c).abs() + 1).log()")
for _name, _params, _inner in [
    ("f_21", ("a",), "a"),
    ("f_22", ("b",), "b"),
    ("f_23", ("c",), "c"),
    ("f_24", ("a", "b"), "a * b"),
    ("f_25", ("b", "c"), "b * c"),
    ("f_26", ("a", "c"), "a * c"),
    ("f_27", ("a", "b", "c"), "a + b + c"),
    ("f_28", ("b", "c"), "b / (c + 1)"),
    ("f_29", ("f_01",), "f_01"),
    ("f_30", ("f_11",), "f_11"),
]:
    FEATURES[_name] = (_params, f"_z({_inner})")
OUTPUT_COLUMNS = ["id", "cat"] + list(FEATURES)


def hamilton_source():
    """The node module: `raw` split into its columns, the thirty features, `features`."""
    out = [
        "import polars as pl",
        "from hamilton.function_modifiers import extract_columns",
        "",
        "def _z(s: pl.Series) -> pl.Series:",
        "    return (s - s.mean()) / s.std()",
        "",
        '@extract_columns("id", "a", "b", "c", "cat")',
        "def raw(data_path: str) -> pl.DataFrame:",
        "    return pl.read_parquet(data_path)",
        "",
    ]
    for name, (params, expr) in FEATURES.items():
        sig = ", ".join(f"{p}: pl.Series" for p in params)
        out += [f"def {name}({sig}) -> pl.Series:", f"    return {expr}", ""]
    sig = ", ".join(f"{c}: pl.Series" for c in OUTPUT_COLUMNS)
    body = ", ".join(f'"{c}": {c}' for c in OUTPUT_COLUMNS)
    out += [f"def features({sig}) -> pl.DataFrame:", f"    return pl.DataFrame({{{body}}})", ""]
    return "\n".join(out)


def eager(path):
    """The same Series operations, in the same order, without Hamilton."""
    import polars as pl

    def z(s):
        return (s - s.mean()) / s.std()

    df = pl.read_parquet(path)
    cols = {c: df.get_column(c) for c in ("id", "a", "b", "c", "cat")}
    values = dict(cols)
    for name, (params, expr) in FEATURES.items():
        scope = {p: values[p] for p in params}
        scope["_z"] = z
        values[name] = eval(expr, {}, scope)  # noqa: S307 (our own fixed expressions)
    return pl.DataFrame({c: values[c] for c in OUTPUT_COLUMNS})


def lazy_plan(path):
    """The thirty features as expressions of one `select` over `scan_parquet`."""
    import polars as pl

    def z(e):
        return (e - e.mean()) / e.std()

    scope = {c: pl.col(c) for c in ("a", "b", "c")}
    exprs = {}
    for name, (params, expr) in FEATURES.items():
        local = dict(scope)
        local.update({p: exprs[p] for p in params if p in exprs})
        local["_z"] = z
        exprs[name] = eval(expr, {}, local)  # noqa: S307
    return pl.scan_parquet(path).select(
        [pl.col("id"), pl.col("cat")] + [e.alias(n) for n, e in exprs.items()]
    )


def check_data(path, failures):
    import polars as pl

    df = pl.read_parquet(path)
    got = {
        "rows": df.height,
        "sum(id)": df["id"].sum(),
        "sum(a)": df["a"].sum(),
        "sum(b)": df["b"].sum(),
        "sum(c)": df["c"].sum(),
        "count(cat == cat_00)": int((df["cat"] == "cat_00").sum()),
    }
    rows = []
    for key, want in DATA_CHECK.items():
        ok = got[key] == want
        if not ok:
            failures.append(f"W3 data check {key}: {got[key]} != {want}")
        rows.append([key, got[key], want, "yes" if ok else "**no**"])
    return table(["data check", "this file", "expected", "equal"], rows)


def w3(rules, failures, path=DATA, rounds=5):
    import polars as pl
    from hamilton import driver
    from hamilton.plugins import h_polars

    report = [f"## W3 polars features, 1,000,000 rows → 1,000,000 × 32, end to end\n"]
    report.append(f"Data: `{os.path.relpath(path)}`. polars {pl.__version__}, threads = {pl.thread_pool_size()}.\n")
    report.append(check_data(path, failures) + "\n")

    module = module_from_source("w3", hamilton_source())
    build = measure(lambda: driver.Builder().with_modules(module).build(), rules)
    dr = driver.Builder().with_modules(module).build()
    dr_rb = driver.Builder().with_modules(module).with_adapters(h_polars.PolarsDataFrameResult()).build()
    inputs = {"data_path": path}
    variants = {
        "hamilton": lambda: dr.execute(["features"], inputs=inputs)["features"],
        "hamilton_polars_rb": lambda: dr_rb.execute(OUTPUT_COLUMNS, inputs=inputs),
        "polars_eager": lambda: eager(path),
        "polars_lazy": lambda: lazy_plan(path).collect(),
    }

    # One checked call of each: equal to the eager frame (exactly; lazy within 1e-9 relative).
    reference = eager(path)
    for name, call in variants.items():
        frame = call().select(OUTPUT_COLUMNS)
        if name == "polars_lazy":
            equal = frame.select(["id", "cat"]).equals(reference.select(["id", "cat"])) and all(
                ((frame[c] - reference[c]).abs() <= 1e-9 * reference[c].abs().max()).all()
                for c in FEATURES
            )
        else:
            equal = frame.equals(reference)
        if not equal:
            failures.append(f"W3 {name}: output differs from polars_eager")
    sums = []
    for col, want in CHECKSUMS.items():
        got = reference[col].sum()
        rel = abs(got - want) / abs(want)
        if rel > 1e-12:
            failures.append(f"W3 checksum sum({col}) = {got}, expected {want}")
        sums.append([f"sum({col})", repr(got), repr(want), f"{rel:.1e}"])
    report.append(table(["output checksum", "measured", "expected", "relative difference"], sums) + "\n")

    # Round-robin: each round calls every variant once, so drifts of the machine hit all alike.
    round_rules = rules.with_repeats(1)
    round_rules.warmup = 0
    samples = {name: [] for name in variants}
    for i in range(1 + rounds):  # the first round is the warm-up
        for name, call in variants.items():
            fig = measure(call, round_rules)
            if i > 0:
                samples[name].append(fig)
    rows = []
    eager_med = None
    meds = {}
    for name, figs in samples.items():
        times = sorted(f.times[0] for f in figs)
        cpu = sorted(f.cpu_times[0] for f in figs)
        med = times[len(times) // 2]
        meds[name] = med
        rows.append([name, med, times[0], times[-1], cpu[len(cpu) // 2], max(f.others for f in figs)])
    eager_med = meds["polars_eager"]
    report.append(
        f"Median of {rounds} round-robin rounds after 1 warm-up round:\n\n"
        + table(
            ["variant", "ms", "min–max ms", "CPU ms", "× polars_eager", "others_cores"],
            [
                [n, ms(m), f"{ms(lo)}–{ms(hi)}", ms(c), f"{m / eager_med:.2f}", f"{o:.2f}"]
                for n, m, lo, hi, c, o in rows
            ],
        )
    )
    report.append(f"\nDriver build of this module (38 graph nodes): {ms(build.median)} ms.")
    return "\n".join(report)
