//! Function modifiers that bind parameters or turn one function into several nodes:
//! `#[parameterize]` (with its `parameterize_values` / `parameterize_sources` forms) and
//! `#[inject]`. This module parses them and plans the generated nodes; `expand` emits one
//! `NodeSpec` and call shim per planned node.

use proc_macro2::Span;
use quote::ToTokens;
use syn::ext::IdentExt;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Attribute, Expr, Lit, Token};

use crate::errors::Errors;
use crate::signature::{Kind, Param};

/// What a parameter is bound to.
pub(crate) enum Binding {
    /// `source("name")`: the parameter depends on the node `name` instead of its own name.
    Source { name: String, span: Span },
    /// `value(expr)`: the parameter is the expression; no dependency.
    Value { expr: Box<Expr> },
    /// `group(source("a"), value(1), ...)`: the parameter is a list gathered from the items.
    Group { span: Span, items: Vec<Binding> },
}

impl Binding {
    /// The text a doc template shows for it: a source's name, a string value's text, another
    /// value's tokens.
    fn doc_text(&self) -> String {
        match self {
            Binding::Source { name, .. } => name.clone(),
            Binding::Value { expr } => match &**expr {
                Expr::Lit(l) => match &l.lit {
                    Lit::Str(s) => s.value(),
                    other => other.to_token_stream().to_string(),
                },
                other => other.to_token_stream().to_string(),
            },
            Binding::Group { items, .. } => {
                let items: Vec<String> = items.iter().map(Binding::doc_text).collect();
                format!("[{}]", items.join(", "))
            }
        }
    }
}

/// `param = binding`.
pub(crate) struct Bound {
    pub(crate) param: String,
    pub(crate) param_span: Span,
    pub(crate) binding: Binding,
}

/// One output of `#[parameterize]`.
pub(crate) struct OutputDecl {
    pub(crate) name: String,
    pub(crate) span: Span,
    /// Its own doc template (`out("doc", ...)`), else the function's doc is used.
    pub(crate) doc: Option<String>,
    pub(crate) bindings: Vec<Bound>,
}

/// The modifiers read from a node function's attributes.
#[derive(Default)]
pub(crate) struct Modifiers {
    /// `#[parameterize]` in any of its forms: the attribute's span and its outputs.
    pub(crate) parameterize: Option<(Span, Vec<OutputDecl>)>,
    /// `#[inject]` bindings, shared by every generated node.
    pub(crate) inject: Vec<Bound>,
    pub(crate) inject_span: Option<Span>,
    /// `#[extract_columns("a", "b", fill_with = expr)]`.
    pub(crate) extract_columns: Option<ExtractColumns>,
    /// `#[unpack_fields(a, b)]` or `#[extract_fields(a: A, b: B)]`.
    pub(crate) fields: Option<Fields>,
    /// `#[tag_outputs(node(key = "value"), ...)]`: per node, its own tags.
    pub(crate) tag_outputs: Vec<(String, Span, Tags)>,
    /// `#[does(other_fn)]`: the function to run instead of the (empty) body.
    pub(crate) does: Option<syn::Path>,
}

/// `key = "value"` tags, in order.
pub(crate) type Tags = Vec<(String, String)>;

/// `#[unpack_fields(..)]` / `#[extract_fields(..)]`: one node per element or field.
pub(crate) struct Fields {
    /// The attribute's name, and its span.
    pub(crate) attr: &'static str,
    pub(crate) span: Span,
    /// Each node: its name, the span of its declaration, and for `extract_fields`, its type.
    pub(crate) nodes: Vec<(syn::Ident, Option<syn::Type>)>,
}

/// `#[extract_columns(..)]`: one `Series` node per column of the returned frame.
pub(crate) struct ExtractColumns {
    pub(crate) span: Span,
    pub(crate) columns: Vec<(String, Span)>,
    pub(crate) fill_with: Option<Expr>,
}

/// The modifier attributes `#[node]` reads.
pub(crate) const NAMES: &[&str] = &[
    "parameterize",
    "parameterize_values",
    "parameterize_sources",
    "inject",
    "extract_columns",
    "unpack_fields",
    "extract_fields",
    "tag_outputs",
    "does",
];

