//! Reading a node function's signature: parameter kinds, value types, defaults, the output.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use syn::ext::IdentExt;
use syn::visit::Visit;
use syn::{Expr, FnArg, GenericArgument, Pat, PathArguments, ReturnType, Signature, Type};

use crate::errors::Errors;

/// How a parameter is taken (mirrors `hamilton_core::ParamKind`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Ref,
    Owned,
    Arc,
    OptionRef,
    OptionOwned,
    OptionArc,
    /// `Collect<T>`: the gathered per-item values of a map/collect block node.
    Collect,
}

impl Kind {
    /// The matching `ParamKind` variant's name.
    pub(crate) fn variant(self) -> TokenStream {
        match self {
            Kind::Ref => quote!(Ref),
            Kind::Owned => quote!(Owned),
            Kind::Arc => quote!(Arc),
            Kind::OptionRef => quote!(OptionRef),
            Kind::OptionOwned => quote!(OptionOwned),
            Kind::OptionArc => quote!(OptionArc),
            Kind::Collect => quote!(Collect),
        }
    }

    fn is_option(self) -> bool {
        matches!(self, Kind::OptionRef | Kind::OptionOwned | Kind::OptionArc)
    }
}

/// One parameter, read.
pub(crate) struct Param {
    /// The dependency name.
    pub(crate) name: String,
    /// The parameter type as written.
    pub(crate) ty: Type,
    /// The type of the stored value (`String` for `&str`, `Vec<T>` for `&[T]`).
    pub(crate) value_ty: Type,
    pub(crate) kind: Kind,
    pub(crate) default: Option<Expr>,
}

/// The output: the value type, and the error type of a fallible (`Result`) function.
pub(crate) struct Output {
    /// The value type: the return type, or `T` of `Result<T, E>`.
    pub(crate) ty: Type,
    /// The return type as written.
    pub(crate) ret: Type,
    pub(crate) fallible: bool,
    /// `E` of `Result<T, E>`; `None` for a plain return or an alias such as `io::Result<T>` or
    /// polars' `PolarsResult<T>`.
    pub(crate) error_ty: Option<Type>,
    /// `T` of a `Parallelizable<T>` value: the node is a map/collect expand node.
    pub(crate) item: Option<Type>,
}

/// The single generic type argument of the standard type `name` (`Option<T>`, `Arc<T>`), spelled
/// bare or by a path through `module` (`std::option::Option<T>`, `sync::Arc<T>`). A path through
/// another module (`crate::Option<T>`, `my::Arc<T>`) names the user's own type: a plain value.
fn single_arg<'a>(ty: &'a Type, name: &str, module: &str) -> Option<&'a Type> {
    generic_arg(ty, name, Some(module))
}

/// The single generic type argument of hamilton's type `name` (`Collect<T>`,
/// `Parallelizable<T>`), recognised by its last path segment (`hamilton_core::Collect<T>`); the
/// generated code checks that the type is hamilton's.
fn hamilton_arg<'a>(ty: &'a Type, name: &str) -> Option<&'a Type> {
    generic_arg(ty, name, None)
}

/// The single generic type argument of a path type whose last segment is `name`, and whose
/// segment before, if any, is `module` (when given).
fn generic_arg<'a>(ty: &'a Type, name: &str, module: Option<&str>) -> Option<&'a Type> {
    let Type::Path(p) = ty else { return None };
    if p.qself.is_some() {
        return None;
    }
    let segments = &p.path.segments;
    let last = segments.last()?;
    if last.ident != name {
        return None;
    }
    if let Some(module) = module
        && segments.len() > 1
    {
        let before = &segments[segments.len() - 2];
        if before.ident != module || !before.arguments.is_none() {
            return None;
        }
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else { return None };
    let mut types = args.args.iter().filter_map(|a| match a {
        GenericArgument::Type(t) => Some(t),
        _ => None,
    });
    let first = types.next()?;
    if types.next().is_some() || args.args.len() != 1 { None } else { Some(first) }
}

/// `T` of a parameter type read as `Option<T>`.
pub(crate) fn option_inner(ty: &Type) -> Option<&Type> {
    single_arg(strip_groups(ty), "Option", "option")
}

