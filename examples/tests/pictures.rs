//! The pictures of real graphs, rendered to PNG: the digits example and the shape of W3's
//! 38-node feature graph (benches/src/w3.rs). Each SVG is rendered with resvg and a DejaVu font
//! file; the test fails when a label is not drawn, when two boxes overlap, or when an edge
//! runs through a box it does not belong to. The PNGs land in `target/pictures/` for a person
//! to look at (docs/seeing-your-dataflow.md shows copies).

use std::path::PathBuf;

use hamilton_core::polars::prelude::{DataFrame, Series};
use hamilton_core::prelude::*;
use hamilton_core::viz::{NodeClass, Orientation, Picture, ViewOptions};
use hamilton_core::{NodeSpec, ParamKind, ParamSpec, TypeSpec};
use hamilton_examples::digits;
use resvg::{tiny_skia, usvg};

const FONT: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

fn out_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/pictures");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Renders `svg` to `name.png` and checks that every `<text>` element became glyph outlines.
fn render(svg: &str, name: &str) -> (u32, u32) {
    let mut options = usvg::Options::default();
    let bold = FONT.replace("DejaVuSans.ttf", "DejaVuSans-Bold.ttf");
    let oblique = FONT.replace("DejaVuSans.ttf", "DejaVuSans-Oblique.ttf");
    for file in [FONT, bold.as_str(), oblique.as_str()] {
        let data = std::fs::read(file).unwrap_or_else(|e| {
            panic!("font file {file} missing ({e}): apt-get install fonts-dejavu-core")
        });
        options.fontdb_mut().load_font_data(data);
    }
    options.font_family = "DejaVu Sans".to_string();
    let tree = usvg::Tree::from_str(svg, &options).expect("the SVG parses");
    let texts = svg.matches("<text").count();
    let drawn = drawn_texts(tree.root());
    assert_eq!(drawn, texts, "{name}: {texts} labels in the SVG, {drawn} drawn with glyphs");
    let fitted = labels_fit(tree.root(), name);
    assert_eq!(fitted, svg.matches("<g class=\"node\"").count(), "{name}: node groups checked");
    let size = tree.size().to_int_size();
    let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height()).unwrap();
    resvg::render(&tree, tiny_skia::Transform::default(), &mut pixmap.as_mut());
    let path = out_dir().join(format!("{name}.png"));
    pixmap.save_png(&path).unwrap();
    std::fs::write(out_dir().join(format!("{name}.svg")), svg).unwrap();
    (size.width(), size.height())
}

/// Checks that the labels of every node, as drawn with the real font, lie inside its outline;
/// returns how many nodes were checked.
fn labels_fit(group: &usvg::Group, name: &str) -> usize {
    let mut checked = 0;
    for node in group.children() {
        let usvg::Node::Group(g) = node else { continue };
        if let Some(node_name) = g.id().strip_prefix("node-") {
            let outline = g.children()[0].abs_bounding_box();
            for label in g.children().iter().filter(|c| matches!(c, usvg::Node::Text(_))) {
                let b = label.abs_bounding_box();
                let inside = b.left() >= outline.left() - 0.5
                    && b.right() <= outline.right() + 0.5
                    && b.top() >= outline.top() - 0.5
                    && b.bottom() <= outline.bottom() + 0.5;
                assert!(
                    inside,
                    "{name}: a label of `{node_name}` ({b:?}) overflows its box ({outline:?})"
                );
            }
            checked += 1;
        } else {
            checked += labels_fit(g, name);
        }
    }
    checked
}

/// Text elements whose glyphs were turned into paths.
fn drawn_texts(group: &usvg::Group) -> usize {
    group
        .children()
        .iter()
        .map(|node| match node {
            usvg::Node::Group(g) => drawn_texts(g),
            usvg::Node::Text(t) => usize::from(has_path(t.flattened())),
            _ => 0,
        })
        .sum()
}

fn has_path(group: &usvg::Group) -> bool {
    group.children().iter().any(|node| match node {
        usvg::Node::Path(_) => true,
        usvg::Node::Group(g) => has_path(g),
        _ => false,
    })
}

