//! Pictures (DOT, SVG) and the feature catalog: snapshots of their text, and their errors.

use hamilton_core::prelude::*;
use hamilton_core::viz::{CustomStyle, NodeClass, Orientation, Style, ViewOptions};

mod shop {
    use super::*;

    /// Orders of the day, from the order log at `log_path`.
    #[node]
    #[tag(stage = "load", owner = "sales")]
    fn orders(log_path: &str) -> Vec<f64> {
        log_path.split(',').filter_map(|x| x.trim().parse().ok()).collect()
    }

    /// Revenue in the configured currency; a `discount` is subtracted when given.
    #[node]
    #[check_output(range = (0.0, 1e9))]
    #[tag(stage = "report")]
    fn revenue(orders: &[f64], discount: Option<&f64>) -> f64 {
        orders.iter().sum::<f64>() - discount.copied().unwrap_or(0.0)
    }

    /// Orders above the threshold (in prod: a high one).
    #[node]
    #[config_when(env = "prod")]
    fn large_orders__prod(orders: &[f64]) -> usize {
        orders.iter().filter(|&&o| o > 1000.0).count()
    }

    /// Orders above the threshold (anywhere else: a low one).
    #[node]
    #[config_when_default]
    fn large_orders__other(orders: &[f64]) -> usize {
        orders.iter().filter(|&&o| o > 10.0).count()
    }

    /// The day's summary line.
    #[node]
    fn summary(revenue: f64, large_orders: &usize, currency: &str) -> String {
        format!("{revenue:.2} {currency}, {large_orders} large")
    }

    hamilton_core::module!();
}

fn driver() -> Driver {
    Driver::builder()
        .with_modules([shop::MODULE])
        .with_config(Config::new().with("env", "prod").with("currency", "EUR"))
        .build()
        .unwrap()
}

#[test]
fn all_functions_dot_uses_hamiltons_visual_language() {
    let dot = driver().display_all_functions(&ViewOptions::new()).dot();
    insta::assert_snapshot!(dot);
}

#[test]
fn execution_view_shows_only_what_runs_with_outputs_and_overrides_marked() {
    let dr = driver();
    let inputs = Inputs::new().with("log_path", "1, 2000");
    let overrides = Overrides::new().with("large_orders", 7_usize);
    let picture =
        dr.visualize_execution(&["summary"], &inputs, &overrides, &ViewOptions::new()).unwrap();
    assert_eq!(picture.class_of("summary"), Some(NodeClass::Output));
    assert_eq!(picture.class_of("large_orders"), Some(NodeClass::Override));
    assert_eq!(picture.class_of("log_path"), Some(NodeClass::Input));
    // `discount` is optional and not given: not part of the run.
    assert_eq!(picture.class_of("discount"), None);
    insta::assert_snapshot!(picture.dot());
}

#[test]
fn execution_view_validates_the_request_first() {
    let err = driver()
        .visualize_execution(&["summary"], &Inputs::new(), &Overrides::new(), &ViewOptions::new())
        .unwrap_err();
    assert_eq!(err.codes(), ["H010"]);
}

#[test]
fn upstream_and_downstream_views_hold_the_lineage() {
    let dr = driver();
    let up = dr.display_upstream_of(&["revenue"], &ViewOptions::new()).unwrap();
    assert_eq!(
        up.nodes(),
        ["discount", "log_path", "orders", "revenue", "revenue_range_validator", "revenue_raw"]
    );
    assert_eq!(up.class_of("revenue"), Some(NodeClass::Generated));
    assert_eq!(up.class_of("revenue_range_validator"), Some(NodeClass::Check));
    assert_eq!(up.class_of("revenue_raw"), Some(NodeClass::Function));
    let down = dr.display_downstream_of(&["large_orders"], &ViewOptions::new()).unwrap();
    assert_eq!(down.nodes(), ["large_orders", "summary"]);
    let err = dr.display_upstream_of(&["revenu"], &ViewOptions::new()).unwrap_err();
    assert_eq!(err.codes(), ["H011"]);
    assert!(err.to_string().contains("did you mean `revenue`?"), "{err}");
}

#[test]
fn path_view_draws_the_path_in_red() {
    let dr = driver();
    let path = dr.visualize_path_between("orders", "summary", &ViewOptions::new()).unwrap();
    let dot = path.dot();
    assert!(dot.contains("\"orders\" -> \"large_orders\" [color=red, penwidth=2]"), "{dot}");
    assert!(!path.nodes().contains(&"currency"));
}

#[test]
fn no_path_between_two_nodes_is_h050() {
    let err =
        driver().visualize_path_between("summary", "orders", &ViewOptions::new()).unwrap_err();
    assert_eq!(err.codes(), ["H050"]);
    assert_eq!(
        err.to_string(),
        "error[H050]: no path leads from `summary` to `orders`: `orders` does \
         not depend on `summary`\n  help: swap them if `summary` depends on `orders`, or look at \
         display_downstream_of([\"summary\"])"
    );
}

