//! Parsing `#[node(...)]` arguments and the metadata attributes below it.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, format_ident, quote, quote_spanned};
use syn::ext::IdentExt;
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Attribute, Expr, Lit, Meta, MetaNameValue, Token};

use crate::errors::Errors;

/// The metadata attributes `#[node]` reads (by the last segment of their path).
pub(crate) const METADATA: &[&str] = &[
    "config_when",
    "config_when_not",
    "config_when_in",
    "config_when_default",
    "tag",
    "check_output",
    "check_output_custom",
];

/// The arguments of `#[check_output]`: the built-in validator each one makes, as a constructor
/// path under `hamilton_core::__private::validators`.
const BUILT_IN_VALIDATORS: &[(&str, &str, &str)] = &[
    ("range", "Range", "from_arg"),
    ("values_in", "ValuesIn", "from_arg"),
    ("data_type", "DataTypeIs", "from_arg"),
    ("allow_nans", "AllowNans", "from_arg"),
    ("max_fraction_nans", "MaxFractionNans", "from_arg"),
    ("mean_in_range", "MeanInRange", "from_arg"),
    ("max_standard_dev", "MaxStandardDev", "from_arg"),
    ("allow_none", "AllowNone", "from_arg"),
    ("contains", "Contains", "from_arg"),
    ("does_not_contain", "Contains", "not_from_arg"),
    ("schema", "Schema", "from_arg"),
];

/// `#[node(name = "...")]`.
#[derive(Default)]
pub(crate) struct NodeArgs {
    pub(crate) name: Option<String>,
}

/// Which config test a condition applies.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum CondKind {
    When,
    WhenNot,
    WhenIn,
}

/// One config condition.
pub(crate) struct Cond {
    pub(crate) key: String,
    pub(crate) kind: CondKind,
    pub(crate) values: Vec<String>,
}

/// One validator of `#[check_output]` / `#[check_output_custom]`.
pub(crate) struct ValidatorDecl {
    /// An expression of the validator (a built-in's constructor call, or the user's expression).
    pub(crate) expr: TokenStream,
    /// Where a type error (validator not applicable to the output) is reported.
    pub(crate) span: Span,
    /// `true` for `importance = "fail"`.
    pub(crate) fail: bool,
}

/// Everything read from the attributes of a node function.
#[derive(Default)]
pub(crate) struct Metadata {
    /// The doc comment: a string literal, or a `concat!` of its lines when one of them is a macro
    /// call (`#[doc = include_str!("..")]`).
    pub(crate) doc: TokenStream,
    pub(crate) tags: Vec<(String, String)>,
    pub(crate) conditions: Vec<Cond>,
    pub(crate) default_variant: bool,
    pub(crate) validators: Vec<ValidatorDecl>,
}

/// The `key = value` pairs of an attribute; `None` after a parse error (reported), so that no
/// second error follows from the same mistake.
fn pairs(tokens: TokenStream, errors: &mut Errors) -> Option<Vec<MetaNameValue>> {
    parsed(Punctuated::<MetaNameValue, Token![,]>::parse_terminated.parse2(tokens), errors)
}

/// The `key = value` pairs inside an attribute's parentheses (none for a bare `#[attr]`); a
/// parse error at the end of the input points at the closing parenthesis.
fn attr_pairs(attr: &Attribute, errors: &mut Errors) -> Option<Vec<MetaNameValue>> {
    match &attr.meta {
        Meta::List(list) => parsed(
            list.parse_args_with(Punctuated::<MetaNameValue, Token![,]>::parse_terminated),
            errors,
        ),
        _ => Some(Vec::new()),
    }
}

fn parsed(
    result: syn::Result<Punctuated<MetaNameValue, Token![,]>>,
    errors: &mut Errors,
) -> Option<Vec<MetaNameValue>> {
    match result {
        Ok(p) => Some(p.into_iter().collect()),
        Err(e) => {
            errors.push(e);
            None
        }
    }
}

