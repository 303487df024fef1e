//! `#[load_from(format(key = ..))]` on a parameter and `#[save_to(format(key = ..), id = "..")]`
//! on a node function: parsed here, emitted as `inventory` registrations of
//! `hamilton_core::__private::io::Declaration`, which the driver turns into loaders and savers.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::ext::IdentExt;
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Attribute, Expr, ExprCall, ExprLit, FnArg, ItemFn, Lit, Meta, Pat, Token};

use crate::errors::Errors;
use crate::signature::{Output, Param};

/// One parameter of an adapter: `key = "text"`, `key = value("text")` or `key = source("node")`.
struct AdapterParam {
    key: String,
    source: bool,
    text: String,
}

/// `format(key = .., ...)`.
struct Adapter {
    format: String,
    params: Vec<AdapterParam>,
    span: Span,
}

/// A `#[load_from]` of one parameter.
struct LoadFrom {
    param: String,
    adapter: Adapter,
}

/// A `#[save_to]` of the function.
struct SaveTo {
    id: String,
    adapter: Adapter,
}

/// Every materializer attribute of one function.
#[derive(Default)]
pub(crate) struct Declared {
    loads: Vec<LoadFrom>,
    saves: Vec<SaveTo>,
}

/// Removes `#[save_to]` from the function and `#[load_from]` from its parameters, reading them.
pub(crate) fn take(func: &mut ItemFn, errors: &mut Errors) -> Declared {
    let mut declared = Declared::default();
    let mut kept = Vec::with_capacity(func.attrs.len());
    for attr in func.attrs.drain(..) {
        if last_segment(&attr).as_deref() == Some("save_to") {
            if let Some(save) = read_save_to(&attr, errors) {
                declared.saves.push(save);
            }
        } else {
            kept.push(attr);
        }
    }
    func.attrs = kept;
    for input in &mut func.sig.inputs {
        let FnArg::Typed(arg) = input else { continue };
        let name = match &*arg.pat {
            Pat::Ident(p) => p.ident.unraw().to_string(),
            _ => String::new(),
        };
        let mut kept = Vec::with_capacity(arg.attrs.len());
        let mut seen = false;
        for attr in arg.attrs.drain(..) {
            if last_segment(&attr).as_deref() != Some("load_from") {
                kept.push(attr);
                continue;
            }
            if std::mem::replace(&mut seen, true) {
                errors.spanned(&attr, "`#[load_from]` is given twice on this parameter");
                continue;
            }
            let Some(tokens) = list_tokens(&attr, "load_from", errors) else { continue };
            match Punctuated::<Meta, Token![,]>::parse_terminated.parse2(tokens) {
                Ok(metas) if metas.len() == 1 => {
                    if let Some(adapter) = read_adapter(&metas[0], errors) {
                        declared.loads.push(LoadFrom { param: name.clone(), adapter });
                    }
                }
                Ok(_) => errors.spanned(
                    &attr,
                    "`#[load_from]` takes one adapter, e.g. \
                     `#[load_from(parquet(path = source(\"data_path\")))]`",
                ),
                Err(e) => errors.push(e),
            }
        }
        arg.attrs = kept;
    }
    declared
}

fn last_segment(attr: &Attribute) -> Option<String> {
    attr.path().segments.last().map(|s| s.ident.to_string())
}

fn list_tokens(attr: &Attribute, name: &str, errors: &mut Errors) -> Option<TokenStream> {
    match &attr.meta {
        Meta::List(list) => Some(list.tokens.clone()),
        _ => {
            errors.spanned(
                attr,
                format!("`#[{name}]` needs an adapter: `#[{name}(parquet(path = ...))]`"),
            );
            None
        }
    }
}

fn read_save_to(attr: &Attribute, errors: &mut Errors) -> Option<SaveTo> {
    let tokens = list_tokens(attr, "save_to", errors)?;
    let metas = match Punctuated::<Meta, Token![,]>::parse_terminated.parse2(tokens) {
        Ok(m) => m,
        Err(e) => {
            errors.push(e);
            return None;
        }
    };
    let mut adapter = None;
    let mut id = None;
    for meta in &metas {
        match meta {
            Meta::NameValue(nv) if nv.path.is_ident("id") => match string_literal(&nv.value) {
                Some(s) if id.is_none() => id = Some(s),
                Some(_) => errors.spanned(nv, "`id` is given twice"),
                None => errors.spanned(&nv.value, "`id` takes a string literal: `id = \"save_x\"`"),
            },
            Meta::List(_) if adapter.is_some() => {
                errors.spanned(meta, "`#[save_to]` takes one adapter; add another `#[save_to]`")
            }
            Meta::List(_) => adapter = read_adapter(meta, errors),
            other => errors.spanned(
                other,
                "unknown `#[save_to]` argument: expected an adapter such as \
                 `parquet(path = value(\"out.parquet\"))` and `id = \"...\"`",
            ),
        }
    }
    if adapter.is_none() && !metas.iter().any(|m| matches!(m, Meta::List(_))) {
        errors.spanned(
            attr,
            "`#[save_to]` needs an adapter, e.g. `parquet(path = value(\"out.parquet\"))`",
        );
    }
    if id.is_none() {
        errors.spanned(
            attr,
            "`#[save_to]` needs an `id = \"...\"`: the name of the saver node, which you request",
        );
    }
    Some(SaveTo { id: id?, adapter: adapter? })
}