const BINDING_FORMS: &str = "expected `source(\"node\")`, `value(expr)` or `group(...)`";

/// Reads one modifier attribute into `mods`.
pub(crate) fn read(name: &str, attr: &Attribute, mods: &mut Modifiers, errors: &mut Errors) {
    if name == "unpack_fields" || name == "extract_fields" {
        read_fields(name, attr, mods, errors);
        return;
    }
    let exprs = match &attr.meta {
        syn::Meta::List(list) => {
            match list.parse_args_with(Punctuated::<Expr, Token![,]>::parse_terminated) {
                Ok(p) => p.into_iter().collect::<Vec<_>>(),
                Err(e) => {
                    errors.push(e);
                    return;
                }
            }
        }
        _ => Vec::new(),
    };
    if name == "does" {
        read_does(attr, &exprs, mods, errors);
        return;
    }
    if name == "tag_outputs" {
        read_tag_outputs(attr, &exprs, mods, errors);
        return;
    }
    if name == "extract_columns" {
        read_extract_columns(attr, &exprs, mods, errors);
        return;
    }
    if name == "inject" {
        if mods.inject_span.is_some() {
            errors.spanned(attr, "`#[inject]` is given twice; list every binding in one");
            return;
        }
        mods.inject_span = Some(attr.span());
        if exprs.is_empty() {
            errors.spanned(attr, "expected bindings: `#[inject(param = source(\"node\"))]`");
        }
        mods.inject = read_bindings(&exprs, false, errors);
        return;
    }
    if mods.parameterize.is_some() {
        errors.spanned(
            attr,
            "a function takes one `#[parameterize]` (or `_values` / `_sources` form); list every \
             output in it",
        );
        return;
    }
    let outputs = match name {
        "parameterize_values" => read_values_form(attr, &exprs, errors),
        _ => exprs
            .iter()
            .filter_map(|e| read_output(e, name == "parameterize_sources", errors))
            .collect(),
    };
    if exprs.is_empty() {
        errors.spanned(
            attr,
            format!("expected outputs: `#[{name}(out_a(x = value(1)), out_b(x = value(2)))]`"),
        );
    }
    let mut seen: Vec<&str> = Vec::new();
    for out in &outputs {
        if seen.contains(&out.name.as_str()) {
            errors.push(syn::Error::new(
                out.span,
                format!("output `{}` is given twice; each output is one node", out.name),
            ));
        }
        seen.push(&out.name);
    }
    mods.parameterize = Some((attr.path().span(), outputs));
}

/// `#[does(other_fn)]`.
fn read_does(attr: &Attribute, exprs: &[Expr], mods: &mut Modifiers, errors: &mut Errors) {
    if mods.does.is_some() {
        errors.spanned(attr, "`#[does]` is given twice; keep one");
        return;
    }
    match exprs.first() {
        Some(Expr::Path(p)) => mods.does = Some(p.path.clone()),
        Some(other) => errors.spanned(other, "expected the function to run: `#[does(other_fn)]`"),
        None => errors.spanned(attr, "expected the function to run: `#[does(other_fn)]`"),
    }
    for extra in exprs.iter().skip(1) {
        errors.spanned(
            extra,
            "`#[does]` takes only the function: Rust passes arguments by position, so the node's \
             parameters go to `other_fn` in their order; declare them in the order it takes them \
             (`#[inject]` renames what they read)",
        );
    }
}