#[test]
fn orientation_legend_and_custom_styles_are_options() {
    let options =
        ViewOptions::new().orientation(Orientation::TopToBottom).with_style(|node, class| {
            (class == NodeClass::Function && node.tag("owner") == Some("sales")).then(|| {
                CustomStyle {
                    style: Style { fill: Some("#f4a6a6".into()), ..class.default_style() },
                    legend: "owned by sales".into(),
                }
            })
        });
    let dot = driver().display_all_functions(&options).dot();
    assert!(dot.contains("rankdir=TB"));
    assert!(dot.contains("\"orders\" [label=<<b>orders</b><br/><i>Vec&lt;f64&gt;</i>>, shape=rect, style=\"rounded,filled\", fillcolor=\"#f4a6a6\"]"), "{dot}");
    assert!(dot.contains("\"_legend_owned by sales\""), "{dot}");
    let bare = driver().display_all_functions(&ViewOptions::new().without_legend()).dot();
    assert!(!bare.contains("Legend"));
}

#[test]
fn pictures_are_written_by_extension_whole_or_not_at_all() {
    let dir = std::env::temp_dir().join(format!("hamilton-viz-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let picture = driver().display_all_functions(&ViewOptions::new());
    picture.write(dir.join("graph.svg")).unwrap();
    picture.write(dir.join("graph.dot")).unwrap();
    assert!(std::fs::read_to_string(dir.join("graph.svg")).unwrap().starts_with("<svg"));
    assert!(std::fs::read_to_string(dir.join("graph.dot")).unwrap().starts_with("digraph"));

    let err = picture.write(dir.join("graph.png")).unwrap_err();
    assert_eq!(err.codes(), ["H052"]);
    assert!(
        err.to_string().starts_with("error[H052]: cannot write a picture to `")
            && err.to_string().contains(
                "graph.png`: extension `.png` names no picture format\n  help: end the file name \
                 with .svg, .dot or .gv"
            ),
        "{err}"
    );
    let err = picture.write(dir.join("missing/graph.svg")).unwrap_err();
    assert_eq!(err.codes(), ["H051"]);
    assert!(err.to_string().starts_with("error[H051]: cannot write `"), "{err}");
    let mut left: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["graph.dot", "graph.svg"]);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The catalog with code versions replaced by `<version>` (they are hashes of the code, tested
/// apart) and line numbers by `<line>`, so the snapshot shows the structure.
fn redacted(text: &str, dr: &Driver) -> String {
    let catalog = dr.catalog();
    let mut text = text.replace(&catalog.graph_version, "<graph version>");
    for e in &catalog.nodes {
        if let Some(v) = &e.version {
            text = text.replace(v, "<version>");
        }
        if let Some((_, line)) = &e.source {
            text = text
                .replace(&format!("\"line\": {line},"), "\"line\": <line>,")
                .replace(&format!("viz.rs:{line}`"), "viz.rs:<line>`");
        }
    }
    text
}

#[test]
fn catalog_json_follows_the_documented_schema() {
    let dr = driver();
    let json = dr.catalog().to_json();
    insta::assert_snapshot!(redacted(&json, &dr));
}

#[test]
fn catalog_markdown_lists_every_node() {
    let dr = driver();
    insta::assert_snapshot!(redacted(&dr.catalog().to_markdown(), &dr));
}

#[test]
fn catalog_entries_carry_location_version_and_neighbours() {
    let dr = driver();
    let catalog = dr.catalog();
    let orders = catalog.get("orders").unwrap();
    let src = include_str!("viz.rs");
    assert_eq!(
        format!("{}:{}", orders.source.as_ref().unwrap().0, orders.source.as_ref().unwrap().1),
        crate::at(src, "viz.rs", "fn orders(", 0)
    );
    assert_eq!(orders.used_by, ["large_orders", "revenue_raw"]);
    assert_eq!(orders.version.as_ref().unwrap().len(), 16);
    assert_eq!(catalog.get("log_path").unwrap().kind, "input");
    assert_eq!(catalog.get("log_path").unwrap().version, None);
    let revenue = catalog.get("revenue_raw").unwrap();
    assert_eq!(revenue.optional_dependencies, ["discount"]);
    // The graph version is a hash of the node versions: another config, other nodes, another
    // version; the same graph, the same version.
    let dev = Driver::builder()
        .with_modules([shop::MODULE])
        .with_config(Config::new().with("env", "dev").with("currency", "EUR"))
        .build()
        .unwrap();
    assert_ne!(dev.graph_version(), dr.graph_version());
    assert_eq!(driver().graph_version(), dr.graph_version());
}

#[test]
fn the_graph_exports_to_petgraph_with_optional_edges() {
    let graph = driver().to_petgraph();
    assert_eq!(graph.node_count(), 10);
    assert_eq!(graph.edge_count(), 10);
    let index = |name: &str| graph.node_indices().find(|&i| graph[i].name == name).unwrap();
    let edge = graph.find_edge(index("discount"), index("revenue_raw")).unwrap();
    assert!(graph[edge].optional);
    assert_eq!(graph[index("log_path")].kind, hamilton_core::VariableKind::External);
    assert!(!petgraph_is_cyclic(&graph));
}

fn petgraph_is_cyclic<N, E>(graph: &hamilton_core::petgraph::graph::DiGraph<N, E>) -> bool {
    hamilton_core::petgraph::algo::is_cyclic_directed(graph)
}