/// The node boxes of an SVG written by hamilton-core: (name, x, y, width, height).
fn boxes(svg: &str) -> Vec<(String, f64, f64, f64, f64)> {
    let mut out = Vec::new();
    for group in svg.split("<g class=\"node\" id=\"node-").skip(1) {
        let name = group[..group.find('"').unwrap()].to_string();
        let shape = &group[group.find('<').unwrap()..];
        let number = |key: &str| -> Option<f64> {
            let at = shape.find(&format!(" {key}=\""))? + key.len() + 3;
            shape[at..at + shape[at..].find('"')?].parse().ok()
        };
        if let (Some(x), Some(y), Some(w), Some(h)) =
            (number("x"), number("y"), number("width"), number("height"))
        {
            out.push((name, x, y, w, h));
        } else {
            // Notes and hexagons are paths: take the extent of their first subpath's points.
            let d = &shape[shape.find(" d=\"").unwrap() + 4..];
            let d = &d[..d.find(['z', '"']).unwrap()];
            let points: Vec<(f64, f64)> = d
                .split(['M', 'L'])
                .filter(|p| !p.trim().is_empty())
                .map(|p| {
                    let (x, y) = p.trim().split_once(',').unwrap();
                    (x.parse().unwrap(), y.trim().parse().unwrap())
                })
                .collect();
            let (x0, x1) =
                points.iter().fold((f64::MAX, f64::MIN), |a, p| (a.0.min(p.0), a.1.max(p.0)));
            let (y0, y1) =
                points.iter().fold((f64::MAX, f64::MIN), |a, p| (a.0.min(p.1), a.1.max(p.1)));
            out.push((name, x0, y0, x1 - x0, y1 - y0));
        }
    }
    out
}

/// Points along every edge (path commands sampled), to test them against the boxes.
fn edge_points(svg: &str) -> Vec<Vec<(f64, f64)>> {
    svg.split("<path class=\"edge\" d=\"")
        .skip(1)
        .map(|rest| {
            let d = &rest[..rest.find('"').unwrap()];
            let mut points = Vec::new();
            let mut current = (0.0, 0.0);
            let tokens: Vec<&str> = d.split(' ').collect();
            let mut k = 0;
            while k < tokens.len() {
                let t = tokens[k];
                let parse = |s: &str| -> (f64, f64) {
                    let (x, y) = s.split_once(',').unwrap();
                    (x.parse().unwrap(), y.parse().unwrap())
                };
                match &t[..1] {
                    "M" => {
                        current = parse(&t[1..]);
                        k += 1;
                    }
                    "L" => {
                        let to = parse(&t[1..]);
                        for s in 0..=20 {
                            let f = s as f64 / 20.0;
                            points.push((
                                current.0 + (to.0 - current.0) * f,
                                current.1 + (to.1 - current.1) * f,
                            ));
                        }
                        current = to;
                        k += 1;
                    }
                    "C" => {
                        let (c1, c2, to) =
                            (parse(&t[1..]), parse(tokens[k + 1]), parse(tokens[k + 2]));
                        for s in 0..=40 {
                            let f = s as f64 / 40.0;
                            let g = 1.0 - f;
                            let b = |a: f64, b: f64, c: f64, d: f64| {
                                g * g * g * a
                                    + 3.0 * g * g * f * b
                                    + 3.0 * g * f * f * c
                                    + f * f * f * d
                            };
                            points.push((
                                b(current.0, c1.0, c2.0, to.0),
                                b(current.1, c1.1, c2.1, to.1),
                            ));
                        }
                        current = to;
                        k += 3;
                    }
                    other => panic!("unexpected path command {other}"),
                }
            }
            points
        })
        .collect()
}

/// Fails when two boxes overlap or an edge passes through a box that is not one of its ends.
fn assert_readable(svg: &str, name: &str) {
    let boxes = boxes(svg);
    assert!(!boxes.is_empty());
    for (i, a) in boxes.iter().enumerate() {
        for b in &boxes[i + 1..] {
            let apart =
                a.1 + a.3 <= b.1 || b.1 + b.3 <= a.1 || a.2 + a.4 <= b.2 || b.2 + b.4 <= a.2;
            assert!(apart, "{name}: boxes `{}` and `{}` overlap", a.0, b.0);
        }
    }
    for points in edge_points(svg) {
        let (start, end) = (points[0], points[points.len() - 1]);
        for (bname, x, y, w, h) in &boxes {
            // The boxes the edge starts or ends at (its end points lie on their border).
            let touches = |p: (f64, f64)| {
                p.0 >= x - 0.5 && p.0 <= x + w + 0.5 && p.1 >= y - 0.5 && p.1 <= y + h + 0.5
            };
            if touches(start) || touches(end) {
                continue;
            }
            let inside = points
                .iter()
                .any(|p| p.0 > x + 1.0 && p.0 < x + w - 1.0 && p.1 > y + 1.0 && p.1 < y + h - 1.0);
            assert!(
                !inside,
                "{name}: an edge from {start:?} to {end:?} runs through box `{bname}`"
            );
        }
    }
}