/// `#[tag_outputs(low(unit = "m"), high(unit = "m", role = "max"))]`.
fn read_tag_outputs(attr: &Attribute, exprs: &[Expr], mods: &mut Modifiers, errors: &mut Errors) {
    if exprs.is_empty() {
        errors.spanned(attr, "expected nodes and their tags: `#[tag_outputs(a(key = \"value\"))]`");
    }
    for expr in exprs {
        let Expr::Call(call) = expr else {
            errors.spanned(expr, "expected a node and its tags: `a(key = \"value\")`");
            continue;
        };
        let Some(ident) = (match &*call.func {
            Expr::Path(p) => p.path.get_ident(),
            _ => None,
        }) else {
            errors.spanned(&call.func, "expected the name of a node this function makes");
            continue;
        };
        let node = ident.unraw().to_string();
        if mods.tag_outputs.iter().any(|(n, _, _)| *n == node) {
            errors.spanned(ident, format!("`{node}` is given twice; list its tags once"));
            continue;
        }
        let mut tags: Vec<(String, String)> = Vec::new();
        for arg in &call.args {
            let pair = match arg {
                Expr::Assign(a) => match (&*a.left, &*a.right) {
                    (Expr::Path(k), Expr::Lit(l)) if k.path.get_ident().is_some() => match &l.lit {
                        Lit::Str(v) => k.path.get_ident().map(|k| (k, v.value())),
                        _ => None,
                    },
                    _ => None,
                },
                _ => None,
            };
            let Some((key, value)) = pair else {
                errors.spanned(arg, "expected a tag: `key = \"value\"`");
                continue;
            };
            let k = key.unraw().to_string();
            if k == "hamilton" || k.starts_with("hamilton_") {
                errors.spanned(key, "tag keys `hamilton` and `hamilton_*` are reserved for Hamilton's own metadata; choose another key");
            } else if tags.iter().any(|(t, _)| *t == k) {
                errors.spanned(key, format!("tag `{k}` is given twice; keep one"));
            } else {
                tags.push((k, value));
            }
        }
        mods.tag_outputs.push((node, ident.span(), tags));
    }
}

/// `#[unpack_fields(a, b)]` (names) or `#[extract_fields(a: A, b: B)]` (names and types).
fn read_fields(name: &str, attr: &Attribute, mods: &mut Modifiers, errors: &mut Errors) {
    let attr_name = if name == "unpack_fields" { "unpack_fields" } else { "extract_fields" };
    if let Some(other) = &mods.fields {
        errors.spanned(
            attr.path(),
            format!("a function takes one `#[{}]` or `#[{attr_name}]`", other.attr),
        );
        return;
    }
    let parsed: syn::Result<Vec<(syn::Ident, Option<syn::Type>)>> = match &attr.meta {
        syn::Meta::List(list) if attr_name == "unpack_fields" => list
            .parse_args_with(Punctuated::<syn::Ident, Token![,]>::parse_terminated)
            .map(|p| p.into_iter().map(|i| (i, None)).collect()),
        syn::Meta::List(list) => list
            .parse_args_with(|input: syn::parse::ParseStream<'_>| {
                Punctuated::<syn::Field, Token![,]>::parse_terminated_with(
                    input,
                    syn::Field::parse_named,
                )
            })
            .map(|p| p.into_iter().filter_map(|f| f.ident.map(|i| (i, Some(f.ty)))).collect()),
        _ => Ok(Vec::new()),
    };
    let nodes = match parsed {
        Ok(nodes) => nodes,
        Err(e) => {
            errors.push(e);
            return;
        }
    };
    if nodes.is_empty() {
        let example = if attr_name == "unpack_fields" { "a, b" } else { "a: f64, b: String" };
        errors.spanned(attr, format!("expected the fields: `#[{attr_name}({example})]`"));
    }
    let mut seen: Vec<String> = Vec::new();
    for (ident, _) in &nodes {
        let n = ident.unraw().to_string();
        if seen.contains(&n) {
            errors.spanned(ident, format!("field `{n}` is given twice; keep one"));
        }
        seen.push(n);
    }
    mods.fields = Some(Fields { attr: attr_name, span: attr.path().span(), nodes });
}

