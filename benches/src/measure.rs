//! Timing by the rules of `docs/benchmarks.md` (warm-up, median of repeats, untimed set-up and drop), with a
//! noise guard that redoes a measurement when other processes kept the machine busy.

use std::time::{Duration, Instant};

/// How a measurement is repeated and guarded.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Rules {
    pub(crate) warmup: usize,
    pub(crate) repeats: usize,
    /// Redo the measurement when other processes used more cores than this.
    pub(crate) max_others: f64,
    /// How many attempts at most; the least disturbed one is kept.
    pub(crate) attempts: usize,
    /// Independent runs of warm-up and repeats; the figure is the median of their medians.
    pub(crate) runs: usize,
}

/// The figure of one measurement: the median of its timed calls, or, over several runs, the
/// median of the runs' medians.
#[derive(Clone, Debug)]
pub(crate) struct Sample {
    pub(crate) median: Duration,
    /// Fastest and slowest timed call (one run), or fastest and slowest run median (several).
    pub(crate) min: Duration,
    pub(crate) max: Duration,
    /// CPU cores that other processes kept busy during the measurement (0 = quiet); the worst
    /// run's value over several runs.
    pub(crate) others: f64,
    /// Runs redone because other processes kept the machine busy.
    pub(crate) redone: usize,
}

impl Sample {
    pub(crate) fn of(times: &[Duration], others: f64, redone: usize) -> Self {
        let mut t = times.to_vec();
        t.sort_unstable();
        let mid = t.len() / 2;
        let median = if t.len() % 2 == 1 { t[mid] } else { (t[mid - 1] + t[mid]) / 2 };
        Sample { median, min: t[0], max: t[t.len() - 1], others, redone }
    }
}

/// [`measure`] repeated `rules.runs` times: the median and spread of the runs' medians.
pub(crate) fn measure_runs<A, R>(
    rules: Rules,
    mut setup: impl FnMut() -> A,
    mut op: impl FnMut(A) -> R,
) -> Sample {
    let runs: Vec<Sample> =
        (0..rules.runs.max(1)).map(|_| measure(rules, &mut setup, &mut op)).collect();
    if let [one] = runs.as_slice() {
        return one.clone();
    }
    let medians: Vec<Duration> = runs.iter().map(|r| r.median).collect();
    let others = runs.iter().map(|r| r.others).fold(0.0, f64::max);
    Sample::of(&medians, others, runs.iter().map(|r| r.redone).sum())
}

/// Runs `rules.warmup` untimed then `rules.repeats` timed calls of `op` (one run).
///
/// Each call gets a fresh argument from `setup` (not timed); its result is dropped after the
/// clock stops (not timed either).
fn measure<A, R>(rules: Rules, mut setup: impl FnMut() -> A, mut op: impl FnMut(A) -> R) -> Sample {
    let (times, others, redone) = least_disturbed(rules, || {
        for _ in 0..rules.warmup {
            let a = setup();
            drop(op(a));
        }
        let mut times = Vec::with_capacity(rules.repeats);
        for _ in 0..rules.repeats {
            let a = setup();
            let start = Instant::now();
            let r = op(a);
            times.push(start.elapsed());
            drop(r);
        }
        times
    });
    Sample::of(&times, others, redone)
}

/// Runs `attempt` up to `rules.attempts` times, each after waiting for a quiet machine, until
/// other processes kept less than `rules.max_others` cores busy during it. Returns the result of
/// the least disturbed attempt, how many cores others kept busy then, and how many were redone.
fn least_disturbed<T>(rules: Rules, mut attempt: impl FnMut() -> T) -> (T, f64, usize) {
    let mut best: Option<(T, f64)> = None;
    let mut made = 0;
    for _ in 0..rules.attempts.max(1) {
        made += 1;
        if rules.attempts > 1 {
            wait_for_quiet(rules.max_others);
        }
        let probe = Probe::start();
        // A short idle window before the calls, so that the probe sees the machine's load even
        // when the calls themselves take microseconds.
        std::thread::sleep(Duration::from_millis(100));
        let value = attempt();
        let others = probe.others_cores();
        if best.as_ref().is_none_or(|b| others < b.1) {
            best = Some((value, others));
        }
        if others <= rules.max_others {
            break;
        }
    }
    let (value, others) = best.expect("at least one attempt");
    (value, others, made - 1)
}

/// One round-robin measurement (W3): wall and CPU time of every call, per variant.
pub(crate) struct Rounds {
    /// `wall[v][r]`: variant `v` in timed round `r`.
    pub(crate) wall: Vec<Vec<Duration>>,
    /// CPU time of this process's threads over the same calls (see [`process_cpu`]).
    pub(crate) cpu: Vec<Vec<Duration>>,
    /// CPU cores that other processes kept busy during the measurement.
    pub(crate) others: f64,
    /// Attempts redone because other processes kept the machine busy.
    pub(crate) redone: usize,
}

