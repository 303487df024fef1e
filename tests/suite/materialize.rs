//! Materializers: loaders and savers declared beside the dataflow (`io::from_`, `io::to`),
//! `Driver::materialize`, `validate_materialization`, `Builder::with_materializers`, every
//! built-in format and every error path.

use std::path::{Path, PathBuf};

use hamilton_core::io::{
    self, DataLoader, DataSaver, Loaded, Metadata, Params, from_, source, to, value,
};
use hamilton_core::polars::prelude::*;
use hamilton_core::prelude::*;
use hamilton_core::{BoxError, Cause};
use serde::{Deserialize, Serialize};

use crate::at;

const SRC: &str = include_str!("materialize.rs");

/// A report, saved and loaded through serde JSON.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct Report {
    pub(crate) title: String,
    pub(crate) values: Vec<f64>,
}

mod pipeline {
    use super::Report;
    use hamilton_core::polars::prelude::*;
    use hamilton_core::prelude::*;

    /// A small frame with an integer, a text and a float column.
    #[node]
    fn frame() -> DataFrame {
        df!("id" => [1_i64, 2, 3], "name" => ["a", "b", "c"], "score" => [0.5, 1.5, 2.5]).unwrap()
    }

    /// How many rows `raw` (an input, or a loader's value) has.
    #[node]
    fn raw_rows(raw: &DataFrame) -> usize {
        raw.height()
    }

    /// Rows of `raw` with a score above one.
    #[node]
    fn high(raw: &DataFrame) -> DataFrame {
        let mask = raw.column("score").unwrap().as_materialized_series().gt(1.0).unwrap();
        raw.filter(&mask).unwrap()
    }

    /// A greeting for `name`.
    #[node]
    fn greeting(name: &str) -> String {
        format!("hello {name}\nbye {name}\n")
    }

    /// Some bytes.
    #[node]
    fn payload() -> Vec<u8> {
        vec![0, 1, 2, 255]
    }

    /// A serializable report.
    #[node]
    fn report() -> Report {
        Report { title: "q3".into(), values: vec![1.0, 2.5] }
    }

    /// The report's title, shouted.
    #[node]
    fn title(loaded_report: &Report) -> String {
        loaded_report.title.to_uppercase()
    }

    /// Numbers no CSV loader can make.
    #[node]
    fn numbers(count: &usize) -> Vec<i32> {
        (0..*count as i32).collect()
    }

    /// Twice the text of `note`.
    #[node]
    fn twice(note: &str) -> String {
        note.repeat(2)
    }

    hamilton_core::module!();
}

fn driver() -> Driver {
    Driver::builder().with_modules([pipeline::MODULE]).build().unwrap()
}