/// `#[extract_columns("a", "b", fill_with = 0.0)]`.
fn read_extract_columns(
    attr: &Attribute,
    exprs: &[Expr],
    mods: &mut Modifiers,
    errors: &mut Errors,
) {
    if mods.extract_columns.is_some() {
        errors.spanned(attr, "`#[extract_columns]` is given twice; list every column in one");
        return;
    }
    let mut columns: Vec<(String, Span)> = Vec::new();
    let mut fill_with = None;
    for expr in exprs {
        match expr {
            Expr::Lit(l) if matches!(&l.lit, Lit::Str(_)) => {
                let Lit::Str(s) = &l.lit else { continue };
                let name = s.value();
                if !crate::attrs::valid_name(&name) {
                    errors.spanned(
                        s,
                        "a column becomes a node of that name: it must be an identifier; rename \
                         the column in the function",
                    );
                } else if columns.iter().any(|(c, _)| *c == name) {
                    errors.spanned(s, format!("column `{name}` is given twice; keep one"));
                } else {
                    columns.push((name, s.span()));
                }
            }
            Expr::Assign(a) if matches!(&*a.left, Expr::Path(p) if p.path.is_ident("fill_with")) => {
                if fill_with.is_some() {
                    errors.spanned(&a.left, "`fill_with` is given twice; keep one");
                }
                fill_with = Some((*a.right).clone());
            }
            Expr::Assign(a) => errors.spanned(
                &a.left,
                "unknown argument; `#[extract_columns]` takes column names and `fill_with = value`",
            ),
            other => errors.spanned(
                other,
                "expected a column name as a string literal: `#[extract_columns(\"a\", \"b\")]`",
            ),
        }
    }
    if columns.is_empty() && errors.is_empty() {
        errors.spanned(attr, "expected at least one column: `#[extract_columns(\"a\", \"b\")]`");
    }
    mods.extract_columns = Some(ExtractColumns { span: attr.path().span(), columns, fill_with });
}

/// `out_a("doc", x = value(1), y = source("b"))`, or with `sources_only`, `out_a(x = "b")`.
fn read_output(expr: &Expr, sources_only: bool, errors: &mut Errors) -> Option<OutputDecl> {
    let (ident, args): (&syn::Ident, Vec<&Expr>) = match expr {
        Expr::Call(call) => match &*call.func {
            Expr::Path(p) if p.path.get_ident().is_some() => {
                (p.path.get_ident()?, call.args.iter().collect())
            }
            other => {
                errors.spanned(other, "expected an output name: `out_a(x = value(1))`");
                return None;
            }
        },
        Expr::Path(p) if p.path.get_ident().is_some() => (p.path.get_ident()?, Vec::new()),
        other => {
            errors.spanned(other, "expected an output: `out_a(x = value(1), y = source(\"b\"))`");
            return None;
        }
    };
    let mut doc = None;
    let mut rest = &args[..];
    if let Some(Expr::Lit(l)) = args.first()
        && let Lit::Str(s) = &l.lit
    {
        doc = Some(s.value());
        rest = &args[1..];
    }
    let rest: Vec<Expr> = rest.iter().map(|e| (*e).clone()).collect();
    Some(OutputDecl {
        name: ident.unraw().to_string(),
        span: ident.span(),
        doc,
        bindings: read_bindings(&rest, sources_only, errors),
    })
}

/// `#[parameterize_values(x, out_a = 1, out_b = 2)]`: the parameter, then one value per output.
fn read_values_form(attr: &Attribute, exprs: &[Expr], errors: &mut Errors) -> Vec<OutputDecl> {
    let Some(first) = exprs.first() else { return Vec::new() };
    let param = match first {
        Expr::Path(p) if p.path.get_ident().is_some() => p.path.get_ident().cloned(),
        other => {
            errors.spanned(
                other,
                "expected the parameter first: `#[parameterize_values(x, out_a = 1, out_b = 2)]`",
            );
            None
        }
    };
    let Some(param) = param else { return Vec::new() };
    if exprs.len() == 1 {
        errors.spanned(attr, "expected outputs after the parameter: `out_a = 1, out_b = 2`");
    }
    let mut outputs = Vec::new();
    for expr in &exprs[1..] {
        match expr {
            Expr::Assign(a) => match &*a.left {
                Expr::Path(p) if p.path.get_ident().is_some() => {
                    let Some(ident) = p.path.get_ident() else { continue };
                    outputs.push(OutputDecl {
                        name: ident.unraw().to_string(),
                        span: ident.span(),
                        doc: None,
                        bindings: vec![Bound {
                            param: param.unraw().to_string(),
                            param_span: param.span(),
                            binding: Binding::Value { expr: a.right.clone() },
                        }],
                    });
                }
                other => errors.spanned(other, "expected an output name"),
            },
            other => errors.spanned(other, "expected `output = value`"),
        }
    }
    outputs
}