fn digits_driver() -> Driver {
    Driver::builder()
        .with_modules([digits::MODULE])
        .with_config(Config::new().with("env", "dev"))
        .build()
        .unwrap()
}

#[test]
fn digits_graph_renders_readably() {
    let dr = digits_driver();
    let all = dr.display_all_functions(&ViewOptions::new());
    assert_readable(&all.svg(), "digits");
    let (w, h) = render(&all.svg(), "digits");
    assert!(w < 2400 && h < 1200, "digits picture is {w}x{h}");
    let down = dr.display_all_functions(&ViewOptions::new().orientation(Orientation::TopToBottom));
    assert_readable(&down.svg(), "digits_top_down");
    render(&down.svg(), "digits_top_down");
}

#[test]
fn digits_execution_renders_readably() {
    let dr = digits_driver();
    let inputs = Inputs::new().with("input_digits", DataFrame::empty());
    let overrides = Overrides::new().with("training_digits", DataFrame::empty());
    let picture: Picture =
        dr.visualize_execution(&["accuracy"], &inputs, &overrides, &ViewOptions::new()).unwrap();
    assert_eq!(picture.class_of("accuracy"), Some(NodeClass::Output));
    assert_eq!(picture.class_of("training_digits"), Some(NodeClass::Override));
    // The override cuts its upstream off: the data set is not read.
    assert_eq!(picture.class_of("digits_df"), None);
    assert_readable(&picture.svg(), "digits_execution");
    render(&picture.svg(), "digits_execution");
}

/// W3's graph, node for node (names and parameters of benches/src/w3.rs), made at run time:
/// only its shape matters here, its functions are never called.
fn w3_driver() -> Driver {
    let series = || TypeSpec::of::<Series>("Series");
    let node = |name: &str, params: &[&str], output: TypeSpec| {
        let params = params
            .iter()
            .map(|p| {
                let ty =
                    if *p == "raw" { TypeSpec::of::<DataFrame>("DataFrame") } else { series() };
                let ty = if *p == "data_path" { TypeSpec::of::<String>("String") } else { ty };
                ParamSpec::new(*p, ty, ParamKind::Ref)
            })
            .collect();
        NodeSpec::dynamic(name, params, output, |_| {
            Err(hamilton_core::NodeError::Failed("W3's shape is only drawn here".into()))
        })
    };
    let mut builder = Driver::builder().with_node(node(
        "raw",
        &["data_path"],
        TypeSpec::of::<DataFrame>("DataFrame"),
    ));
    for column in ["id", "a", "b", "c", "cat"] {
        builder = builder.with_node(node(column, &["raw"], series()));
    }
    let mut params: Vec<(String, Vec<&str>)> = Vec::new();
    for k in 1..=10 {
        params.push((format!("f_{k:02}"), vec!["a", "b", "c"]));
    }
    for k in 11..=20 {
        params.push((format!("f_{k:02}"), vec!["a", "c"]));
    }
    let z: [&[&str]; 10] = [
        &["a"],
        &["b"],
        &["c"],
        &["a", "b"],
        &["b", "c"],
        &["a", "c"],
        &["a", "b", "c"],
        &["b", "c"],
        &["f_01"],
        &["f_11"],
    ];
    for (k, p) in z.iter().enumerate() {
        params.push((format!("f_{:02}", 21 + k), p.to_vec()));
    }
    let mut all: Vec<String> = vec!["id".into(), "cat".into()];
    for (name, p) in &params {
        builder = builder.with_node(node(name, p, series()));
        all.push(name.clone());
    }
    let all: Vec<&str> = all.iter().map(String::as_str).collect();
    builder
        .with_node(node("features", &all, TypeSpec::of::<DataFrame>("DataFrame")))
        .build()
        .unwrap()
}

#[test]
fn w3_graph_renders_readably() {
    let dr = w3_driver();
    let picture = dr.display_all_functions(&ViewOptions::new());
    assert_eq!(picture.nodes().len(), 38);
    assert_readable(&picture.svg(), "w3");
    let (w, h) = render(&picture.svg(), "w3");
    assert!(w < 2400 && h < 2400, "w3 picture is {w}x{h}");
}