/// Runs `rules.warmup` untimed rounds, then `rules.repeats` timed rounds; each round calls every
/// variant once, in order, so that drift in the machine's speed hits all variants alike. Each
/// result is dropped after the clock stops, before the next call. Redone whole (as [`measure`])
/// when other processes kept the machine busy.
pub(crate) fn measure_rounds<R>(rules: Rules, variants: &mut [&mut dyn FnMut() -> R]) -> Rounds {
    let ((wall, cpu), others, redone) = least_disturbed(rules, || {
        let mut wall = vec![Vec::with_capacity(rules.repeats); variants.len()];
        let mut cpu = vec![Vec::with_capacity(rules.repeats); variants.len()];
        for round in 0..rules.warmup + rules.repeats {
            for (v, op) in variants.iter_mut().enumerate() {
                let cpu_start = process_cpu();
                let start = Instant::now();
                let r = op();
                let elapsed = start.elapsed();
                let cpu_used = process_cpu().saturating_sub(cpu_start);
                drop(r);
                if round >= rules.warmup {
                    wall[v].push(elapsed);
                    cpu[v].push(cpu_used);
                }
            }
        }
        (wall, cpu)
    });
    Rounds { wall, cpu, others, redone }
}

/// CPU time used so far by the live threads of this process: the sum of the first field
/// (nanoseconds on a CPU) of `/proc/self/task/*/schedstat` (Linux; zero elsewhere). Threads that
/// have exited are not counted; polars' worker threads live as long as the process.
pub(crate) fn process_cpu() -> Duration {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else { return Duration::ZERO };
    let ns: u64 = tasks
        .filter_map(Result::ok)
        .filter_map(|t| std::fs::read_to_string(t.path().join("schedstat")).ok())
        .filter_map(|s| s.split_whitespace().next().and_then(|v| v.parse::<u64>().ok()))
        .sum();
    Duration::from_nanos(ns)
}

/// Peak resident set size of this process in MiB (`VmHWM`; Linux; 0 elsewhere).
pub(crate) fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .map_or(0.0, |kib| kib / 1024.0)
}

/// Waits (up to two minutes) until other processes use at most `max_others` cores over a
/// quarter of a second.
fn wait_for_quiet(max_others: f64) {
    let deadline = Instant::now() + Duration::from_secs(120);
    while Instant::now() < deadline {
        let probe = Probe::start();
        std::thread::sleep(Duration::from_millis(250));
        if probe.others_cores() <= max_others {
            return;
        }
    }
}

/// CPU use of the whole machine and of this process, from `/proc` (Linux; zeros elsewhere).
struct Probe {
    machine: (u64, u64),
    own: u64,
}

impl Probe {
    fn start() -> Self {
        Probe { machine: machine_jiffies(), own: own_ticks() }
    }

    /// Cores kept busy by other processes since `start`.
    fn others_cores(&self) -> f64 {
        let (busy, total) = machine_jiffies();
        let own = own_ticks();
        let total = total.saturating_sub(self.machine.1);
        if total == 0 {
            return 0.0;
        }
        let others =
            busy.saturating_sub(self.machine.0).saturating_sub(own.saturating_sub(self.own));
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as f64;
        others as f64 / total as f64 * cores
    }
}

/// (busy, total) jiffies of all CPUs, from the first line of `/proc/stat`.
fn machine_jiffies() -> (u64, u64) {
    let Ok(stat) = std::fs::read_to_string("/proc/stat") else { return (0, 0) };
    let Some(line) = stat.lines().next() else { return (0, 0) };
    let f: Vec<u64> = line.split_whitespace().skip(1).filter_map(|v| v.parse().ok()).collect();
    // user nice system idle iowait irq softirq steal (guest time is already in user).
    let get = |i: usize| f.get(i).copied().unwrap_or(0);
    let idle = get(3) + get(4);
    let busy = get(0) + get(1) + get(2) + get(5) + get(6) + get(7);
    (busy, busy + idle)
}

/// User + system clock ticks of this process (all threads), from `/proc/self/stat`.
fn own_ticks() -> u64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else { return 0 };
    // The command name may hold spaces; the fields after its closing parenthesis are fixed.
    let Some((_, rest)) = stat.rsplit_once(')') else { return 0 };
    let f: Vec<&str> = rest.split_whitespace().collect();
    // After ")": state(3) ... utime is field 14 and stime field 15 of the whole line.
    let get = |i: usize| f.get(i).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
    get(11) + get(12)
}
