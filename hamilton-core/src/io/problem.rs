//! What can go wrong with materializers: wiring problems found before anything runs
//! ([`IoProblem`], H060..H063) and loads or saves that fail during a run ([`IoFailure`], H064,
//! H065).

use std::error::Error as StdError;
use std::fmt;

use crate::error::Site;
use crate::execute::args::BoxError;

/// A loader or a saver.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Reads a value into the graph.
    Load,
    /// Writes a value of the graph.
    Save,
}

impl Direction {
    fn noun(self) -> &'static str {
        match self {
            Direction::Load => "loader",
            Direction::Save => "saver",
        }
    }
}

/// Which materializer a problem is about: its node, format and where it was declared.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Declared {
    /// Loader or saver.
    pub direction: Direction,
    /// The materializer's node (`load_data.raw`, or the saver's id).
    pub node: String,
    /// The format name.
    pub format: String,
    /// Where it was declared, `file:line`.
    pub at: String,
}

impl fmt::Display for Declared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} `{}` ({}, declared at {})",
            self.direction.noun(),
            self.node,
            self.format,
            self.at
        )
    }
}

/// A materializer that cannot work, found before anything runs.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum IoProblem {
    /// H060: no adapter of this direction has the format name.
    UnknownFormat {
        /// The materializer.
        declared: Declared,
        /// The format names that exist.
        known: Vec<String>,
        /// The closest of them.
        suggestion: Option<String>,
    },
    /// H061: the format exists but not for the value type of the node it loads or saves.
    WrongType {
        /// The materializer.
        declared: Declared,
        /// The node whose type decided.
        node: String,
        /// That node's type.
        node_type: String,
        /// Where that node is defined, when it is a function.
        node_site: Option<Site>,
        /// The types the format handles.
        handles: Vec<String>,
    },
    /// H062: a parameter is missing, unknown, or its source is not a `String` node.
    BadParameter {
        /// The materializer.
        declared: Declared,
        /// The parameter key.
        key: String,
        /// What is wrong with it.
        reason: String,
    },
    /// H063: the request itself cannot be carried out (nothing to save or return, an id or a
    /// target used twice, a loader for a config entry).
    BadRequest {
        /// What is wrong.
        reason: String,
    },
}

impl IoProblem {
    /// The stable code (see `docs/errors.md`).
    pub fn code(&self) -> &'static str {
        match self {
            IoProblem::UnknownFormat { .. } => "H060",
            IoProblem::WrongType { .. } => "H061",
            IoProblem::BadParameter { .. } => "H062",
            IoProblem::BadRequest { .. } => "H063",
        }
    }
}

impl fmt::Display for IoProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IoProblem::UnknownFormat { declared, known, suggestion } => {
                let noun = declared.direction.noun();
                write!(f, "no {noun} has the format `{}`: {declared}", declared.format)?;
                if let Some(s) = suggestion {
                    write!(f, "\n  help: did you mean `{s}`?")?;
                }
                write!(f, "\n  known {noun} formats: {}", known.join(", "))?;
                write!(
                    f,
                    "\n  help: built-in formats need their cargo feature of hamilton-core; \
                     your own adapters are made known with io::register_{}",
                    declared.direction.noun()
                )
            }
            IoProblem::WrongType { declared, node, node_type, node_site, handles } => {
                let verb = match declared.direction {
                    Direction::Load => "produce",
                    Direction::Save => "write",
                };
                write!(
                    f,
                    "the `{}` {} cannot {verb} `{node_type}`, the type of node `{node}`: {declared}",
                    declared.format,
                    declared.direction.noun()
                )?;
                if let Some(site) = node_site {
                    write!(f, "\n  `{node}`: {site}")?;
                }
                write!(f, "\n  `{}` handles: {}", declared.format, handles.join(", "))
            }
            IoProblem::BadParameter { declared, key, reason } => {
                write!(f, "parameter `{key}` of {declared}: {reason}")
            }
            IoProblem::BadRequest { reason } => write!(f, "cannot materialize: {reason}"),
        }
    }
}

/// A load or save that failed during a run.
#[derive(Debug)]
pub struct IoFailure {
    /// The materializer.
    pub declared: Declared,
    /// The node it loads into or saves.
    pub node: String,
    /// The path, when the adapter has one.
    pub path: Option<String>,
    /// What went wrong.
    pub cause: BoxError,
}

impl IoFailure {
    /// H064 for a load, H065 for a save.
    pub fn code(&self) -> &'static str {
        match self.declared.direction {
            Direction::Load => "H064",
            Direction::Save => "H065",
        }
    }

    /// A short, classified reading of the cause (what a user checks first).
    fn kind(&self) -> &'static str {
        let mut source: Option<&(dyn StdError + 'static)> = Some(&*self.cause);
        while let Some(e) = source {
            if let Some(io) = e.downcast_ref::<std::io::Error>() {
                return match io.kind() {
                    std::io::ErrorKind::NotFound => "the file or its directory does not exist",
                    std::io::ErrorKind::PermissionDenied => "permission denied",
                    _ => "an I/O error",
                };
            }
            source = e.source();
        }
        match self.declared.direction {
            Direction::Load => "the data does not read as the format and type declared",
            Direction::Save => "the value could not be written",
        }
    }
}

impl fmt::Display for IoFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (verb, prep) = match self.declared.direction {
            Direction::Load => ("load", "from"),
            Direction::Save => ("save", "to"),
        };
        write!(f, "error[{}]: {} could not {verb} `{}`", self.code(), self.declared, self.node)?;
        if let Some(path) = &self.path {
            write!(f, " {prep} `{path}`")?;
        }
        write!(f, ": {}\n  cause: {}", self.kind(), self.cause)?;
        if self.declared.direction == Direction::Save && self.path.is_some() {
            write!(f, "\n  any previous file at that path is unchanged")?;
        }
        Ok(())
    }
}

impl StdError for IoFailure {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(&*self.cause)
    }
}
