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
}

/// The single generic type argument of a path segment named `name` (`Option<T>`, `Arc<T>`).
fn single_arg<'a>(ty: &'a Type, name: &str) -> Option<&'a Type> {
    let Type::Path(p) = ty else { return None };
    if p.qself.is_some() {
        return None;
    }
    let last = p.path.segments.last()?;
    if last.ident != name {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else { return None };
    let mut types = args.args.iter().filter_map(|a| match a {
        GenericArgument::Type(t) => Some(t),
        _ => None,
    });
    let first = types.next()?;
    if types.next().is_some() || args.args.len() != 1 { None } else { Some(first) }
}

fn strip_groups(ty: &Type) -> &Type {
    match ty {
        Type::Paren(p) => strip_groups(&p.elem),
        Type::Group(g) => strip_groups(&g.elem),
        other => other,
    }
}

/// Finds `impl Trait` anywhere in a type.
struct FindImpl<'a>(Option<&'a syn::TypeImplTrait>);

impl<'a> Visit<'a> for FindImpl<'a> {
    fn visit_type_impl_trait(&mut self, i: &'a syn::TypeImplTrait) {
        self.0.get_or_insert(i);
    }
}

fn reject_impl_trait(ty: &Type, errors: &mut Errors) -> bool {
    let mut finder = FindImpl(None);
    finder.visit_type(ty);
    if let Some(found) = finder.0 {
        errors.spanned(
            found,
            "`impl Trait` is not allowed in a node signature: the graph needs one concrete type per \
             value; name the type",
        );
        return true;
    }
    false
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

fn read_type(ty: &Type, errors: &mut Errors) -> Option<(Kind, Type)> {
    if reject_impl_trait(ty, errors) {
        return None;
    }
    let plain = strip_groups(ty);
    if let Type::Reference(r) = plain {
        return reference(r, errors).map(|v| (Kind::Ref, v));
    }
    if let Some(inner) = single_arg(plain, "Option") {
        let inner_plain = strip_groups(inner);
        if let Type::Reference(r) = inner_plain {
            return reference(r, errors).map(|v| (Kind::OptionRef, v));
        }
        if let Some(arc_inner) = single_arg(inner_plain, "Arc") {
            return Some((Kind::OptionArc, arc_inner.clone()));
        }
        return Some((Kind::OptionOwned, inner.clone()));
    }
    if let Some(inner) = single_arg(plain, "Arc") {
        return Some((Kind::Arc, inner.clone()));
    }
    Some((Kind::Owned, ty.clone()))
}

/// Reads the parameters, removing `#[default(...)]` attributes from them.
pub(crate) fn read_params(sig: &mut Signature, errors: &mut Errors) -> Vec<Param> {
    let mut params = Vec::new();
    for arg in sig.inputs.iter_mut() {
        let typed = match arg {
            FnArg::Receiver(r) => {
                errors.spanned(
                    &*r,
                    "a node cannot take `self`: write a free function whose parameters name the values it needs",
                );
                continue;
            }
            FnArg::Typed(t) => t,
        };
        let mut default: Option<(Expr, syn::Attribute)> = None;
        let mut kept = Vec::new();
        for attr in typed.attrs.drain(..) {
            if attr.path().is_ident("default") {
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
    if reject_impl_trait(ty, errors) {
        return None;
    }
    let plain = strip_groups(ty);
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
            let ret = (**ty).clone();
            return Some(Output { ty: ok, ret, fallible: true, error_ty: types.next() });
        }
    }
    Some(Output { ty: (**ty).clone(), ret: (**ty).clone(), fallible: false, error_ty: None })
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
