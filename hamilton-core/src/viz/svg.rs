//! SVG of a [`View`], laid out by [`layout`](super::layout): no system Graphviz needed.

use std::fmt::Write;

use super::dot::xml;
use super::layout::{self, Layout};
use super::style::{Orientation, Shape, Style};
use super::view::View;

const FONT: &str = "DejaVu Sans, Verdana, Helvetica, Arial, sans-serif";
const TITLE_SIZE: f64 = 14.0;
const DETAIL_SIZE: f64 = 12.0;
const PAD_X: f64 = 12.0;
const BOX_HEIGHT: f64 = 46.0;
const LEGEND_GAP: f64 = 24.0;
const LEGEND_SAMPLE: (f64, f64) = (96.0, 28.0);

/// An estimate of a text's width in a DejaVu-Sans-like font: generous, so labels fit their box
/// with any common sans-serif font.
pub(crate) fn text_width(text: &str, size: f64, bold: bool) -> f64 {
    let em: f64 = text
        .chars()
        .map(|c| match c {
            'i' | 'j' | 'l' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' => 0.32,
            'f' | 't' | 'r' | ' ' | '(' | ')' | '[' | ']' => 0.44,
            'm' | 'w' | 'M' | 'W' => 0.92,
            '_' | '<' | '>' | '=' | '&' => 0.84,
            c if c.is_ascii_uppercase() => 0.74,
            c if c.is_ascii_digit() => 0.64,
            _ => 0.62,
        })
        .sum();
    em * size * if bold { 1.1 } else { 1.0 }
}

/// The box size of each node of `view`.
fn sizes(view: &View) -> Vec<(f64, f64)> {
    view.nodes
        .iter()
        .map(|node| {
            let text = text_width(&node.title, TITLE_SIZE, true).max(text_width(
                &node.detail,
                DETAIL_SIZE,
                false,
            ));
            let extra = match node.style.shape {
                Shape::Rectangle => 0.0,
                Shape::Note => 10.0,
                Shape::Hexagon => 26.0,
            };
            ((text + 2.0 * PAD_X + extra).ceil().max(70.0), BOX_HEIGHT)
        })
        .collect()
}

/// Writes `view` as a standalone SVG document.
pub(crate) fn write(view: &View) -> String {
    let left_to_right = view.orientation == Orientation::LeftToRight;
    let sizes = sizes(view);
    let edges: Vec<(usize, usize)> = view.edges.iter().map(|e| (e.from, e.to)).collect();
    let laid = layout::layout(&sizes, &edges, left_to_right);

    // The legend goes below the graph, one row of samples.
    let legend_width = view.legend.len() as f64 * (LEGEND_SAMPLE.0 + 12.0) + 80.0;
    let legend_height =
        if view.legend.is_empty() { 0.0 } else { LEGEND_SAMPLE.1 + LEGEND_GAP + 20.0 };
    let width = laid.width.max(if view.legend.is_empty() { 0.0 } else { legend_width + 32.0 });
    let height = laid.height + legend_height;

    let mut out = String::with_capacity(1024 + view.nodes.len() * 400);
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" \
         viewBox=\"0 0 {w} {h}\" font-family=\"{FONT}\">",
        w = width.ceil(),
        h = height.ceil()
    );
    out.push_str(
        "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" \
         markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\">\
         <path d=\"M0,0 L10,5 L0,10 z\" fill=\"#333333\"/></marker>\
         <marker id=\"arrow-red\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" \
         markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\">\
         <path d=\"M0,0 L10,5 L0,10 z\" fill=\"#d00000\"/></marker></defs>\n",
    );
    let _ = writeln!(out, "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>");
    edges_svg(&mut out, view, &laid, left_to_right);
    for (i, node) in view.nodes.iter().enumerate() {
        let (cx, cy) = laid.centers[i];
        let (w, h) = sizes[i];
        let _ = writeln!(out, "<g class=\"node\" id=\"node-{}\">", xml(&node.name));
        let border = if node.highlighted { "#d00000" } else { node.style.border.as_str() };
        let stroke = if node.highlighted || node.style.bold { 2.5 } else { 1.0 };
        shape_svg(&mut out, &node.style, cx, cy, w, h, border, stroke);
        let _ = writeln!(
            out,
            "<text x=\"{cx:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"{TITLE_SIZE}\" \
             font-weight=\"bold\" fill=\"{}\">{}</text>",
            cy - 3.0,
            xml(&node.style.text),
            xml(&node.title)
        );
        let _ = writeln!(
            out,
            "<text x=\"{cx:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"{DETAIL_SIZE}\" \
             font-style=\"italic\" fill=\"{}\">{}</text>",
            cy + 14.0,
            xml(&node.style.text),
            xml(&node.detail)
        );
        out.push_str("</g>\n");
    }
    if !view.legend.is_empty() {
        let top = laid.height + LEGEND_GAP / 2.0;
        let _ = writeln!(
            out,
            "<g class=\"legend\"><rect x=\"16\" y=\"{top:.1}\" width=\"{:.1}\" height=\"{:.1}\" \
             fill=\"none\" stroke=\"#999999\" rx=\"4\"/>",
            legend_width,
            LEGEND_SAMPLE.1 + 16.0
        );
        let cy = top + 8.0 + LEGEND_SAMPLE.1 / 2.0;
        let _ = writeln!(
            out,
            "<text x=\"26\" y=\"{:.1}\" font-size=\"13\" font-weight=\"bold\">Legend</text>",
            cy + 4.5
        );
        for (k, entry) in view.legend.iter().enumerate() {
            let cx = 96.0 + LEGEND_SAMPLE.0 / 2.0 + k as f64 * (LEGEND_SAMPLE.0 + 12.0);
            let (w, h) = LEGEND_SAMPLE;
            shape_svg(&mut out, &entry.style, cx, cy, w, h, &entry.style.border, 1.0);
            let _ = writeln!(
                out,
                "<text x=\"{cx:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"12\" \
                 fill=\"{}\">{}</text>",
                cy + 4.0,
                xml(&entry.style.text),
                xml(&entry.name)
            );
        }
        out.push_str("</g>\n");
    }
    out.push_str("</svg>\n");
    out
}