fn read_adapter(meta: &Meta, errors: &mut Errors) -> Option<Adapter> {
    let Meta::List(list) = meta else {
        errors.spanned(meta, "expected an adapter such as `parquet(path = source(\"data_path\"))`");
        return None;
    };
    let Some(format) = list.path.get_ident().map(|i| i.unraw().to_string()) else {
        errors.spanned(&list.path, "the adapter is a format name, e.g. `parquet` or `csv`");
        return None;
    };
    let pairs = match Punctuated::<syn::MetaNameValue, Token![,]>::parse_terminated
        .parse2(list.tokens.clone())
    {
        Ok(p) => p,
        Err(e) => {
            errors.push(e);
            return None;
        }
    };
    let mut params: Vec<AdapterParam> = Vec::new();
    let mut ok = true;
    for pair in &pairs {
        let Some(key) = pair.path.get_ident().map(|i| i.unraw().to_string()) else {
            errors.spanned(&pair.path, "a parameter name is one identifier, e.g. `path`");
            ok = false;
            continue;
        };
        if params.iter().any(|p| p.key == key) {
            errors.spanned(&pair.path, format!("parameter `{key}` is given twice"));
            ok = false;
            continue;
        }
        match param_value(&pair.value) {
            Some((source, text)) => params.push(AdapterParam { key, source, text }),
            None => {
                errors.spanned(
                    &pair.value,
                    "expected `\"text\"`, `value(\"text\")` or `source(\"node_name\")`",
                );
                ok = false;
            }
        }
    }
    ok.then(|| Adapter { format, params, span: list.span() })
}

fn string_literal(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Lit(ExprLit { lit: Lit::Str(s), .. }) => Some(s.value()),
        _ => None,
    }
}

/// `"text"`, `value("text")` (fixed) or `source("node")`.
fn param_value(expr: &Expr) -> Option<(bool, String)> {
    if let Some(s) = string_literal(expr) {
        return Some((false, s));
    }
    let Expr::Call(ExprCall { func, args, .. }) = expr else { return None };
    let Expr::Path(path) = &**func else { return None };
    let name = path.path.segments.last()?.ident.to_string();
    let source = match name.as_str() {
        "value" => false,
        "source" => true,
        _ => return None,
    };
    if args.len() != 1 {
        return None;
    }
    string_literal(&args[0]).map(|s| (source, s))
}

/// The registrations of the function's loaders and savers.
pub(crate) fn expand(
    declared: &Declared,
    fn_name: &str,
    node: &str,
    params: &[Param],
    output: &Output,
) -> TokenStream {
    let io = quote!(::hamilton_core::__private::io);
    let mut out = TokenStream::new();
    let chain = |adapter: &Adapter| {
        let calls = adapter.params.iter().map(|p| {
            let key = &p.key;
            let text = &p.text;
            if p.source {
                quote!(.param(#key, #io::source(#text)))
            } else {
                quote!(.param(#key, #io::value(#text)))
            }
        });
        quote!(#(#calls)*)
    };
    for load in &declared.loads {
        let a = &load.adapter;
        let (format, target) = (&a.format, &load.param);
        let params_chain = chain(a);
        let make = if format == "serde_json" {
            let ty = params.iter().find(|p| p.name == *target).map(|p| &p.value_ty);
            quote_spanned!(a.span=> ::hamilton_core::__private::io::from_::serde_json::<#ty>(#target))
        } else {
            quote_spanned!(a.span=> ::hamilton_core::__private::io::from_::format(#format, #target))
        };
        out.extend(registration(&io, fn_name, quote!(#make #params_chain)));
    }
    for save in &declared.saves {
        let a = &save.adapter;
        let (format, id) = (&a.format, &save.id);
        let params_chain = chain(a);
        let ty = &output.ty;
        let make = if format == "serde_json" {
            quote_spanned!(a.span=> ::hamilton_core::__private::io::to::serde_json::<#ty>(#id, #node))
        } else {
            quote_spanned!(a.span=> ::hamilton_core::__private::io::to::format(#format, #id, #node))
        };
        out.extend(registration(&io, fn_name, quote!(#make #params_chain)));
    }
    out
}

fn registration(io: &TokenStream, fn_name: &str, make: TokenStream) -> TokenStream {
    quote! {
        ::hamilton_core::__private::inventory::submit! {
            #io::Declaration {
                module: ::core::module_path!(),
                function: #fn_name,
                make: || #make,
            }
        }
    }
}