/// The key of `key = value` as a plain identifier, without `r#` (`r#type` is the key `type`).
fn key_of(pair: &MetaNameValue, errors: &mut Errors) -> Option<String> {
    match pair.path.get_ident() {
        Some(ident) => Some(ident.unraw().to_string()),
        None => {
            errors.spanned(&pair.path, "expected a plain name as the key");
            None
        }
    }
}

/// Whether a node name is a dotted identifier (`a`, `ns.a`).
fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.split('.').all(|part| {
            let mut chars = part.chars();
            chars.next().is_some_and(|c| c == '_' || c.is_alphabetic())
                && chars.all(|c| c == '_' || c.is_alphanumeric())
        })
}

/// Reads `#[node(name = "...")]`; any other key is an error.
pub(crate) fn parse_node_args(args: TokenStream, errors: &mut Errors) -> NodeArgs {
    let mut out = NodeArgs::default();
    for pair in pairs(args, errors).unwrap_or_default() {
        let Some(key) = key_of(&pair, errors) else { continue };
        if key != "name" {
            errors.spanned(
                &pair.path,
                format!("unknown `#[node]` argument `{key}`; expected `name`"),
            );
            continue;
        }
        if out.name.is_some() {
            errors.spanned(&pair.path, "`name` is given twice; keep one");
            continue;
        }
        match &pair.value {
            Expr::Lit(l) if matches!(&l.lit, Lit::Str(_)) => {
                let Lit::Str(s) = &l.lit else { continue };
                let name = s.value();
                if valid_name(&name) {
                    out.name = Some(name);
                } else {
                    errors
                        .spanned(s, "a node name is an identifier (dots may separate namespaces)");
                }
            }
            other => errors.spanned(other, "expected a string literal: `name = \"...\"`"),
        }
    }
    out
}

/// The text a config literal is compared by: strings as they are, numbers and booleans as
/// `to_string` prints them.
fn literal_text(expr: &Expr, errors: &mut Errors) -> Option<String> {
    match expr {
        Expr::Lit(l) => match &l.lit {
            Lit::Str(s) => Some(s.value()),
            Lit::Bool(b) => Some(b.value.to_string()),
            Lit::Int(i) => Some(i.base10_digits().to_string()),
            // Compared with `f64::to_string` of the config value, which prints `1.0` as `1`.
            Lit::Float(f) => match f.base10_parse::<f64>() {
                Ok(v) => Some(v.to_string()),
                Err(e) => {
                    errors.push(e);
                    None
                }
            },
            Lit::Char(c) => Some(c.value().to_string()),
            other => {
                errors.spanned(other, "expected a string, number, boolean or char literal");
                None
            }
        },
        Expr::Unary(u) if matches!(u.op, syn::UnOp::Neg(_)) => {
            literal_text(&u.expr, errors).map(|t| format!("-{t}"))
        }
        Expr::Group(g) => literal_text(&g.expr, errors),
        other => {
            errors.spanned(other, "expected a literal value");
            None
        }
    }
}

fn attr_name(attr: &Attribute) -> Option<String> {
    attr.path().segments.last().map(|s| s.ident.to_string())
}

/// The body of `#[attr(...)]` (empty for a bare `#[attr]`), or an error for `#[attr = ...]`.
fn attr_tokens(attr: &Attribute, errors: &mut Errors) -> Option<TokenStream> {
    match &attr.meta {
        Meta::Path(_) => Some(TokenStream::new()),
        Meta::List(list) => Some(list.tokens.clone()),
        Meta::NameValue(nv) => {
            errors.spanned(&nv.value, "expected parentheses: `#[attr(key = value)]`");
            None
        }
    }
}