/// `param = binding, ...`; with `sources_only`, `param = "node"`.
fn read_bindings(exprs: &[Expr], sources_only: bool, errors: &mut Errors) -> Vec<Bound> {
    let mut out: Vec<Bound> = Vec::new();
    for expr in exprs {
        let Expr::Assign(assign) = expr else {
            let form = if sources_only { "param = \"node\"" } else { "param = source(\"node\")" };
            errors.spanned(expr, format!("expected a binding: `{form}`"));
            continue;
        };
        let ident = match &*assign.left {
            Expr::Path(p) if p.path.get_ident().is_some() => p.path.get_ident(),
            _ => None,
        };
        let Some(ident) = ident else {
            errors.spanned(&assign.left, "expected a parameter name");
            continue;
        };
        let param = ident.unraw().to_string();
        if out.iter().any(|b| b.param == param) {
            errors.spanned(ident, format!("parameter `{param}` is bound twice; keep one"));
            continue;
        }
        let binding = if sources_only {
            source_name(&assign.right, errors).map(|(name, span)| Binding::Source { name, span })
        } else {
            read_binding(&assign.right, true, errors)
        };
        if let Some(binding) = binding {
            out.push(Bound { param, param_span: ident.span(), binding });
        }
    }
    out
}

fn source_name(expr: &Expr, errors: &mut Errors) -> Option<(String, Span)> {
    match expr {
        Expr::Lit(l) if matches!(&l.lit, Lit::Str(_)) => {
            let Lit::Str(s) = &l.lit else { return None };
            if crate::attrs::valid_name(&s.value()) {
                Some((s.value(), s.span()))
            } else {
                errors.spanned(s, "a node name is an identifier (dots may separate namespaces)");
                None
            }
        }
        other => {
            errors.spanned(other, "expected the node's name as a string literal: `\"node\"`");
            None
        }
    }
}

/// `source("x")`, `value(expr)`, or (when `group_ok`) `group(...)`.
fn read_binding(expr: &Expr, group_ok: bool, errors: &mut Errors) -> Option<Binding> {
    let call = match expr {
        Expr::Call(call) => call,
        other => {
            errors.spanned(other, BINDING_FORMS);
            return None;
        }
    };
    let form = match &*call.func {
        Expr::Path(p) => p.path.get_ident().map(|i| i.to_string()),
        _ => None,
    };
    let args: Vec<&Expr> = call.args.iter().collect();
    match form.as_deref() {
        Some("value") => match args[..] {
            [arg] => Some(Binding::Value { expr: Box::new(arg.clone()) }),
            _ => {
                errors.spanned(expr, "`value` takes one expression: `value(1)`");
                None
            }
        },
        Some("source") => match args[..] {
            [arg] => source_name(arg, errors).map(|(name, span)| Binding::Source { name, span }),
            _ => {
                errors.spanned(expr, "`source` takes one node name: `source(\"node\")`");
                None
            }
        },
        Some("group") if group_ok => {
            if args.is_empty() {
                errors.spanned(expr, "`group` takes at least one `source(..)` or `value(..)`");
                return None;
            }
            let items: Vec<Binding> =
                args.iter().filter_map(|a| read_binding(a, false, errors)).collect();
            (items.len() == args.len()).then(|| Binding::Group { span: call.func.span(), items })
        }
        Some("group") => {
            errors.spanned(&call.func, "a `group` cannot be nested in a `group`");
            None
        }
        _ => {
            errors.spanned(&call.func, BINDING_FORMS);
            None
        }
    }
}

/// One node a function becomes.
pub(crate) struct Planned<'a> {
    pub(crate) name: String,
    /// The doc text, when it was templated (else the function's doc is used as it is).
    pub(crate) doc: Option<String>,
    /// Per parameter of the function, its binding (`None`: a dependency on its own name).
    pub(crate) bindings: Vec<Option<&'a Binding>>,
}

