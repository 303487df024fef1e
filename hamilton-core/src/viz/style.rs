//! How a picture looks: node classes, their default styles, and [`ViewOptions`] (orientation,
//! legend, a custom style hook).

use std::fmt;
use std::sync::Arc;

use crate::graph::lineage::Variable;

/// What a node is in a picture; each class has its own look and legend entry.
///
/// (Variant names here avoid the names of types that compiler messages print, such as `Box`
/// or `Validator`: rustc shortens a path in its messages only when no other public item of the
/// dependency graph, enum variants included, has the same name.)
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum NodeClass {
    /// A `#[node]` function: a rounded, filled box with its output type.
    Function,
    /// An external input, provided at run time: a dashed box.
    Input,
    /// A config entry: a note with its value.
    Config,
    /// A requested output (in `visualize_execution`): filled yellow.
    Output,
    /// A node replaced by an override: drawn with diagonals, its upstream not shown.
    Override,
    /// A `#[check_output]` validator, whose value is a `ValidationResult`: a hexagon (legend
    /// name `validator`).
    Check,
    /// A node a modifier generated (the validated `x` that `#[check_output]` puts after `x_raw`
    /// and its validators): a rounded box with a double border.
    Generated,
}

impl NodeClass {
    /// Every class, in legend order.
    pub const ALL: [NodeClass; 7] = [
        NodeClass::Function,
        NodeClass::Generated,
        NodeClass::Check,
        NodeClass::Input,
        NodeClass::Config,
        NodeClass::Override,
        NodeClass::Output,
    ];

    /// The class's name in the legend.
    pub fn legend_name(self) -> &'static str {
        match self {
            NodeClass::Function => "function",
            NodeClass::Input => "input",
            NodeClass::Config => "config",
            NodeClass::Output => "output",
            NodeClass::Override => "override",
            NodeClass::Check => "validator",
            NodeClass::Generated => "generated",
        }
    }

    /// The class's default look.
    pub fn default_style(self) -> Style {
        let base = Style::default();
        match self {
            NodeClass::Function => base,
            NodeClass::Input => Style { fill: None, dashed: true, rounded: false, ..base },
            NodeClass::Config => Style { shape: Shape::Note, fill: Some("#ffffff".into()), ..base },
            NodeClass::Output => Style { fill: Some("#ffc857".into()), ..base },
            NodeClass::Override => {
                Style { fill: Some("#cdb4db".into()), diagonals: true, rounded: false, ..base }
            }
            NodeClass::Check => {
                Style { shape: Shape::Hexagon, fill: Some("#c7e9c0".into()), ..base }
            }
            NodeClass::Generated => Style { fill: Some("#dbe7ee".into()), double: true, ..base },
        }
    }
}

impl fmt::Display for NodeClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.legend_name())
    }
}

/// The outline of a node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Shape {
    /// A rectangle (rounded when [`Style::rounded`]).
    Rectangle,
    /// A sheet with a folded corner (config entries).
    Note,
    /// A hexagon (validators).
    Hexagon,
}

/// The look of one node, written to DOT as Graphviz attributes and drawn the same way in SVG.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Style {
    /// The outline.
    pub shape: Shape,
    /// The fill colour (any SVG/Graphviz colour, e.g. `#b4d8e4`); `None` leaves it white.
    pub fill: Option<String>,
    /// The border colour.
    pub border: String,
    /// The text colour.
    pub text: String,
    /// Rounded corners (boxes only).
    pub rounded: bool,
    /// A dashed border.
    pub dashed: bool,
    /// Diagonal strokes across the corners (Graphviz `diagonals`).
    pub diagonals: bool,
    /// A double border (Graphviz `peripheries=2`).
    pub double: bool,
    /// A thick border.
    pub bold: bool,
}

impl Default for Style {
    /// A function node: a rounded box filled `#b4d8e4`.
    fn default() -> Self {
        Style {
            shape: Shape::Rectangle,
            fill: Some("#b4d8e4".into()),
            border: "#000000".into(),
            text: "#000000".into(),
            rounded: true,
            dashed: false,
            diagonals: false,
            double: false,
            bold: false,
        }
    }
}

/// What a custom style hook returns for a node: its look and the legend entry it belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomStyle {
    /// The node's look.
    pub style: Style,
    /// The legend entry for nodes of this look (nodes with equal names share one entry).
    pub legend: String,
}

/// The hook type of [`ViewOptions::with_style`].
pub type StyleHook = Arc<dyn Fn(&Variable<'_>, NodeClass) -> Option<CustomStyle> + Send + Sync>;

/// Which way the dataflow runs in a picture.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Orientation {
    /// Left to right (Graphviz `rankdir=LR`), the default, as in Hamilton.
    #[default]
    LeftToRight,
    /// Top to bottom (`rankdir=TB`).
    TopToBottom,
}

/// How to draw a picture: orientation, legend and a custom style hook.
///
/// ```
/// use hamilton_core::viz::{CustomStyle, NodeClass, Orientation, ViewOptions};
///
/// // Nodes tagged `pii = "true"` in red, with their own legend entry.
/// let options = ViewOptions::new()
///     .orientation(Orientation::TopToBottom)
///     .with_style(|node, class| {
///         (class == NodeClass::Function && node.tag("pii") == Some("true")).then(|| CustomStyle {
///             style: hamilton_core::viz::Style { fill: Some("#f4a6a6".into()), ..class.default_style() },
///             legend: "personal data".into(),
///         })
///     });
/// ```
#[derive(Clone, Default)]
pub struct ViewOptions {
    pub(crate) orientation: Orientation,
    pub(crate) hide_legend: bool,
    pub(crate) hook: Option<StyleHook>,
}

impl ViewOptions {
    /// Left to right, with a legend, default styles.
    pub fn new() -> Self {
        ViewOptions::default()
    }

    /// Sets the direction of the flow.
    pub fn orientation(mut self, orientation: Orientation) -> Self {
        self.orientation = orientation;
        self
    }

    /// Leaves the legend out (it is shown by default, for the classes present).
    pub fn without_legend(mut self) -> Self {
        self.hide_legend = true;
        self
    }

    /// Restyles nodes: the hook gets each node and its class; `Some` replaces the class's style
    /// (Hamilton's `custom_style_function`).
    pub fn with_style(
        mut self,
        hook: impl Fn(&Variable<'_>, NodeClass) -> Option<CustomStyle> + Send + Sync + 'static,
    ) -> Self {
        self.hook = Some(Arc::new(hook));
        self
    }
}

impl fmt::Debug for ViewOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ViewOptions")
            .field("orientation", &self.orientation)
            .field("legend", &!self.hide_legend)
            .field("custom_style", &self.hook.is_some())
            .finish()
    }
}