/// Removes the metadata attributes (and a repeated `#[node]`) from `attrs` and reads them and the
/// doc comment.
pub(crate) fn take_metadata(attrs: &mut Vec<Attribute>, errors: &mut Errors) -> Metadata {
    let mut meta = Metadata::default();
    let mut doc_lines = Vec::new();
    let mut default_attr: Option<Attribute> = None;
    let mut first_condition: Option<String> = None;
    let mut kept = Vec::with_capacity(attrs.len());
    for attr in attrs.drain(..) {
        let name = attr_name(&attr).unwrap_or_default();
        if attr.path().is_ident("doc") {
            if let Meta::NameValue(MetaNameValue { value, .. }) = &attr.meta {
                match value {
                    Expr::Lit(l) if matches!(&l.lit, Lit::Str(_)) => {
                        if let Lit::Str(s) = &l.lit {
                            let line = s.value();
                            let line = line.strip_prefix(' ').unwrap_or(&line).to_string();
                            doc_lines.push(DocLine::Text(line));
                        }
                    }
                    Expr::Macro(m) => doc_lines.push(DocLine::Macro(m.to_token_stream())),
                    _ => {}
                }
            }
            kept.push(attr);
            continue;
        }
        if name == "node" {
            errors.spanned(&attr, "`#[node]` is given twice");
            continue;
        }
        if !METADATA.contains(&name.as_str()) {
            kept.push(attr);
            continue;
        }
        let Some(tokens) = attr_tokens(&attr, errors) else { continue };
        match name.as_str() {
            "tag" => read_tags(&attr, &mut meta, errors),
            "check_output" => read_check_output(&attr, &mut meta, errors),
            "check_output_custom" => read_check_output_custom(tokens, &attr, &mut meta, errors),
            "config_when_default" => {
                if !tokens.is_empty() {
                    errors.spanned(&tokens, "`#[config_when_default]` takes no arguments");
                }
                if default_attr.is_some() {
                    errors.spanned(&attr, "`#[config_when_default]` is given twice");
                }
                default_attr = Some(attr.clone());
            }
            other => {
                let kind = match other {
                    "config_when" => CondKind::When,
                    "config_when_not" => CondKind::WhenNot,
                    _ => CondKind::WhenIn,
                };
                first_condition.get_or_insert_with(|| other.to_string());
                read_conditions(kind, &attr, &mut meta, errors);
            }
        }
    }
    *attrs = kept;
    meta.doc = doc_text(doc_lines);
    if let Some(attr) = default_attr {
        meta.default_variant = true;
        if let Some(condition) = first_condition {
            errors.spanned(
                attr,
                format!(
                    "`#[config_when_default]` cannot be combined with `#[{condition}]`: the default \
                     variant applies exactly when no other variant of the node does; remove one \
                     of the two"
                ),
            );
        }
    }
    meta
}

/// One `#[doc = ..]` line: text, or a macro call that expands to text.
enum DocLine {
    Text(String),
    Macro(TokenStream),
}