/// The element type `T` of a `Vec<T>` (or of the `Vec<T>` a `&[T]` borrows).
pub(crate) fn vec_elem(param: &Param) -> Option<&syn::Type> {
    let syn::Type::Path(p) = &param.value_ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != "Vec" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else { return None };
    match args.args.first()? {
        syn::GenericArgument::Type(t) if args.args.len() == 1 => Some(t),
        _ => None,
    }
}

/// Plans the nodes of a function: one per `#[parameterize]` output (or one named `name`), each
/// with its parameters' bindings; checks the bindings against the parameters.
pub(crate) fn plan<'a>(
    mods: &'a Modifiers,
    name: &str,
    fn_name: &str,
    doc: &proc_macro2::TokenStream,
    params: &[Param],
    errors: &mut Errors,
) -> Vec<Planned<'a>> {
    let check = |b: &Bound, errors: &mut Errors| {
        let Some(param) = params.iter().find(|p| p.name == b.param) else {
            let names: Vec<String> = params.iter().map(|p| format!("`{}`", p.name)).collect();
            let list = if names.is_empty() {
                String::from("it has none")
            } else {
                format!("its parameters are {}", names.join(", "))
            };
            errors.push(syn::Error::new(
                b.param_span,
                format!("`{}` is not a parameter of `{fn_name}`; {list}", b.param),
            ));
            return;
        };
        if let Binding::Group { span, .. } = &b.binding
            && (vec_elem(param).is_none() || !matches!(param.kind, Kind::Owned | Kind::Ref))
        {
            errors.push(syn::Error::new(
                *span,
                format!(
                    "`group(...)` gathers values into a list: parameter `{}` needs the type \
                     `Vec<T>` or `&[T]`",
                    b.param
                ),
            ));
        }
    };
    for b in &mods.inject {
        check(b, errors);
    }
    let doc_literal: Option<String> =
        syn::parse2::<syn::LitStr>(doc.clone()).ok().map(|s| s.value());
    let Some((_, outputs)) = &mods.parameterize else {
        let bindings = params
            .iter()
            .map(|p| mods.inject.iter().find(|b| b.param == p.name).map(|b| &b.binding))
            .collect();
        return vec![Planned { name: name.to_string(), doc: None, bindings }];
    };
    let mut planned = Vec::with_capacity(outputs.len());
    for out in outputs {
        for b in &out.bindings {
            check(b, errors);
            if mods.inject.iter().any(|i| i.param == b.param) {
                errors.push(syn::Error::new(
                    b.param_span,
                    format!(
                        "parameter `{}` is bound by `#[inject]` already; bind it in one place",
                        b.param
                    ),
                ));
            }
            let sources = match &b.binding {
                Binding::Source { name, span } => vec![(name, *span)],
                Binding::Group { items, .. } => items
                    .iter()
                    .filter_map(|i| match i {
                        Binding::Source { name, span } => Some((name, *span)),
                        _ => None,
                    })
                    .collect(),
                Binding::Value { .. } => Vec::new(),
            };
            for (source, span) in sources {
                if *source == out.name {
                    errors.push(syn::Error::new(
                        span,
                        format!("output `{}` cannot depend on itself", out.name),
                    ));
                }
            }
        }
        let bindings: Vec<Option<&Binding>> = params
            .iter()
            .map(|p| {
                out.bindings
                    .iter()
                    .chain(&mods.inject)
                    .find(|b| b.param == p.name)
                    .map(|b| &b.binding)
            })
            .collect();
        let template = out.doc.clone().or_else(|| doc_literal.clone());
        let doc = template.map(|t| {
            let mut text = t.replace("{output_name}", &out.name);
            for (p, b) in params.iter().zip(&bindings) {
                let shown = b.map_or_else(|| p.name.clone(), |b| b.doc_text());
                text = text.replace(&format!("{{{}}}", p.name), &shown);
            }
            text
        });
        planned.push(Planned { name: out.name.clone(), doc, bindings });
    }
    planned
}