fn edges_svg(out: &mut String, view: &View, laid: &Layout, left_to_right: bool) {
    for (edge, points) in view.edges.iter().zip(&laid.routes) {
        let mut d = format!("M{:.1},{:.1}", points[0].0, points[0].1);
        for k in 1..points.len() {
            let (x, y) = points[k];
            if k % 2 == 1 {
                let _ = write!(d, " L{x:.1},{y:.1}");
            } else {
                let (x0, y0) = points[k - 1];
                let (c1, c2) = if left_to_right {
                    let mid = (x - x0) / 2.0;
                    ((x0 + mid, y0), (x - mid, y))
                } else {
                    let mid = (y - y0) / 2.0;
                    ((x0, y0 + mid), (x, y - mid))
                };
                let _ =
                    write!(d, " C{:.1},{:.1} {:.1},{:.1} {x:.1},{y:.1}", c1.0, c1.1, c2.0, c2.1);
            }
        }
        let (color, marker, width) = if edge.highlighted {
            ("#d00000", "arrow-red", 2.0)
        } else {
            ("#333333", "arrow", 1.2)
        };
        let dash = if edge.optional { " stroke-dasharray=\"5,4\"" } else { "" };
        let _ = writeln!(
            out,
            "<path class=\"edge\" d=\"{d}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"{width}\"{dash} \
             marker-end=\"url(#{marker})\"/>"
        );
    }
}

/// Draws one node outline centred at (`cx`, `cy`).
#[allow(clippy::too_many_arguments, reason = "a drawing primitive: position, size and pen")]
fn shape_svg(
    out: &mut String,
    style: &Style,
    cx: f64,
    cy: f64,
    w: f64,
    h: f64,
    border: &str,
    stroke: f64,
) {
    let fill = style.fill.as_deref().unwrap_or("#ffffff");
    let dash = if style.dashed { " stroke-dasharray=\"6,4\"" } else { "" };
    let pen = format!(
        "fill=\"{}\" stroke=\"{}\" stroke-width=\"{stroke}\"{dash}",
        xml(fill),
        xml(border)
    );
    let (x, y) = (cx - w / 2.0, cy - h / 2.0);
    match style.shape {
        Shape::Rectangle => {
            let r = if style.rounded { 8.0 } else { 0.0 };
            let _ = writeln!(
                out,
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{h:.1}\" rx=\"{r}\" {pen}/>"
            );
            if style.double {
                let _ = writeln!(
                    out,
                    "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" rx=\"{}\" \
                     fill=\"none\" stroke=\"{}\" stroke-width=\"{stroke}\"/>",
                    x + 3.0,
                    y + 3.0,
                    w - 6.0,
                    h - 6.0,
                    (r - 3.0_f64).max(0.0),
                    xml(border)
                );
            }
            if style.diagonals {
                let c = 8.0;
                let _ = writeln!(
                    out,
                    "<path d=\"M{:.1},{y:.1} L{x:.1},{:.1} M{:.1},{y:.1} L{:.1},{:.1} \
                     M{x:.1},{:.1} L{:.1},{:.1} M{:.1},{:.1} L{:.1},{:.1}\" fill=\"none\" \
                     stroke=\"{}\" stroke-width=\"{stroke}\"/>",
                    x + c,
                    y + c,
                    x + w - c,
                    x + w,
                    y + c,
                    y + h - c,
                    x + c,
                    y + h,
                    x + w - c,
                    y + h,
                    x + w,
                    y + h - c,
                    xml(border)
                );
            }
        }
        Shape::Note => {
            let f = 10.0;
            let _ = writeln!(
                out,
                "<path d=\"M{x:.1},{y:.1} L{:.1},{y:.1} L{:.1},{:.1} L{:.1},{:.1} L{x:.1},{:.1} z \
                 M{:.1},{y:.1} L{:.1},{:.1} L{:.1},{:.1}\" {pen}/>",
                x + w - f,
                x + w,
                y + f,
                x + w,
                y + h,
                y + h,
                x + w - f,
                x + w - f,
                y + f,
                x + w,
                y + f
            );
        }
        Shape::Hexagon => {
            let s = 13.0;
            let _ = writeln!(
                out,
                "<path d=\"M{:.1},{y:.1} L{:.1},{y:.1} L{:.1},{cy:.1} L{:.1},{:.1} L{:.1},{:.1} \
                 L{x:.1},{cy:.1} z\" {pen}/>",
                x + s,
                x + w - s,
                x + w,
                x + w - s,
                y + h,
                x + s,
                y + h
            );
        }
    }
}