/// A fresh directory for one test.
fn dir(name: &str) -> PathBuf {
    let d =
        std::env::temp_dir().join(format!("hamilton-materialize-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn files_in(d: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn expected_frame() -> DataFrame {
    df!("id" => [1_i64, 2, 3], "name" => ["a", "b", "c"], "score" => [0.5, 1.5, 2.5]).unwrap()
}

/// Saves `frame` in `format`, loads it back into `raw` and returns what came back.
fn round_trip_frame(format: &str) -> DataFrame {
    let d = dir(&format!("rt-{format}"));
    let path = d.join(format!("frame.{format}"));
    let dr = driver();
    let saved = dr
        .materialize(
            &[to::format(format, "save_frame", "frame").path(path.clone())],
            &[] as &[&str],
            Inputs::new(),
        )
        .unwrap();
    let meta = &saved.metadata["save_frame"];
    assert_eq!(meta.format, format);
    assert_eq!(meta.rows, Some(3));
    assert_eq!(meta.path.as_deref(), Some(path.as_path()));
    assert_eq!(meta.bytes, Some(std::fs::metadata(&path).unwrap().len()));
    assert!(meta.modified.is_some());
    assert_eq!(meta.schema[0], ("id".to_string(), "i64".to_string()));
    assert_eq!(files_in(&d), vec![format!("frame.{format}")], "no temporary file is left");

    let mut loaded = dr
        .materialize(
            &[from_::format(format, "raw").path(path)],
            &["raw", "raw_rows"],
            Inputs::new(),
        )
        .unwrap();
    assert!(loaded.metadata.is_empty());
    assert_eq!(*loaded.outputs.get::<usize>("raw_rows").unwrap(), 3);
    let frame = loaded.outputs.take::<DataFrame>("raw").unwrap();
    std::fs::remove_dir_all(d).unwrap();
    frame
}

#[test]
fn csv_round_trips_a_frame() {
    assert!(round_trip_frame("csv").equals(&expected_frame()));
}

#[test]
fn parquet_round_trips_a_frame() {
    assert!(round_trip_frame("parquet").equals(&expected_frame()));
}

#[test]
fn json_round_trips_a_frame() {
    assert!(round_trip_frame("json").equals(&expected_frame()));
}

#[test]
fn ndjson_round_trips_a_frame() {
    assert!(round_trip_frame("ndjson").equals(&expected_frame()));
}

#[test]
fn ipc_round_trips_a_frame() {
    assert!(round_trip_frame("ipc").equals(&expected_frame()));
}

#[test]
fn csv_parameters_reach_the_adapter() {
    let d = dir("csv-params");
    let path = d.join("frame.tsv");
    let dr = driver();
    let save = to::csv("save", "frame").path(path.clone()).param("separator", "\t");
    dr.materialize(&[save], &[] as &[&str], Inputs::new()).unwrap();
    assert!(std::fs::read_to_string(&path).unwrap().starts_with("id\tname\tscore\n"));
    let load = from_::csv("raw").path(path).param("separator", "\t");
    let out = dr.materialize(&[load], &["raw"], Inputs::new()).unwrap();
    assert!(out.outputs.get::<DataFrame>("raw").unwrap().equals(&expected_frame()));
    std::fs::remove_dir_all(d).unwrap();
}

#[test]
fn serde_json_round_trips_any_serde_type() {
    let d = dir("serde");
    let path = d.join("report.json");
    let dr = driver();
    dr.materialize(
        &[to::serde_json::<Report>("save", "report").path(path.clone())],
        &[] as &[&str],
        Inputs::new(),
    )
    .unwrap();
    let out = dr
        .materialize(
            &[from_::serde_json::<Report>("loaded_report").path(path)],
            &["title", "loaded_report"],
            Inputs::new(),
        )
        .unwrap();
    assert_eq!(out.outputs.get::<String>("title").unwrap(), "Q3");
    assert_eq!(
        out.outputs.get::<Report>("loaded_report").unwrap(),
        &Report { title: "q3".into(), values: vec![1.0, 2.5] }
    );
    std::fs::remove_dir_all(d).unwrap();
}

#[test]
fn text_and_bytes_round_trip() {
    let d = dir("text-bytes");
    let dr = driver();
    let saved = dr
        .materialize(
            &[
                to::text("save_greeting", "greeting").path(d.join("g.txt")),
                to::bytes("save_payload", "payload").path(d.join("p.bin")),
            ],
            &[] as &[&str],
            Inputs::new().with("name", "ada"),
        )
        .unwrap();
    assert_eq!(saved.metadata["save_greeting"].rows, Some(2));
    assert_eq!(saved.metadata["save_payload"].bytes, Some(4));
    assert_eq!(std::fs::read(d.join("p.bin")).unwrap(), vec![0, 1, 2, 255]);
    let out = dr
        .materialize(&[from_::text("note").path(d.join("g.txt"))], &["twice"], Inputs::new())
        .unwrap();
    assert_eq!(out.outputs.get::<String>("twice").unwrap(), &"hello ada\nbye ada\n".repeat(2));
    std::fs::remove_dir_all(d).unwrap();
}

#[test]
fn materialize_loads_computes_saves_and_returns_extra_outputs_in_one_run() {
    let d = dir("e2e");
    std::fs::write(d.join("in.csv"), "id,name,score\n1,a,0.5\n2,b,1.5\n3,c,2.5\n").unwrap();
    let dr = driver();
    let done = dr
        .materialize(
            &[
                from_::csv("raw").path(source("input_path")),
                to::parquet("save_high", "high").path(d.join("high.parquet")),
            ],
            &["raw_rows", "load_data.raw"],
            Inputs::new().with("input_path", d.join("in.csv").to_string_lossy().into_owned()),
        )
        .unwrap();
    assert_eq!(done.metadata.keys().collect::<Vec<_>>(), ["save_high"]);
    assert_eq!(done.metadata["save_high"].rows, Some(2));
    assert_eq!(*done.outputs.get::<usize>("raw_rows").unwrap(), 3);
    // The loader node carries the load's metadata.
    let loaded = done.outputs.get::<Loaded>("load_data.raw").unwrap();
    assert_eq!(loaded.metadata.format, "csv");
    assert_eq!(loaded.metadata.rows, Some(3));
    assert_eq!(loaded.metadata.bytes, Some(38));
    let back =
        ParquetReader::new(std::fs::File::open(d.join("high.parquet")).unwrap()).finish().unwrap();
    assert_eq!(back.height(), 2);
    std::fs::remove_dir_all(d).unwrap();
}

#[test]
fn a_loader_replaces_a_computed_node_like_an_override() {
    let d = dir("replace");
    let path = d.join("other.csv");
    std::fs::write(&path, "id,name,score\n9,z,9.5\n").unwrap();
    let dr = driver();
    // `frame` is a function node; the loader feeds it instead, and `frame` does not run.
    let out = dr.materialize(&[from_::csv("frame").path(path)], &["frame"], Inputs::new()).unwrap();
    assert_eq!(out.outputs.get::<DataFrame>("frame").unwrap().height(), 1);
    std::fs::remove_dir_all(d).unwrap();
}

#[test]
fn with_materializers_makes_savers_requestable_by_id_and_they_run_only_when_requested() {
    let d = dir("permanent");
    let path = d.join("frame.parquet");
    let dr = Driver::builder()
        .with_modules([pipeline::MODULE])
        .with_materializers([to::parquet("save_frame", "frame").path(source("out_path"))])
        .build()
        .unwrap();
    let inputs = || Inputs::new().with("out_path", path.to_string_lossy().into_owned());
    dr.execute(&["frame"], Inputs::new()).unwrap();
    assert!(!path.exists(), "the saver runs only when requested");
    let out = dr.execute(&["save_frame"], inputs()).unwrap();
    assert_eq!(out.get::<Metadata>("save_frame").unwrap().rows, Some(3));
    assert!(path.exists());
    // The permanent materializers stay in the graph of a later materialize.
    let more = dr
        .materialize(
            &[from_::parquet("raw").path(path.clone())],
            &["save_frame", "raw_rows"],
            inputs(),
        )
        .unwrap();
    assert_eq!(*more.outputs.get::<usize>("raw_rows").unwrap(), 3);
    std::fs::remove_dir_all(d).unwrap();
}

#[test]
fn with_materializers_reports_its_problems_at_build() {
    let err = Driver::builder()
        .with_modules([pipeline::MODULE])
        .with_materializers([from_::format("parqet", "raw").path("x")])
        .build()
        .unwrap_err();
    assert_eq!(err.codes(), ["H060"]);
}

// ------------------------------------------------------------------------ user-defined adapters

/// Key-value lines `k=v` as a sorted map: a user's own format.
struct KeyValues;

type Pairs = std::collections::BTreeMap<String, String>;

impl DataLoader<Pairs> for KeyValues {
    fn load(&self, params: &Params) -> Result<(Pairs, Metadata), BoxError> {
        let text = std::fs::read_to_string(params.path()?)?;
        let mut pairs = Pairs::new();
        for line in text.lines() {
            let (k, v) = line.split_once('=').ok_or_else(|| format!("line `{line}` has no `=`"))?;
            pairs.insert(k.to_string(), v.to_string());
        }
        let meta = Metadata::new().with_rows(pairs.len());
        Ok((pairs, meta))
    }
}

impl DataSaver<Pairs> for KeyValues {
    fn optional(&self) -> &'static [&'static str] {
        &["fail_after"]
    }

    /// Writes one line at a time; `fail_after = n` fails after `n` lines (a failure midway).
    fn save(&self, value: &Pairs, params: &Params) -> Result<Metadata, BoxError> {
        let fail_after: Option<usize> = params.get("fail_after").map(str::parse).transpose()?;
        io::write_atomically(params.path()?, |w| {
            use std::io::Write;
            for (i, (k, v)) in value.iter().enumerate() {
                if fail_after == Some(i) {
                    return Err(format!("the store went away after {i} lines").into());
                }
                writeln!(w, "{k}={v}")?;
            }
            Ok(())
        })?;
        Ok(Metadata::new().with_rows(value.len()))
    }
}

mod settings {
    use super::Pairs;
    use hamilton_core::prelude::*;

    /// The settings, with one more key.
    #[node]
    fn updated(settings: &Pairs) -> Pairs {
        let mut s = settings.clone();
        s.insert("zeta".into(), "last".into());
        s
    }

    hamilton_core::module!();
}

#[test]
fn a_user_defined_adapter_registered_by_name_loads_and_saves() {
    io::register_loader::<Pairs, _>("key_values", KeyValues);
    io::register_saver::<Pairs, _>("key_values", KeyValues);
    let d = dir("user");
    std::fs::write(d.join("in.kv"), "alpha=1\nbeta=2\n").unwrap();
    let dr = Driver::builder().with_modules([settings::MODULE]).build().unwrap();
    let done = dr
        .materialize(
            &[
                from_::format("key_values", "settings").path(d.join("in.kv")),
                to::format("key_values", "save", "updated").path(d.join("out.kv")),
            ],
            &[] as &[&str],
            Inputs::new(),
        )
        .unwrap();
    assert_eq!(done.metadata["save"].rows, Some(3));
    assert_eq!(std::fs::read_to_string(d.join("out.kv")).unwrap(), "alpha=1\nbeta=2\nzeta=last\n");
    std::fs::remove_dir_all(d).unwrap();
}

#[test]
fn a_saver_failing_midway_leaves_the_previous_file_intact() {
    let d = dir("atomic");
    let target = d.join("out.kv");
    std::fs::write(&target, "previous=content\n").unwrap();
    let dr = Driver::builder().with_modules([settings::MODULE]).build().unwrap();
    let err = dr
        .materialize(
            &[to::adapter("key_values", "save", "updated", KeyValues)
                .path(target.clone())
                .param("fail_after", "2")],
            &[] as &[&str],
            Inputs::new().with(
                "settings",
                Pairs::from([("a".into(), "1".into()), ("b".into(), "2".into())]),
            ),
        )
        .unwrap_err();
    assert_eq!(err.codes(), ["H065"]);
    let msg = err.to_string();
    assert!(msg.starts_with("error[H065]: saver `save` (key_values, declared at "), "{msg}");
    assert!(msg.contains(&format!("could not save `updated` to `{}`", target.display())), "{msg}");
    assert!(msg.contains("cause: the store went away after 2 lines"), "{msg}");
    assert!(msg.contains("any previous file at that path is unchanged"), "{msg}");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "previous=content\n");
    assert_eq!(files_in(&d), ["out.kv"], "no temporary file is left");
    std::fs::remove_dir_all(d).unwrap();
}