fn strip_groups(ty: &Type) -> &Type {
    match ty {
        Type::Paren(p) => strip_groups(&p.elem),
        Type::Group(g) => strip_groups(&g.elem),
        other => other,
    }
}

/// Finds `impl Trait` and `Self` anywhere in a type.
#[derive(Default)]
struct FindForbidden<'a> {
    impl_trait: Option<&'a syn::TypeImplTrait>,
    self_type: Option<&'a syn::Ident>,
}

impl<'a> Visit<'a> for FindForbidden<'a> {
    fn visit_type_impl_trait(&mut self, i: &'a syn::TypeImplTrait) {
        self.impl_trait.get_or_insert(i);
    }

    fn visit_path(&mut self, p: &'a syn::Path) {
        if let Some(first) = p.segments.first()
            && first.ident == "Self"
        {
            self.self_type.get_or_insert(&first.ident);
        }
        syn::visit::visit_path(self, p);
    }
}

/// Rejects `impl Trait` and `Self` in a type; `true` when one was found.
fn reject_forbidden(ty: &Type, errors: &mut Errors) -> bool {
    let mut finder = FindForbidden::default();
    finder.visit_type(ty);
    if let Some(found) = finder.impl_trait {
        errors.spanned(
            found,
            "`impl Trait` is not allowed in a node signature: the graph needs one concrete type per \
             value; name the type",
        );
    }
    if let Some(found) = finder.self_type {
        errors
            .spanned(found, format!("`Self` in a node signature: {FREE_FUNCTION}; name the type"));
    }
    finder.impl_trait.is_some() || finder.self_type.is_some()
}

/// Why methods and associated functions cannot be nodes.
pub(crate) const FREE_FUNCTION: &str = "`#[node]` must be on a free function (outside `impl` and \
     `trait` blocks), whose parameters name the values it needs";

/// The owned type to use instead of an unsized one, when the type is unsized (`str`, `[T]`,
/// `dyn Trait`).
fn unsized_replacement(ty: &Type) -> Option<String> {
    match strip_groups(ty) {
        Type::Path(p) if p.qself.is_none() && p.path.is_ident("str") => {
            Some("`String` (or `Arc<str>`)".to_string())
        }
        Type::Slice(s) => {
            let elem = spell(&s.elem);
            Some(format!("`Vec<{elem}>` (or `Arc<[{elem}]>`)"))
        }
        Type::TraitObject(t) => {
            let has = |name: &str| {
                t.bounds.iter().any(|b| {
                    matches!(b, syn::TypeParamBound::Trait(t)
                        if t.path.segments.last().is_some_and(|s| s.ident == name))
                })
            };
            let extra = match (has("Send"), has("Sync")) {
                (true, true) => "",
                (true, false) => " + Sync",
                (false, true) => " + Send",
                (false, false) => " + Send + Sync",
            };
            let boxed = format!("{}{extra}", spell(t));
            Some(format!("`Box<{boxed}>`, `Arc<{boxed}>` or a concrete type"))
        }
        _ => None,
    }
}

/// Rejects an unsized value type; `true` when it was one.
fn reject_unsized(ty: &Type, errors: &mut Errors) -> bool {
    match unsized_replacement(ty) {
        Some(instead) => {
            errors.spanned(
                ty,
                format!(
                    "`{}` is unsized: a node value has a size known at compile time; use {instead}",
                    spell(ty)
                ),
            );
            true
        }
        None => false,
    }
}

/// Whether `Arc<inner>` holds an unsized type: such an `Arc` is itself the (sized) value.
fn is_unsized(inner: &Type) -> bool {
    unsized_replacement(inner).is_some()
}