/// The doc text as an expression: its lines joined, trimmed at both ends; a `concat!` when a
/// line is a macro call, which `concat!` expands.
fn doc_text(lines: Vec<DocLine>) -> TokenStream {
    let mut pieces: Vec<TokenStream> = Vec::new();
    let mut text = String::new();
    let mut first = true;
    for line in lines {
        if !first {
            text.push('\n');
        }
        first = false;
        match line {
            DocLine::Text(t) => text.push_str(&t),
            DocLine::Macro(m) => {
                let before = if pieces.is_empty() { text.trim_start() } else { &text };
                if !before.is_empty() {
                    pieces.push(before.to_token_stream());
                }
                text.clear();
                pieces.push(m);
            }
        }
    }
    let rest = if pieces.is_empty() { text.trim() } else { text.trim_end() };
    if pieces.is_empty() {
        return rest.to_token_stream();
    }
    if !rest.is_empty() {
        pieces.push(rest.to_token_stream());
    }
    quote!(::core::concat!(#(#pieces),*))
}

fn read_tags(attr: &Attribute, meta: &mut Metadata, errors: &mut Errors) {
    let Some(pairs) = attr_pairs(attr, errors) else { return };
    if pairs.is_empty() {
        errors.spanned(attr, "expected tags: `#[tag(key = \"value\", ...)]`");
    }
    for pair in pairs {
        let Some(key) = key_of(&pair, errors) else { continue };
        if key == "hamilton" || key.starts_with("hamilton_") {
            errors.spanned(
                &pair.path,
                "tag keys `hamilton` and `hamilton_*` are reserved for Hamilton's own metadata; \
                 choose another key",
            );
            continue;
        }
        if meta.tags.iter().any(|(k, _)| *k == key) {
            errors.spanned(&pair.path, format!("tag `{key}` is given twice; keep one"));
            continue;
        }
        match &pair.value {
            Expr::Lit(l) if matches!(l.lit, Lit::Str(_)) => {
                if let Lit::Str(s) = &l.lit {
                    meta.tags.push((key, s.value()));
                }
            }
            other => errors.spanned(other, "a tag value is a string literal"),
        }
    }
}

/// `importance = "warn" | "fail"`: whether failures stop the run.
fn read_importance(value: &Expr, errors: &mut Errors) -> Option<bool> {
    match value {
        Expr::Lit(l) if matches!(&l.lit, Lit::Str(s) if s.value() == "fail") => Some(true),
        Expr::Lit(l) if matches!(&l.lit, Lit::Str(s) if s.value() == "warn") => Some(false),
        other => {
            errors.spanned(
                other,
                "`importance` is `\"warn\"` (log and go on) or `\"fail\"` (stop the run)",
            );
            None
        }
    }
}

/// `#[check_output(range = (0, 10), allow_nans = false, importance = "fail")]`.
fn read_check_output(attr: &Attribute, meta: &mut Metadata, errors: &mut Errors) {
    let Some(pairs) = attr_pairs(attr, errors) else { return };
    let mut fail = false;
    let mut found = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for pair in &pairs {
        let Some(key) = key_of(pair, errors) else { continue };
        if seen.contains(&key) {
            errors.spanned(&pair.path, format!("`{key}` is given twice; keep one"));
            continue;
        }
        seen.push(key.clone());
        if key == "importance" {
            fail = read_importance(&pair.value, errors).unwrap_or(false);
            continue;
        }
        let Some((_, ty, ctor)) = BUILT_IN_VALIDATORS.iter().find(|(arg, _, _)| *arg == key) else {
            let known: Vec<&str> = BUILT_IN_VALIDATORS.iter().map(|(a, _, _)| *a).collect();
            errors.spanned(
                &pair.path,
                format!(
                    "unknown validator `{key}`; `#[check_output]` knows {}, and `importance`; \
                     write your own with `#[check_output_custom(...)]`",
                    known.join(", ")
                ),
            );
            continue;
        };
        let span = pair.path.span();
        let (ty, ctor) =
            (format_ident!("{}", ty, span = span), format_ident!("{}", ctor, span = span));
        let value = &pair.value;
        let expr = quote_spanned!(span=> __h::validators::#ty::#ctor(#value));
        found.push((expr, span));
    }
    if found.is_empty() && !pairs.is_empty() && errors.is_empty() {
        errors
            .spanned(attr, "`#[check_output]` needs at least one validator, e.g. `range = (0, 1)`");
    } else if pairs.is_empty() {
        errors.spanned(
            attr,
            "expected validators: `#[check_output(range = (0, 1), importance = \"fail\")]`",
        );
    }
    meta.validators.extend(found.into_iter().map(|(expr, span)| ValidatorDecl {
        expr,
        span,
        fail,
    }));
}

/// `#[check_output_custom(MyValidator::new(..), Other, importance = "fail")]`.
fn read_check_output_custom(
    tokens: TokenStream,
    attr: &Attribute,
    meta: &mut Metadata,
    errors: &mut Errors,
) {
    let parsed = match &attr.meta {
        Meta::List(list) => list.parse_args_with(Punctuated::<Expr, Token![,]>::parse_terminated),
        _ => Punctuated::<Expr, Token![,]>::parse_terminated.parse2(tokens),
    };
    let exprs = match parsed {
        Ok(p) => p,
        Err(e) => {
            errors.push(e);
            return;
        }
    };
    let mut fail = false;
    let mut found = Vec::new();
    let mut importance_seen = false;
    let mut misplaced = false;
    for expr in exprs {
        match &expr {
            Expr::Assign(assign) if matches!(&*assign.left, Expr::Path(p) if p.path.is_ident("importance")) =>
            {
                if importance_seen {
                    errors.spanned(&assign.left, "`importance` is given twice; keep one");
                }
                importance_seen = true;
                fail = read_importance(&assign.right, errors).unwrap_or(false);
            }
            Expr::Assign(assign) => {
                misplaced = true;
                errors.spanned(
                    &assign.left,
                    "`#[check_output_custom]` takes validator expressions and `importance = \"...\"`",
                )
            }
            _ => {
                let span = expr.span();
                found.push((quote::ToTokens::to_token_stream(&expr), span));
            }
        }
    }
    if found.is_empty() && !misplaced {
        errors.spanned(
            attr,
            "expected at least one validator: `#[check_output_custom(MyValidator)]`",
        );
    }
    meta.validators.extend(found.into_iter().map(|(expr, span)| ValidatorDecl {
        expr,
        span,
        fail,
    }));
}

fn read_conditions(kind: CondKind, attr: &Attribute, meta: &mut Metadata, errors: &mut Errors) {
    let Some(pairs) = attr_pairs(attr, errors) else { return };
    if pairs.is_empty() {
        errors.spanned(attr, "expected at least one condition: `key = value`");
    }
    for pair in pairs {
        let Some(key) = key_of(&pair, errors) else { continue };
        if meta.conditions.iter().any(|c| c.key == key && c.kind == kind) {
            let hint = if kind == CondKind::When {
                format!("; to accept several values, write `#[config_when_in({key} = [...])]`")
            } else {
                String::from("; test it once")
            };
            errors.spanned(&pair.path, format!("config key `{key}` is tested twice{hint}"));
            continue;
        }
        let values = match (kind, &pair.value) {
            (CondKind::WhenIn, Expr::Array(array)) => {
                if array.elems.is_empty() {
                    errors.spanned(array, "expected at least one value");
                }
                array.elems.iter().filter_map(|e| literal_text(e, errors)).collect()
            }
            (CondKind::WhenIn, other) => {
                let value = quote::ToTokens::to_token_stream(other).to_string();
                errors.spanned(
                    other,
                    format!("`#[config_when_in]` takes a list of values: `{key} = [{value}, ...]`"),
                );
                continue;
            }
            (_, value) => match literal_text(value, errors) {
                Some(v) => vec![v],
                None => continue,
            },
        };
        meta.conditions.push(Cond { key, kind, values });
    }
}

#[cfg(test)]
mod tests {
    use super::{DocLine, doc_text, valid_name};
    use quote::quote;

    #[test]
    fn doc_lines_join_trimmed_and_macro_lines_go_through_concat() {
        let text = |s: &str| DocLine::Text(s.to_string());
        let plain =
            doc_text(vec![text(""), text("Spend."), text(""), text("In dollars."), text("")]);
        assert_eq!(plain.to_string(), "\"Spend.\\n\\nIn dollars.\"");
        let with_macro = doc_text(vec![
            text(" "),
            text("Spend"),
            DocLine::Macro(quote!(concat!("in ", "dollars"))),
            text("per day. "),
        ]);
        assert_eq!(
            with_macro.to_string(),
            quote!(::core::concat!("Spend\n", concat!("in ", "dollars"), "\nper day.")).to_string()
        );
        assert_eq!(doc_text(Vec::new()).to_string(), "\"\"");
    }

    #[test]
    fn node_names_are_dotted_identifiers() {
        assert!(valid_name("mean"));
        assert!(valid_name("ns.mean_2"));
        assert!(!valid_name(""));
        assert!(!valid_name("two words"));
        assert!(!valid_name("1st"));
        assert!(!valid_name("a..b"));
    }
}