// ---------------------------------------------------------------------------------- run errors

#[test]
fn a_missing_file_names_the_loader_node_the_path_and_the_cause() {
    let dr = driver();
    let err = dr
        .materialize(
            &[from_::parquet("raw").path("no/such/file.parquet")],
            &["raw_rows"],
            Inputs::new(),
        )
        .unwrap_err();
    assert_eq!(err.codes(), ["H064"]);
    let site = at(SRC, "materialize.rs", "from_::parquet(\"raw\").path(\"no/such", 0);
    let msg = err.to_string();
    assert!(
        msg.starts_with(&format!(
            "error[H064]: loader `load_data.raw` (parquet, declared at {site}) could not load \
             `raw` from `no/such/file.parquet`: the file or its directory does not exist\n  cause: "
        )),
        "{msg}"
    );
    let Error::NodeFailed(failure) = &err else { panic!("{err}") };
    assert_eq!(failure.site.node, "load_data.raw");
    assert!(matches!(failure.cause, Cause::Returned(_)));
}

#[test]
fn a_file_of_another_format_is_a_load_error() {
    let d = dir("wrong-format");
    let path = d.join("frame.parquet");
    std::fs::write(&path, "id,name\n1,a\n").unwrap();
    let err = driver()
        .materialize(&[from_::parquet("raw").path(path.clone())], &["raw_rows"], Inputs::new())
        .unwrap_err();
    assert_eq!(err.codes(), ["H064"]);
    let msg = err.to_string();
    assert!(msg.contains(&format!("could not load `raw` from `{}`", path.display())), "{msg}");
    assert!(msg.contains("the data does not read as the format and type declared"), "{msg}");
    std::fs::remove_dir_all(d).unwrap();
}