/// The stored value type behind `&T` (special cases: `&str` borrows a `String`, `&[T]` a `Vec<T>`).
fn referent_value(elem: &Type, errors: &mut Errors) -> Option<Type> {
    match strip_groups(elem) {
        Type::Path(p) if p.qself.is_none() && p.path.is_ident("str") => {
            Some(syn::parse_quote!(::std::string::String))
        }
        Type::Slice(s) => {
            let inner = &s.elem;
            Some(syn::parse_quote!(::std::vec::Vec<#inner>))
        }
        Type::TraitObject(t) => {
            errors.spanned(
                t,
                "a node cannot take `&dyn Trait`: values are stored by their concrete type",
            );
            None
        }
        other => Some(other.clone()),
    }
}

/// Reads `&T`, checking it is a shared reference without a named lifetime.
fn reference(r: &syn::TypeReference, errors: &mut Errors) -> Option<Type> {
    if let Some(mutability) = &r.mutability {
        let and = &r.and_token;
        errors.spanned(
            quote!(#and #mutability),
            "a node cannot take `&mut`: values are shared between consumers; take `&T`, or `T` \
             to get a copy of your own",
        );
        return None;
    }
    if let Some(l) = &r.lifetime {
        errors.spanned(l, "remove this lifetime: node parameters borrow values for the call only");
        return None;
    }
    referent_value(&r.elem, errors)
}

/// A by-value parameter's value type: `Arc<T>` of a sized `T` shares the value `T`; an `Arc` of
/// an unsized type (`Arc<str>`) is itself the value, cloned cheaply.
fn by_value(ty: &Type, shared: Kind, owned: Kind, errors: &mut Errors) -> Option<(Kind, Type)> {
    if let Type::Never(n) = strip_groups(ty) {
        errors.spanned(n, "a node cannot take `!`: no value of it exists");
        return None;
    }
    if reject_unsized(ty, errors) {
        return None;
    }
    match single_arg(strip_groups(ty), "Arc", "sync") {
        Some(inner) if !is_unsized(inner) => Some((shared, inner.clone())),
        _ => Some((owned, ty.clone())),
    }
}

fn read_type(ty: &Type, errors: &mut Errors) -> Option<(Kind, Type)> {
    if reject_forbidden(ty, errors) {
        return None;
    }
    let plain = strip_groups(ty);
    if let Type::Reference(r) = plain {
        return reference(r, errors).map(|v| (Kind::Ref, v));
    }
    if let Some(inner) = single_arg(plain, "Option", "option") {
        if let Type::Reference(r) = strip_groups(inner) {
            return reference(r, errors).map(|v| (Kind::OptionRef, v));
        }
        return by_value(inner, Kind::OptionArc, Kind::OptionOwned, errors);
    }
    if let Some(inner) = hamilton_arg(plain, "Collect") {
        if reject_unsized(inner, errors) {
            return None;
        }
        return Some((Kind::Collect, inner.clone()));
    }
    by_value(ty, Kind::Arc, Kind::Owned, errors)
}

/// Whether a `#[cfg_attr(predicate, attrs..)]` would produce `#[default]` or `#[cfg]`.
fn cfg_attr_hides(attr: &syn::Attribute) -> bool {
    let syn::Meta::List(list) = &attr.meta else { return false };
    let mut after_predicate = false;
    for tree in list.tokens.clone() {
        match tree {
            proc_macro2::TokenTree::Punct(p) if p.as_char() == ',' => after_predicate = true,
            proc_macro2::TokenTree::Ident(i)
                if after_predicate && (i == "default" || i == "cfg") =>
            {
                return true;
            }
            _ => {}
        }
    }
    false
}

/// Reads the parameters, removing `#[default(...)]` attributes from them.
pub(crate) fn read_params(sig: &mut Signature, errors: &mut Errors) -> Vec<Param> {
    let mut params = Vec::new();
    for arg in sig.inputs.iter_mut() {
        let typed = match arg {
            FnArg::Receiver(r) => {
                errors.spanned(&*r, format!("a node cannot take `self`: {FREE_FUNCTION}"));
                continue;
            }
            FnArg::Typed(t) => t,
        };
        let mut default: Option<(Expr, syn::Attribute)> = None;
        let mut kept = Vec::new();
        for attr in typed.attrs.drain(..) {
            if attr.path().is_ident("cfg") {
                errors.spanned(
                    &attr,
                    "`#[cfg]` cannot go on a node parameter: the node's dependencies are read \
                     before `cfg` is evaluated; write one function per configuration, each with \
                     `#[cfg]` on the function",
                );
            } else if attr.path().is_ident("cfg_attr") && cfg_attr_hides(&attr) {
                errors.spanned(
                    &attr,
                    "`#[default]` and `#[cfg]` cannot go through `cfg_attr` on a node parameter: \
                     `#[node]` reads them before `cfg` is evaluated; write one function per \
                     configuration, each with `#[cfg]` on the function",
                );
            } else if attr.path().is_ident("default") {
                match attr.parse_args::<Expr>() {
                    Ok(_) if default.is_some() => {
                        errors.spanned(&attr, "`#[default]` is given twice")
                    }
                    Ok(e) => default = Some((e, attr)),
                    Err(e) => errors.push(e),
                }
            } else {
                kept.push(attr);
            }
        }
        typed.attrs = kept;
        let name = match &*typed.pat {
            Pat::Ident(p) if p.by_ref.is_none() && p.subpat.is_none() => {
                p.ident.unraw().to_string()
            }
            other => {
                errors.spanned(
                    other,
                    "a node parameter must be a plain name, the name of the value it depends on: \
                     write `name: Type` and destructure in the body",
                );
                continue;
            }
        };
        let Some((kind, value_ty)) = read_type(&typed.ty, errors) else { continue };
        if let (Some((_, attr)), true) = (&default, kind.is_option()) {
            errors.spanned(
                attr,
                "an `Option` parameter takes no `#[default]`: it is `None` when nothing provides \
                 the value; remove `#[default]`, or take the value without `Option`",
            );
            continue;
        }
        if let (Some((_, attr)), Kind::Collect) = (&default, kind) {
            errors.spanned(
                attr,
                "a `Collect` parameter takes no `#[default]`: an expansion without items already \
                 gives an empty collection",
            );
            continue;
        }
        if kind.is_option()
            && let Some(collect) = hamilton_arg(strip_groups(&value_ty), "Collect")
        {
            errors.spanned(
                &typed.ty,
                format!(
                    "a `Collect` parameter cannot be optional: write `Collect<{}>`; an expansion \
                     without items gives an empty collection",
                    spell(collect)
                ),
            );
            continue;
        }
        let default = default.map(|(expr, _)| expr);
        params.push(Param { name, ty: (*typed.ty).clone(), value_ty, kind, default });
    }
    params
}

/// Checks the parts of the signature other than the parameters.
pub(crate) fn check_signature(sig: &Signature, errors: &mut Errors) {
    if let Some(u) = &sig.unsafety {
        errors.spanned(
            u,
            "a node cannot be an `unsafe fn`: the driver calls it without an `unsafe` block",
        );
    }
    if !sig.generics.params.is_empty() {
        errors.spanned(
            &sig.generics,
            "a node cannot be generic: the graph needs one concrete type per value; write it for \
             the concrete types",
        );
    } else if let Some(w) = &sig.generics.where_clause {
        errors.spanned(w, "a node cannot have a `where` clause");
    }
    if let Some(v) = &sig.variadic {
        errors.spanned(v, "a node cannot be variadic");
    }
    let name = sig.ident.unraw().to_string();
    if name.ends_with("__") {
        errors.spanned(
            &sig.ident,
            "a node function name cannot end with `__`: `name__variant` needs a variant after `__`",
        );
    }
}

/// Reads the output type.
pub(crate) fn read_output(sig: &Signature, errors: &mut Errors) -> Option<Output> {
    let ty = match &sig.output {
        ReturnType::Default => {
            errors.spanned(&sig.ident, "a node must return the value it computes: add `-> T`");
            return None;
        }
        ReturnType::Type(_, ty) => ty,
    };
    if reject_forbidden(ty, errors) || reject_borrowed(ty, errors) {
        return None;
    }
    let plain = strip_groups(ty);
    if let Type::Never(n) = plain {
        errors.spanned(
            n,
            "a node must return the value it computes: a function returning `!` never does",
        );
        return None;
    }
    if let Type::Path(p) = plain
        && let Some(last) = p.path.segments.last()
        && (last.ident == "Result" || last.ident == "PolarsResult")
        && let PathArguments::AngleBracketed(args) = &last.arguments
    {
        let mut types = args.args.iter().filter_map(|a| match a {
            GenericArgument::Type(t) => Some(t.clone()),
            _ => None,
        });
        if let Some(ok) = types.next() {
            if reject_unsized(&ok, errors) {
                return None;
            }
            let ret = (**ty).clone();
            let item = hamilton_arg(strip_groups(&ok), "Parallelizable").cloned();
            return Some(Output { ty: ok, ret, fallible: true, error_ty: types.next(), item });
        }
    }
    if reject_unsized(ty, errors) {
        return None;
    }
    let item = hamilton_arg(plain, "Parallelizable").cloned();
    Some(Output { ty: (**ty).clone(), ret: (**ty).clone(), fallible: false, error_ty: None, item })
}

/// Finds a borrow in a return type: a reference or lifetime other than `'static`, outside the
/// arguments of function types (`fn(&str)`, `dyn Fn(&str)`), which borrow only for a call.
#[derive(Default)]
struct FindBorrow<'a> {
    reference: Option<&'a syn::TypeReference>,
    lifetime: Option<&'a syn::Lifetime>,
}

impl<'a> Visit<'a> for FindBorrow<'a> {
    fn visit_type_reference(&mut self, r: &'a syn::TypeReference) {
        if r.lifetime.as_ref().is_none_or(|l| l.ident != "static") {
            self.reference.get_or_insert(r);
        } else {
            syn::visit::visit_type_reference(self, r);
        }
    }

    fn visit_lifetime(&mut self, l: &'a syn::Lifetime) {
        if l.ident != "static" {
            self.lifetime.get_or_insert(l);
        }
    }

    fn visit_type_bare_fn(&mut self, _: &'a syn::TypeBareFn) {}

    fn visit_trait_bound(&mut self, bound: &'a syn::TraitBound) {
        // `for<'a> Trait<'a>`: a higher-ranked bound borrows nothing from the call.
        if bound.lifetimes.is_none() {
            syn::visit::visit_trait_bound(self, bound);
        }
    }

    fn visit_parenthesized_generic_arguments(&mut self, _: &'a syn::ParenthesizedGenericArguments) {
    }
}

/// Rejects a return type that borrows; `true` when it does.
fn reject_borrowed(ty: &Type, errors: &mut Errors) -> bool {
    let mut finder = FindBorrow::default();
    finder.visit_type(ty);
    if let Some(r) = finder.reference {
        let owned = match strip_groups(&r.elem) {
            Type::Path(p) if p.qself.is_none() && p.path.is_ident("str") => "String".to_string(),
            Type::Slice(s) => format!("Vec<{}>", spell(&s.elem)),
            other => spell(other),
        };
        errors.spanned(
            r,
            format!(
                "a node returns an owned value, not a borrow: the driver stores the value after \
                 the call, beyond the parameters' lifetime; return `{owned}` (clone, or take the \
                 parameter by value)"
            ),
        );
        return true;
    }
    if let Some(l) = finder.lifetime {
        errors.spanned(
            l,
            "a node returns an owned value, not a borrow: the driver stores the value after the \
             call; use an owned type (or `'static`)",
        );
        return true;
    }
    false
}

/// A type as a user would write it: `&Vec<f64>`, not `& Vec < f64 >`.
pub(crate) fn spell(ty: &impl ToTokens) -> String {
    let raw = ty.to_token_stream().to_string();
    let mut out = String::with_capacity(raw.len());
    let chars: Vec<char> = raw.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' {
            let prev = out.chars().last().unwrap_or(' ');
            let next = chars.get(i + 1).copied().unwrap_or(' ');
            let glue_after = matches!(prev, '&' | '<' | ':' | '(' | '[' | '\'');
            let glue_before = matches!(next, '<' | '>' | ',' | ':' | ')' | ']' | ';')
                || (next == '(' && (prev.is_alphanumeric() || prev == '_'));
            let keep = (prev == ',' || prev == ';')
                || (prev == ':' && next != ':' && !out.ends_with("::"));
            if (glue_after || glue_before) && !keep {
                continue;
            }
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::spell;

    #[test]
    fn spells_types_like_source() {
        let t: syn::Type = syn::parse_quote!(&Vec<f64>);
        assert_eq!(spell(&t), "&Vec<f64>");
        let t: syn::Type =
            syn::parse_quote!(Option<&std::collections::HashMap<String, (i64, f64)>>);
        assert_eq!(spell(&t), "Option<&std::collections::HashMap<String, (i64, f64)>>");
        let t: syn::Type = syn::parse_quote!(&[f64; 3]);
        assert_eq!(spell(&t), "&[f64; 3]");
        let t: syn::Type = syn::parse_quote!(Box<dyn Fn(i64) -> (i64, f64) + Send>);
        assert_eq!(spell(&t), "Box<dyn Fn(i64) -> (i64, f64) + Send>");
    }
}