#[test]
fn data_that_does_not_match_the_declared_type_is_a_load_error() {
    let d = dir("schema");
    let path = d.join("report.json");
    std::fs::write(&path, r#"{"title": "q3"}"#).unwrap();
    let err = driver()
        .materialize(
            &[from_::serde_json::<Report>("loaded_report").path(path)],
            &["title"],
            Inputs::new(),
        )
        .unwrap_err();
    assert_eq!(err.codes(), ["H064"]);
    let msg = err.to_string();
    assert!(msg.contains("could not load `loaded_report`"), "{msg}");
    assert!(msg.contains("cause: missing field `values`"), "{msg}");
    std::fs::remove_dir_all(d).unwrap();
}

#[test]
fn saving_into_a_missing_directory_is_a_save_error() {
    let err = driver()
        .materialize(
            &[to::csv("save", "frame").path("no/such/dir/out.csv")],
            &[] as &[&str],
            Inputs::new(),
        )
        .unwrap_err();
    assert_eq!(err.codes(), ["H065"]);
    let msg = err.to_string();
    assert!(msg.contains("could not save `frame` to `no/such/dir/out.csv`: the file or its directory does not exist"), "{msg}");
}

// ------------------------------------------------------------------------------ wiring errors

#[test]
fn an_unknown_format_is_reported_with_a_did_you_mean() {
    let err = driver()
        .materialize(&[from_::format("parqet", "raw").path("x")], &["raw_rows"], Inputs::new())
        .unwrap_err();
    assert_eq!(err.codes(), ["H060"]);
    let site = at(SRC, "materialize.rs", "from_::format(\"parqet\"", 1);
    let msg = err.to_string();
    assert!(
        msg.contains(&format!(
            "error[H060]: no loader has the format `parqet`: loader `load_data.raw` (parqet, \
             declared at {site})\n  help: did you mean `parquet`?\n  known loader formats: "
        )),
        "{msg}"
    );
}

#[test]
fn a_format_that_cannot_make_the_node_type_names_both() {
    let err = driver()
        .materialize(&[to::csv("save", "numbers").path("x.csv")], &[] as &[&str], Inputs::new())
        .unwrap_err();
    assert_eq!(err.codes(), ["H061"]);
    let msg = err.to_string();
    assert!(
        msg.contains(
            "error[H061]: the `csv` saver cannot write `Vec<i32>`, the type of node `numbers`"
        ),
        "{msg}"
    );
    assert!(
        msg.contains(&format!(
            "`numbers`: fn numbers at {}",
            at(SRC, "materialize.rs", "fn numbers(", 0)
        )),
        "{msg}"
    );
    assert!(msg.contains("`csv` handles: DataFrame"), "{msg}");

    let err = driver()
        .materialize(&[from_::csv("count").path("x.csv")], &["numbers"], Inputs::new())
        .unwrap_err();
    assert_eq!(err.codes(), ["H061"]);
    assert!(
        err.to_string()
            .contains("the `csv` loader cannot produce `usize`, the type of node `count`"),
        "{err}"
    );
}

#[test]
fn bad_parameters_are_all_reported_before_anything_runs() {
    let d = dir("params");
    let err = driver()
        .materialize(
            &[
                to::csv("save_a", "frame").param("seperator", ";"),
                to::parquet("save_b", "frame").path(source("count")),
            ],
            &[] as &[&str],
            Inputs::new(),
        )
        .unwrap_err();
    assert_eq!(err.codes(), ["H062", "H062", "H062"]);
    let msg = err.to_string();
    assert!(msg.contains("parameter `path` of saver `save_a` (csv, declared at "), "{msg}");
    assert!(msg.contains("missing; the `csv` adapter requires it"), "{msg}");
    assert!(msg.contains("error[H062]: parameter `seperator` of saver `save_a`"), "{msg}");
    assert!(msg.contains("unknown to the `csv` adapter, which accepts: path, separator, include_header\n  help: did you mean `separator`?"), "{msg}");
    assert!(msg.contains("its source `count` is a usize, but parameters take a String"), "{msg}");
    assert!(files_in(&d).is_empty());
    std::fs::remove_dir_all(d).unwrap();
}

#[test]
fn unknown_targets_and_dependencies_get_a_did_you_mean() {
    let err = driver()
        .materialize(
            &[from_::csv("rw").path("x"), to::csv("save", "frmae").path("y")],
            &[] as &[&str],
            Inputs::new(),
        )
        .unwrap_err();
    assert_eq!(err.codes(), ["H011", "H011"]);
    let msg = err.to_string();
    assert!(
        msg.contains(
            "unknown loader target `rw`: no node has this name\n  help: did you mean `raw`?"
        ),
        "{msg}"
    );
    assert!(msg.contains("unknown saver dependency `frmae`"), "{msg}");
}

#[test]
fn a_request_with_nothing_to_save_or_return_is_rejected() {
    let err = driver()
        .materialize(&[from_::csv("raw").path("x")], &[] as &[&str], Inputs::new())
        .unwrap_err();
    assert_eq!(err.codes(), ["H063"]);
    assert!(err.to_string().contains("no saver and no additional output"), "{err}");
}

#[test]
fn saver_ids_must_be_new_and_distinct() {
    let err = driver()
        .materialize(
            &[
                to::csv("out", "frame").path("a"),
                to::csv("out", "high").path("b"),
                to::csv("high", "frame").path("c"),
            ],
            &[] as &[&str],
            Inputs::new(),
        )
        .unwrap_err();
    assert_eq!(err.codes(), ["H063", "H063"]);
    let msg = err.to_string();
    assert!(
        msg.contains("error[H063]: cannot materialize: two materializers add node `out`"),
        "{msg}"
    );
    assert!(msg.contains("a node named `high` already exists"), "{msg}");
}

#[test]
fn validate_materialization_reports_without_loading_or_saving() {
    let d = dir("validate");
    let dr = driver();
    let ok = [to::csv("save", "frame").path(d.join("out.csv"))];
    dr.validate_materialization(&ok, &[] as &[&str], &Inputs::new(), &Inputs::new()).unwrap();
    assert!(files_in(&d).is_empty(), "nothing was saved");
    // A loader of a missing file validates: files are only read when the run happens.
    let load = [from_::csv("raw").path(d.join("missing.csv"))];
    dr.validate_materialization(&load, &["raw_rows"], &Inputs::new(), &Inputs::new()).unwrap();
    // The request's own problems are reported: here a missing input of a source parameter.
    let sourced = [from_::csv("raw").path(source("in_path"))];
    let err = dr
        .validate_materialization(&sourced, &["raw_rows"], &Inputs::new(), &Inputs::new())
        .unwrap_err();
    assert_eq!(err.codes(), ["H010"]);
    assert!(err.to_string().contains("required input `in_path`"), "{err}");
    std::fs::remove_dir_all(d).unwrap();
}

#[test]
fn value_and_source_parameters_mix() {
    let d = dir("value-source");
    std::fs::write(d.join("a.txt"), "a").unwrap();
    let dr = Driver::builder()
        .with_modules([pipeline::MODULE])
        .with_config(
            Config::new().with("note_path", d.join("a.txt").to_string_lossy().into_owned()),
        )
        .build()
        .unwrap();
    let out = dr
        .materialize(
            &[
                from_::text("note").path(source("note_path")),
                to::text("save", "twice").path(value(d.join("b.txt").to_string_lossy())),
            ],
            &[] as &[&str],
            Inputs::new(),
        )
        .unwrap();
    assert_eq!(out.metadata["save"].path.as_deref(), Some(d.join("b.txt").as_path()));
    assert_eq!(std::fs::read_to_string(d.join("b.txt")).unwrap(), "aa");
    std::fs::remove_dir_all(d).unwrap();
}

// ------------------------------------------------------------- #[load_from] and #[save_to]

mod declared {
    use super::Report;
    use hamilton_core::polars::prelude::*;
    use hamilton_core::prelude::*;

    /// One row: how many rows `table` has.
    #[node]
    #[save_to(csv(path = source("out_path"), separator = ";"), id = "save_counted")]
    fn counted(#[load_from(csv(path = source("in_path")))] table: &DataFrame) -> DataFrame {
        df!("rows" => [table.height() as i64], "cols" => [table.width() as i64]).unwrap()
    }

    /// The loaded report's title.
    #[node]
    fn report_title(
        #[load_from(serde_json(path = source("report_path")))] stored: &Report,
    ) -> String {
        stored.title.clone()
    }

    hamilton_core::module!();
}

#[test]
fn attributes_declare_a_loader_for_a_parameter_and_a_saver_run_only_when_requested() {
    let d = dir("attributes");
    std::fs::write(d.join("in.csv"), "a,b\n1,2\n3,4\n5,6\n").unwrap();
    std::fs::write(d.join("report.json"), r#"{"title": "q4", "values": []}"#).unwrap();
    let dr = Driver::builder().with_modules([declared::MODULE]).build().unwrap();
    let inputs = || {
        Inputs::new()
            .with("in_path", d.join("in.csv").to_string_lossy().into_owned())
            .with("out_path", d.join("out.csv").to_string_lossy().into_owned())
            .with("report_path", d.join("report.json").to_string_lossy().into_owned())
    };
    let out = dr.execute(&["counted", "load_data.table", "report_title"], inputs()).unwrap();
    assert_eq!(
        out.get::<DataFrame>("counted").unwrap().column("rows").unwrap().i64().unwrap().get(0),
        Some(3)
    );
    assert_eq!(out.get::<Loaded>("load_data.table").unwrap().metadata.rows, Some(3));
    assert_eq!(out.get::<String>("report_title").unwrap(), "q4");
    assert!(!d.join("out.csv").exists(), "the saver runs only when requested");

    let out = dr.execute(&["save_counted"], inputs()).unwrap();
    assert_eq!(out.get::<Metadata>("save_counted").unwrap().rows, Some(1));
    assert_eq!(std::fs::read_to_string(d.join("out.csv")).unwrap(), "rows;cols\n3;2\n");

    // A failing load names the loader node and the attribute's line.
    let err = dr.execute(&["counted"], inputs().with("in_path", "no/such.csv")).unwrap_err();
    assert_eq!(err.codes(), ["H064"]);
    let site = at(SRC, "materialize.rs", "#[load_from(csv(path = source(\"in_path\")))]", 0);
    assert!(
        err.to_string().starts_with(&format!(
            "error[H064]: loader `load_data.table` (csv, declared at {site}) could not load `table` from `no/such.csv`"
        )),
        "{err}"
    );
    std::fs::remove_dir_all(d).unwrap();
}
