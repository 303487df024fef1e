//! Code generation for `#[node]`, and the errors of metadata attributes used on their own.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, format_ident, quote, quote_spanned};
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{Item, ItemFn};

use crate::attrs::{self, CondKind, Metadata, NodeArgs};
use crate::errors::Errors;
use crate::modifiers::{self, Binding, Planned};
use crate::signature::{self, Kind, Output, Param};
use crate::version::code_version;

/// `#[node]`: checks the function and emits it unchanged, plus its registration. On any error
/// the function is still emitted (without the metadata attributes), so a mistake does not
/// cascade into unrelated errors.
pub(crate) fn node(args: TokenStream, item: TokenStream) -> TokenStream {
    let item: Item = match syn::parse2(item.clone()) {
        Ok(item) => item,
        Err(e) => {
            let error = e.to_compile_error();
            return quote!(#item #error);
        }
    };
    let mut func = match item {
        Item::Fn(func) => func,
        Item::Verbatim(tokens) => {
            // A function without a body: a trait method's declaration (or a foreign function).
            let error = match syn::parse2::<syn::TraitItemFn>(tokens.clone()) {
                Ok(method) => {
                    let (fn_token, ident) = (&method.sig.fn_token, &method.sig.ident);
                    syn::Error::new_spanned(
                        quote!(#fn_token #ident),
                        format!(
                            "a function without a body cannot be a node: {}",
                            signature::FREE_FUNCTION
                        ),
                    )
                }
                Err(_) => syn::Error::new(Span::call_site(), NOT_A_FUNCTION),
            };
            let error = error.to_compile_error();
            return quote!(#tokens #error);
        }
        other => {
            let error = syn::Error::new_spanned(item_head(&other), not_a_function(&other));
            let error = error.to_compile_error();
            return quote!(#other #error);
        }
    };

    let mut errors = Errors::default();
    let node_args = attrs::parse_node_args(args, &mut errors);
    let materializers = crate::materializers::take(&mut func, &mut errors);
    let meta = attrs::take_metadata(&mut func.attrs, &mut errors);
    if let Some(target) = &meta.modifiers.does {
        // The node runs `target` with its parameters, in order, in place of the empty body.
        if !func.block.stmts.is_empty() {
            errors.spanned(
                &func.block,
                "with `#[does]`, the body must be empty (`{}`): the node runs the function given \
                 to `#[does]`",
            );
        }
        let args = func.sig.inputs.iter().filter_map(|arg| match arg {
            syn::FnArg::Typed(t) => match &*t.pat {
                syn::Pat::Ident(p) => Some(p.ident.clone()),
                _ => None,
            },
            syn::FnArg::Receiver(_) => None,
        });
        let args: Vec<syn::Ident> = args.collect();
        let span = target.span();
        *func.block = syn::parse_quote_spanned!(span=> { #target(#(#args),*) });
    }
    signature::check_signature(&func.sig, &mut errors);
    let params = signature::read_params(&mut func.sig, &mut errors);
    let output = signature::read_output(&func.sig, &mut errors);
    let name = node_name(&func, &node_args, &mut errors);

    if let (Some((span, _)), Some(_)) = (&meta.modifiers.parameterize, &node_args.name) {
        errors.push(syn::Error::new(
            *span,
            "`#[parameterize]` names its nodes itself: remove `name = ...` from `#[node]`",
        ));
    }
    if let (Some((_, _)), Some(extract)) =
        (&meta.modifiers.parameterize, &meta.modifiers.extract_columns)
    {
        errors.push(syn::Error::new(
            extract.span,
            "`#[extract_columns]` cannot be combined with `#[parameterize]`: every output would \
             make nodes of the same column names; extract the columns of each output in a \
             function of its own",
        ));
    }
    if let Some(fields) = &meta.modifiers.fields {
        let other = if meta.modifiers.parameterize.is_some() {
            Some("#[parameterize]")
        } else if meta.modifiers.extract_columns.is_some() {
            Some("#[extract_columns]")
        } else {
            None
        };
        if let Some(other) = other {
            errors.push(syn::Error::new(
                fields.span,
                format!("`#[{}]` cannot be combined with `{other}`", fields.attr),
            ));
        }
        if let (Some(output), "unpack_fields") = (&output, fields.attr) {
            match &output.ty {
                syn::Type::Tuple(t) if t.elems.len() == fields.nodes.len() => {}
                syn::Type::Tuple(t) => errors.spanned(
                    &output.ty,
                    format!(
                        "`#[unpack_fields]` names {} fields, but this tuple has {} elements; \
                         name one node per element",
                        fields.nodes.len(),
                        t.elems.len()
                    ),
                ),
                other => errors.spanned(
                    other,
                    "`#[unpack_fields]` needs a tuple return type, such as `(i64, String)`",
                ),
            }
        }
    }
    let fn_name = func.sig.ident.unraw().to_string();
    let planned = match &name {
        Some(name) => {
            modifiers::plan(&meta.modifiers, name, &fn_name, &meta.doc, &params, &mut errors)
        }
        None => Vec::new(),
    };
    let mut made: Vec<String> = planned.iter().map(|p| p.name.clone()).collect();
    if let Some(extract) = &meta.modifiers.extract_columns {
        made.extend(extract.columns.iter().map(|(c, _)| c.clone()));
    }
    if let Some(fields) = &meta.modifiers.fields {
        made.extend(fields.nodes.iter().map(|(i, _)| i.unraw().to_string()));
    }
    if !made.is_empty() {
        for (node, span, _) in &meta.modifiers.tag_outputs {
            if !made.contains(node) {
                errors.push(syn::Error::new(
                    *span,
                    format!(
                        "`{fn_name}` makes no node `{node}`; it makes {}",
                        made.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", ")
                    ),
                ));
            }
        }
    }
    if !meta.validators.is_empty() {
        if meta.modifiers.parameterize.is_none() && meta.modifiers.inject.is_empty() {
            if let Some(name) = &name {
                check_raw_parameter(&func, name, &mut errors);
            }
        } else {
            for p in &planned {
                check_raw_dependency(p, &params, &mut errors);
            }
        }
    }
    let m = &meta.modifiers;
    let modified = m.parameterize.is_some()
        || !m.inject.is_empty()
        || m.extract_columns.is_some()
        || m.fields.is_some()
        || m.does.is_some();
    if let Some(token) = &func.sig.asyncness
        && modified
    {
        errors.spanned(
            token,
            "an `async fn` node cannot use a function modifier (`#[parameterize]`, `#[inject]`, \
             `#[extract_columns]`, `#[extract_fields]`, `#[unpack_fields]`, `#[does]`) yet: make \
             the node a plain `fn`, or compute the value in an async node and transform it in a \
             plain one",
        );
    }
    if fn_name.contains("__") {
        func.attrs.push(syn::parse_quote!(#[allow(non_snake_case)]));
    }
    let makes_several = planned.len() > 1
        || meta.modifiers.extract_columns.is_some()
        || meta.modifiers.fields.is_some();
    if let Some(span) = materializers.first_span()
        && makes_several
    {
        errors.push(syn::Error::new(
            span,
            "`#[load_from]` / `#[save_to]` apply to a function that makes one node; this one \
             makes several (a modifier): load or save in a function of its own",
        ));
    }
    match (errors.is_empty(), &output, &name) {
        (true, Some(output), Some(name)) if !planned.is_empty() => {
            let registration = registration(&func, &planned, &meta, &params, output);
            let io = crate::materializers::expand(&materializers, &fn_name, name, &params, output);
            quote!(#func #registration #io)
        }
        _ => {
            let errors = errors.into_tokens();
            quote!(#func #errors)
        }
    }
}

/// With validators, a generated node `x` must not depend on `x_raw` (its own unvalidated value).
fn check_raw_dependency(planned: &Planned<'_>, params: &[Param], errors: &mut Errors) {
    let raw = format!("{}_raw", planned.name);
    for (p, b) in params.iter().zip(&planned.bindings) {
        let source = |b: &Binding| match b {
            Binding::Source { name, span } if *name == raw => Some(*span),
            _ => None,
        };
        let depends = match b {
            None => (p.name == raw).then(Span::call_site),
            Some(Binding::Group { items, .. }) => items.iter().find_map(source),
            Some(b) => source(b),
        };
        if let Some(span) = depends {
            errors.push(syn::Error::new(
                span,
                format!(
                    "with `#[check_output]`, the node `{raw}` is the unvalidated value of `{}`, \
                     so depending on it would be a cycle; bind parameter `{}` to another node",
                    planned.name, p.name
                ),
            ));
        }
    }
}

/// A validated node `x` is split into `x_raw` (the function) and `x`; a parameter named `x_raw`
/// would make the function depend on itself.
fn check_raw_parameter(func: &ItemFn, name: &str, errors: &mut Errors) {
    let raw = format!("{name}_raw");
    for input in &func.sig.inputs {
        if let syn::FnArg::Typed(arg) = input
            && let syn::Pat::Ident(p) = &*arg.pat
            && p.ident.unraw() == raw
        {
            errors.spanned(
                &p.ident,
                format!(
                    "with `#[check_output]`, this function's own value is the node `{raw}` (and \
                     `{name}` the validated value), so a parameter `{raw}` would depend on \
                     itself; rename the parameter, or the node with `#[node(name = \"...\")]`"
                ),
            );
        }
    }
}

/// An item's keyword and name (`struct Foo`), to point at without covering its body.
fn item_head(item: &Item) -> TokenStream {
    match item {
        Item::Struct(s) => pair(&s.struct_token, &s.ident),
        Item::Enum(e) => pair(&e.enum_token, &e.ident),
        Item::Union(u) => pair(&u.union_token, &u.ident),
        Item::Const(c) => pair(&c.const_token, &c.ident),
        Item::Static(s) => pair(&s.static_token, &s.ident),
        Item::Mod(m) => pair(&m.mod_token, &m.ident),
        Item::Trait(t) => pair(&t.trait_token, &t.ident),
        Item::Type(t) => pair(&t.type_token, &t.ident),
        Item::Impl(i) => i.impl_token.to_token_stream(),
        Item::Use(u) => u.use_token.to_token_stream(),
        other => other.to_token_stream().into_iter().take(1).collect(),
    }
}

fn pair(a: &impl ToTokens, b: &impl ToTokens) -> TokenStream {
    quote!(#a #b)
}

/// The error for `#[node]` on something other than a function; constants get the function to
/// write instead.
const NOT_A_FUNCTION: &str =
    "`#[node]` applies to functions: the function's name is the value it computes";

fn not_a_function(item: &Item) -> String {
    let rule = NOT_A_FUNCTION;
    let constant = match item {
        Item::Const(c) => Some((&c.ident, &c.ty)),
        Item::Static(s) => Some((&s.ident, &s.ty)),
        _ => None,
    };
    match constant {
        Some((ident, ty)) => format!(
            "{rule}; write this value as a function without parameters: `fn {}() -> {} {{ ... }}`",
            ident.unraw().to_string().to_lowercase(),
            signature::spell(ty),
        ),
        None => format!("{rule}, its parameters name the values it needs"),
    }
}

/// The node name: `#[node(name)]`, or the function name cut before its last `__`.
fn node_name(func: &ItemFn, args: &NodeArgs, errors: &mut Errors) -> Option<String> {
    if let Some(name) = &args.name {
        return Some(name.clone());
    }
    let fn_name = func.sig.ident.unraw().to_string();
    match fn_name.rfind("__") {
        Some(0) => {
            errors.spanned(
                &func.sig.ident,
                "this name leaves no node name before `__`; rename it or use `#[node(name = \"...\")]`",
            );
            None
        }
        Some(cut) if !fn_name.ends_with("__") => Some(fn_name[..cut].to_string()),
        _ => Some(fn_name),
    }
}

fn str_lit(s: &str) -> TokenStream {
    quote!(__h::Cow::Borrowed(#s))
}

fn registration(
    func: &ItemFn,
    planned: &[Planned<'_>],
    meta: &Metadata,
    params: &[Param],
    output: &Output,
) -> TokenStream {
    let fn_ident = &func.sig.ident;
    let fn_name = fn_ident.unraw().to_string();
    let line = fn_ident.span().start().line as u32;
    let line =
        if line == 0 { quote_spanned!(fn_ident.span()=> ::core::line!()) } else { quote!(#line) };
    let version = {
        let sig = &func.sig;
        let block = &func.block;
        code_version(quote!(#sig #block))
    };
    let alias = node_alias(fn_ident);

    let tags = meta.tags.iter().map(|(k, v)| {
        let (k, v) = (str_lit(k), str_lit(v));
        quote!(__h::Tag { key: #k, value: #v })
    });
    let n_tags = meta.tags.len();
    let conditions = meta.conditions.iter().map(|c| {
        let key = str_lit(&c.key);
        let kind = match c.kind {
            CondKind::When => quote!(When),
            CondKind::WhenNot => quote!(WhenNot),
            CondKind::WhenIn => quote!(WhenIn),
        };
        let values = c.values.iter().map(|v| str_lit(v));
        quote! {
            __h::Condition {
                key: #key,
                kind: __h::ConditionKind::#kind,
                values: __h::Cow::Borrowed(&[#(#values),*]),
            }
        }
    });
    let n_conditions = meta.conditions.len();
    // Empty lists need no static of their own (fewer items per node: faster compiles).
    let (tags_static, shared_tags_ref) =
        static_list(quote!(__HAMILTON_TAGS), quote!(__h::Tag), n_tags, quote!(#(#tags),*));
    // A node named in `#[tag_outputs]` gets its own list: the shared tags, its own replacing
    // those of the same key.
    let node_tags = |node: &str| -> (TokenStream, TokenStream) {
        let Some((_, _, own)) = meta.modifiers.tag_outputs.iter().find(|(n, _, _)| n == node)
        else {
            return (quote!(), shared_tags_ref.clone());
        };
        let mut all: Vec<(String, String)> =
            meta.tags.iter().filter(|(k, _)| !own.iter().any(|(o, _)| o == k)).cloned().collect();
        all.extend(own.iter().cloned());
        let items = all.iter().map(|(k, v)| {
            let (k, v) = (str_lit(k), str_lit(v));
            quote!(__h::Tag { key: #k, value: #v })
        });
        static_list(quote!(__HAMILTON_NODE_TAGS), quote!(__h::Tag), all.len(), quote!(#(#items),*))
    };
    let (conditions_static, conditions_ref) = static_list(
        quote!(__HAMILTON_CONDITIONS),
        quote!(__h::Condition),
        n_conditions,
        quote!(#(#conditions),*),
    );
    let out_ty = &output.ty;
    let (validator_fns, validator_specs) = validators(meta, out_ty);
    let (validators_static, validators_ref) = static_list(
        quote!(__HAMILTON_VALIDATORS),
        quote!(__h::ValidatorSpec),
        meta.validators.len(),
        quote!(#(#validator_specs),*),
    );
    let out_spelled = signature::spell(out_ty);
    let expand = match &output.item {
        Some(item) => {
            let item_spelled = signature::spell(item);
            quote!(::core::option::Option::Some(__h::ExpandSpec::of::<#item>(#item_spelled)))
        }
        None => quote!(::core::option::Option::None),
    };
    let fallible = output.fallible;
    let default_variant = meta.default_variant;

    let nodes = planned.iter().map(|node| {
        let name = &node.name;
        let doc = match &node.doc {
            Some(text) => text.to_token_stream(),
            None => meta.doc.clone(),
        };
        let (own_tags, tags_ref) = node_tags(name);
        let (shim, call) = match &func.sig.asyncness {
            Some(token) => (async_shim(&alias, token, params, output), quote!(Async)),
            None => (shim(&alias, params, &node.bindings, output), quote!(Fn)),
        };
        let param_specs = param_specs(params, &node.bindings);
        let n_params = param_specs.len();
        let (params_static, params_ref) = static_list(
            quote!(__HAMILTON_PARAMS),
            quote!(__h::ParamSpec),
            n_params,
            quote!(#(#param_specs),*),
        );
        quote! {
            const _: () = {
                #shim
                #own_tags
                #params_static
                static __HAMILTON_SPEC: __h::NodeSpec = __h::NodeSpec {
                    name: __h::Cow::Borrowed(#name),
                    function: __h::Cow::Borrowed(#fn_name),
                    module: __h::Cow::Borrowed(::core::module_path!()),
                    file: __h::Cow::Borrowed(::core::file!()),
                    line: #line,
                    doc: __h::Cow::Borrowed(#doc),
                    tags: __h::Cow::Borrowed(#tags_ref),
                    conditions: __h::Cow::Borrowed(#conditions_ref),
                    default_variant: #default_variant,
                    params: __h::Cow::Borrowed(#params_ref),
                    output: __h::TypeSpec::of::<#out_ty>(#out_spelled),
                    fallible: #fallible,
                    code_version: #version,
                    call: __h::Call::#call(__hamilton_shim),
                    validators: __h::Cow::Borrowed(#validators_ref),
                    expand: #expand,
                };
                __h::inventory::submit! { __h::Registration(&__HAMILTON_SPEC) }
            };
        }
    });

    let columns = meta.modifiers.extract_columns.as_ref().map(|extract| {
        let frame = &planned[0].name;
        let (first, _) = first_last(out_ty);
        // The frame must be a polars `DataFrame`: checked at the return type.
        let check = quote_spanned! {first=>
            fn __hamilton_frame_check(v: &#out_ty) -> &__h::DataFrame { v }
        };
        let nodes = extract.columns.iter().map(|(column, _)| {
            let call = match &extract.fill_with {
                Some(fill) => {
                    quote_spanned!(fill.span()=> __h::extract_column_or(__args, #column, #fill))
                }
                None => quote!(__h::extract_column(__args, #frame, #column)),
            };
            let doc = format!("Column `{column}` of `{frame}`.");
            let (own_tags, tags_ref) = node_tags(column);
            quote! {
                const _: () = {
                    #own_tags
                    fn __hamilton_shim(__args: &mut __h::Args<'_>) -> __h::CallResult { #call }
                    static __HAMILTON_PARAMS: [__h::ParamSpec; 1] = [__h::ParamSpec {
                        name: __h::Cow::Borrowed(#frame),
                        ty: __h::TypeSpec::of::<__h::DataFrame>("DataFrame"),
                        spelled: "&DataFrame",
                        kind: __h::ParamKind::Ref,
                        has_default: false,
                    }];
                    static __HAMILTON_SPEC: __h::NodeSpec = __h::NodeSpec {
                        name: __h::Cow::Borrowed(#column),
                        function: __h::Cow::Borrowed(#fn_name),
                        module: __h::Cow::Borrowed(::core::module_path!()),
                        file: __h::Cow::Borrowed(::core::file!()),
                        line: #line,
                        doc: __h::Cow::Borrowed(#doc),
                        tags: __h::Cow::Borrowed(#tags_ref),
                        conditions: __h::Cow::Borrowed(#conditions_ref),
                        default_variant: #default_variant,
                        params: __h::Cow::Borrowed(&__HAMILTON_PARAMS),
                        output: __h::TypeSpec::of::<__h::Series>("Series"),
                        fallible: true,
                        code_version: #version,
                        call: __h::Call::Fn(__hamilton_shim),
                        validators: __h::Cow::Borrowed(&[]),
                        expand: ::core::option::Option::None,
                    };
                    __h::inventory::submit! { __h::Registration(&__HAMILTON_SPEC) }
                };
            }
        });
        quote!(#check #(#nodes)*)
    });

    let fields = meta.modifiers.fields.as_ref().map(|fields| {
        let base = &planned[0].name;
        let base_spelled = signature::spell(out_ty);
        let nodes = fields.nodes.iter().enumerate().map(|(i, (ident, declared))| {
            let field = ident.unraw().to_string();
            let (ty, access): (syn::Type, TokenStream) = match (declared, out_ty) {
                (Some(ty), _) => (ty.clone(), quote!(#ident)),
                (None, syn::Type::Tuple(t)) => {
                    let index = syn::Index::from(i);
                    (t.elems[i].clone(), quote!(#index))
                }
                (None, other) => (other.clone(), quote!(0)),
            };
            let ty_spelled = short_spelling(&ty);
            // Typed as declared, spanned on the declaration: a field of another type, or one
            // that is not `Clone`, is reported there.
            let take = quote_spanned! {ident.span()=>
                let __f: #ty = __v.#access.clone();
            };
            let doc = format!("Field `{field}` of `{base}`.");
            let (own_tags, tags_ref) = node_tags(&field);
            quote! {
                const _: () = {
                    #own_tags
                    fn __hamilton_shim(__args: &mut __h::Args<'_>) -> __h::CallResult {
                        let __v: &#out_ty = __args.get::<#out_ty>(0)?;
                        #take
                        ::core::result::Result::Ok(__h::Value::new(__f))
                    }
                    static __HAMILTON_PARAMS: [__h::ParamSpec; 1] = [__h::ParamSpec {
                        name: __h::Cow::Borrowed(#base),
                        ty: __h::TypeSpec::of::<#out_ty>(#base_spelled),
                        spelled: #base_spelled,
                        kind: __h::ParamKind::Ref,
                        has_default: false,
                    }];
                    static __HAMILTON_SPEC: __h::NodeSpec = __h::NodeSpec {
                        name: __h::Cow::Borrowed(#field),
                        function: __h::Cow::Borrowed(#fn_name),
                        module: __h::Cow::Borrowed(::core::module_path!()),
                        file: __h::Cow::Borrowed(::core::file!()),
                        line: #line,
                        doc: __h::Cow::Borrowed(#doc),
                        tags: __h::Cow::Borrowed(#tags_ref),
                        conditions: __h::Cow::Borrowed(#conditions_ref),
                        default_variant: #default_variant,
                        params: __h::Cow::Borrowed(&__HAMILTON_PARAMS),
                        output: __h::TypeSpec::of::<#ty>(#ty_spelled),
                        fallible: false,
                        code_version: #version,
                        call: __h::Call::Fn(__hamilton_shim),
                        validators: __h::Cow::Borrowed(&[]),
                        expand: ::core::option::Option::None,
                    };
                    __h::inventory::submit! { __h::Registration(&__HAMILTON_SPEC) }
                };
            }
        });
        quote!(#(#nodes)*)
    });

    // The function is imported under a fixed alias in an outer block, so that no generated item
    // of the inner blocks shadows it, whatever the user named it (even `__hamilton_shim`). The
    // tags, conditions and validators are shared by every node the function becomes.
    let cfgs = func.attrs.iter().filter(|a| a.path().is_ident("cfg"));
    quote! {
        #[doc(hidden)]
        #[allow(non_upper_case_globals, non_snake_case, deprecated, clippy::all)]
        #(#cfgs)*
        const _: () = {
            use #fn_ident as #alias;
            const _: () = {
                use ::hamilton_core::__private as __h;
                #tags_static
                #conditions_static
                #validator_fns
                #validators_static
                #(#nodes)*
                #columns
                #fields
            };
        };
    }
}

/// The `ParamSpec`s of one generated node: a parameter bound to `value(..)` has none, one bound
/// to `source(..)` depends on that node, a `group(..)` has one per source it gathers.
fn param_specs(params: &[Param], bindings: &[Option<&Binding>]) -> Vec<TokenStream> {
    let mut specs = Vec::new();
    for (p, b) in params.iter().zip(bindings) {
        let vt = &p.value_ty;
        let vt_spelled = short_spelling(vt);
        let spelled = signature::spell(&p.ty);
        let kind = p.kind.variant();
        let has_default = p.default.is_some();
        let spec = |name: &str| {
            quote! {
                __h::ParamSpec {
                    name: __h::Cow::Borrowed(#name),
                    ty: __h::TypeSpec::of::<#vt>(#vt_spelled),
                    spelled: #spelled,
                    kind: __h::ParamKind::#kind,
                    has_default: #has_default,
                }
            }
        };
        match b {
            None => specs.push(spec(&p.name)),
            Some(Binding::Source { name, .. }) => specs.push(spec(name)),
            Some(Binding::Value { .. }) => {}
            Some(Binding::Group { items, .. }) => {
                let Some(elem) = modifiers::vec_elem(p) else { continue };
                let elem_spelled = short_spelling(elem);
                let spelled = signature::spell(elem);
                for item in items {
                    if let Binding::Source { name, .. } = item {
                        specs.push(quote! {
                            __h::ParamSpec {
                                name: __h::Cow::Borrowed(#name),
                                ty: __h::TypeSpec::of::<#elem>(#elem_spelled),
                                spelled: #spelled,
                                kind: __h::ParamKind::Owned,
                                has_default: false,
                            }
                        });
                    }
                }
            }
        }
    }
    specs
}

/// A type's spelling without the `std::string::` / `std::vec::` paths.
fn short_spelling(ty: &syn::Type) -> String {
    let spelled = signature::spell(ty);
    spelled.trim_start_matches("::std::string::").trim_start_matches("::std::vec::").to_string()
}

/// The name the generated code calls the node function by (spanned on the function's name).
fn node_alias(fn_ident: &syn::Ident) -> syn::Ident {
    let span = fn_ident.span();
    if fn_ident.unraw() == "__hamilton_node" {
        format_ident!("__hamilton_node_fn", span = span)
    } else {
        format_ident!("__hamilton_node", span = span)
    }
}

/// Per validator: a function returning its instance (built once, on first use) and its call;
/// and the `ValidatorSpec` items. The instance is boxed as `dyn Validator<Output>` by a call
/// spanned on the attribute argument, so a validator that does not apply to the output type is
/// reported there.
fn validators(meta: &Metadata, out: &syn::Type) -> (TokenStream, Vec<TokenStream>) {
    let mut fns = Vec::new();
    let mut specs = Vec::new();
    for (i, v) in meta.validators.iter().enumerate() {
        let instance = format_ident!("__hamilton_validator_{}", i);
        let call = format_ident!("__hamilton_validate_{}", i);
        let expr = &v.expr;
        let boxed = quote_spanned!(v.span=> __h::boxed_validator::<#out, _>(#expr));
        let importance = if v.fail { quote!(Fail) } else { quote!(Warn) };
        fns.push(quote! {
            fn #instance() -> &'static dyn __h::Validator<#out> {
                static INSTANCE: __h::LazyLock<::std::boxed::Box<dyn __h::Validator<#out>>> =
                    __h::LazyLock::new(|| #boxed);
                &**INSTANCE
            }
            fn #call(__args: &mut __h::Args<'_>) -> __h::CallResult {
                __h::run_validator::<#out>(#instance(), __h::Importance::#importance, __args)
            }
        });
        specs.push(quote! {
            __h::ValidatorSpec {
                name: || #instance().name(),
                description: || #instance().description(),
                check_arguments: || #instance().check_arguments(),
                importance: __h::Importance::#importance,
                call: __h::Call::Fn(#call),
            }
        });
    }
    (quote!(#(#fns)*), specs)
}

/// A `static NAME: [ty; n] = [items]` and a reference to it, or nothing and `&[]` when `n` is 0.
fn static_list(
    name: TokenStream,
    ty: TokenStream,
    n: usize,
    items: TokenStream,
) -> (TokenStream, TokenStream) {
    if n == 0 {
        (quote!(), quote!(&[]))
    } else {
        (quote!(static #name: [#ty; #n] = [#items];), quote!(&#name))
    }
}

/// The type-erased call: checks the types (see [`checks`]), takes by-value and `Arc` arguments
/// first (they need `&mut`), then borrows the rest, calls the function and wraps its value.
/// Parameters bound to `value(..)` are the expression itself, `group(..)` a `Vec` of its items;
/// the others read the argument at their position among the node's dependencies.
fn shim(
    fn_ident: &syn::Ident,
    params: &[Param],
    bindings: &[Option<&Binding>],
    output: &Output,
) -> TokenStream {
    let deps: Vec<(usize, &Param)> = params
        .iter()
        .enumerate()
        .zip(bindings)
        .filter(|(_, b)| matches!(b, None | Some(Binding::Source { .. })))
        .map(|(p, _)| p)
        .collect();
    let checks = checks(&deps, output);
    let mut owned = Vec::new();
    let mut borrowed = Vec::new();
    let mut names = Vec::new();
    let mut next_spec = 0usize;
    for (i, (p, binding)) in params.iter().zip(bindings).enumerate() {
        let var = format_ident!("__p{}", i);
        let form = format_ident!("__f{}", i);
        let ty = &p.ty;
        names.push(var.clone());
        match binding {
            Some(Binding::Value { expr }) => {
                // Spanned on the expression: a value of the wrong type is reported there.
                let span = expr.span();
                let slot = format_ident!("__d{}", i, span = span);
                if p.kind == Kind::Ref {
                    borrowed
                        .push(quote_spanned!(span=> let #slot = #expr; let #var: #ty = &#slot;));
                } else {
                    owned.push(quote_spanned!(span=> let #var: #ty = #expr;));
                }
                continue;
            }
            Some(Binding::Group { items, .. }) => {
                let Some(elem) = modifiers::vec_elem(p) else { continue };
                let slot = format_ident!("__d{}", i);
                let values = items.iter().map(|item| match item {
                    Binding::Value { expr } => {
                        quote_spanned!(expr.span()=> { let __v: #elem = #expr; __v })
                    }
                    _ => {
                        let j = next_spec;
                        next_spec += 1;
                        quote!(__args.owned::<#elem>(#j)?)
                    }
                });
                let values: Vec<TokenStream> = values.collect();
                owned.push(quote!(let #slot: ::std::vec::Vec<#elem> = ::std::vec![#(#values),*];));
                if p.kind == Kind::Ref {
                    borrowed.push(quote!(let #var: #ty = &#slot;));
                } else {
                    owned.push(quote!(let #var: #ty = #slot;));
                }
                continue;
            }
            _ => {}
        }
        let j = next_spec;
        next_spec += 1;
        let default = p.default.as_ref();
        // `Option` and `Arc` parameters are built through `__h::std_option` / `__h::std_arc`,
        // spanned on the parameter's type: a type of the user's own that shadows the name is
        // reported there, once.
        let option = |value: TokenStream| std_option(ty, value);
        let arc = std_arc;
        let (some, none) =
            (quote!(::core::option::Option::Some), quote!(::core::option::Option::None));
        match (p.kind, default) {
            (Kind::Owned, None) => owned.push(quote!(let #var: #ty = #form.owned(__args, #j)?;)),
            (Kind::Owned, Some(d)) => owned.push(quote! {
                let #var: #ty = match #form.owned_opt(__args, #j)? { #some(v) => v, #none => #d };
            }),
            (Kind::Arc, None) => {
                let value = arc(ty, quote!(#form.arc(__args, #j)?));
                owned.push(quote!(let #var: #ty = #value;))
            }
            (Kind::Arc, Some(d)) => {
                let value = arc(ty, quote!(v));
                owned.push(quote! {
                    let #var: #ty = match #form.arc_opt(__args, #j)? { #some(v) => #value, #none => #d };
                })
            }
            (Kind::OptionOwned, _) => {
                let value = option(quote!(#form.owned_opt(__args, #j)?));
                owned.push(quote!(let #var: #ty = #value;))
            }
            (Kind::OptionArc, _) => {
                let arc_ty = signature::option_inner(ty).unwrap_or(ty);
                let each = arc(arc_ty, quote!(v));
                let value = option(quote! {
                    match #form.arc_opt(__args, #j)? { #some(v) => #some(#each), #none => #none }
                });
                owned.push(quote!(let #var: #ty = #value;))
            }
            (Kind::Ref, None) => borrowed.push(quote!(let #var: #ty = #form.get(__args, #j)?;)),
            (Kind::Ref, Some(d)) => {
                // Borrowed as the parameter's type, spanned on the expression: a default of the
                // wrong type is reported there.
                let slot = format_ident!("__d{}", i, span = d.span());
                let borrow = quote_spanned!(d.span()=> { #slot = #d; &#slot });
                borrowed.push(quote! {
                    let #slot;
                    let #var: #ty = match #form.get_opt(__args, #j)? {
                        #some(v) => v,
                        #none => #borrow,
                    };
                })
            }
            (Kind::OptionRef, _) => {
                // Re-wrapped as `Option<&T>` as written, so that `&String` coerces to `&str` (and
                // `&Vec<T>` to `&[T]`).
                let reference = signature::option_inner(ty).unwrap_or(ty);
                let value = option(quote! {{
                    let v: ::core::option::Option<#reference> =
                        match #form.get_opt(__args, #j)? { #some(v) => #some(v), #none => #none };
                    v
                }});
                borrowed.push(quote!(let #var: #ty = #value;))
            }
            (Kind::Collect, _) => {
                let value = hamilton_collect(ty, quote!(#form.collect(__args, #i)?));
                owned.push(quote!(let #var: #ty = #value;))
            }
        }
    }
    // The error type is named explicitly so that a failed bound of `wrap_result` lands on the
    // user's type, where the friendlier check already reported it.
    let wrap = match error_type(output) {
        Some(e) => quote!(__fo.wrap_result::<#e>),
        None => quote!(__fo.wrap),
    };
    let alias_error = alias_error(output);
    let reborrow =
        if borrowed.is_empty() { quote!() } else { quote!(let __args: &__h::Args<'_> = &*__args;) };
    quote! {
        #[allow(unused_variables, unused_mut, clippy::all)]
        fn __hamilton_shim(__args: &mut __h::Args<'_>) -> __h::CallResult {
            #alias_error
            #checks
            #(#owned)*
            #reborrow
            #(#borrowed)*
            #wrap(#fn_ident(#(#names),*))
        }
    }
}

/// `{ let __v = value; __h::std_option::<ty, _>(__v) }`, spanned on the parameter's type `ty`:
/// a type of the user's own that shadows `Option` is reported there, once.
fn std_option(ty: &syn::Type, value: TokenStream) -> TokenStream {
    through(quote!(std_option), ty, value)
}

/// As [`std_option`], for an `Arc` spelled `arc_ty` (through `__h::std_arc`).
fn std_arc(arc_ty: &syn::Type, value: TokenStream) -> TokenStream {
    through(quote!(std_arc), arc_ty, value)
}

/// As [`std_option`], for a `Collect<T>` parameter (through `__h::hamilton_collect`): a type of
/// the user's own named `Collect` is reported at the parameter's type, once.
fn hamilton_collect(ty: &syn::Type, value: TokenStream) -> TokenStream {
    through(quote!(hamilton_collect), ty, value)
}

/// `{ let __v = value; __h::helper::<ty, _>(__v) }`, with the call spanned on `ty`.
fn through(helper: TokenStream, ty: &syn::Type, value: TokenStream) -> TokenStream {
    let (first, last) = first_last(ty);
    let v = format_ident!("__v", span = first);
    let open = quote_spanned!(first=> __h::#helper::<);
    let close = quote_spanned!(last=> , _>(#v));
    quote!({ let #v = #value; #open #ty #close })
}

/// The shim of an `async fn` node (DESIGN §7): takes every argument out of `Args` through its
/// form as an owned value (`Arc<T>` for `&T` and `Option<&T>`), moves them into the future it
/// returns, and only inside that future borrows the `&T` parameters from the `Arc`s it owns. The
/// future is `'static` and runs on any thread of the runtime. Same checks, forms and fully
/// qualified paths as [`shim`]: a type that cannot be a value gets one error.
fn async_shim(
    fn_ident: &syn::Ident,
    asyncness: &syn::token::Async,
    params: &[Param],
    output: &Output,
) -> TokenStream {
    let indexed: Vec<(usize, &Param)> = params.iter().enumerate().collect();
    let checks = checks(&indexed, output);
    // In a function of its own: an error in the shim's body would hide the others there.
    let feature = quote_spanned!(asyncness.span=> fn __hamilton_async_feature() {
        __h::require_async_feature::<()>();
    });
    let mut taken = Vec::new();
    let mut borrowed = Vec::new();
    let mut names = Vec::new();
    let mut names_taken = Vec::new();
    let (some, none) = (quote!(::core::option::Option::Some), quote!(::core::option::Option::None));
    for (i, p) in params.iter().enumerate() {
        let var = format_ident!("__p{}", i);
        let held = format_ident!("__a{}", i);
        let form = format_ident!("__f{}", i);
        let by_ref = matches!(p.kind, Kind::Ref | Kind::OptionRef);
        names_taken.push(if by_ref { held.clone() } else { var.clone() });
        let ty = &p.ty;
        let default = p.default.as_ref();
        names.push(var.clone());
        match (p.kind, default) {
            (Kind::Owned, None) => taken.push(quote!(let #var: #ty = #form.owned(__args, #i)?;)),
            (Kind::Owned, Some(d)) => taken.push(quote! {
                let #var: #ty = match #form.owned_opt(__args, #i)? { #some(v) => v, #none => #d };
            }),
            (Kind::Arc, None) => {
                let value = std_arc(ty, quote!(#form.arc(__args, #i)?));
                taken.push(quote!(let #var: #ty = #value;))
            }
            (Kind::Arc, Some(d)) => {
                let value = std_arc(ty, quote!(v));
                taken.push(quote! {
                    let #var: #ty = match #form.arc_opt(__args, #i)? { #some(v) => #value, #none => #d };
                })
            }
            (Kind::OptionOwned, _) => {
                let value = std_option(ty, quote!(#form.owned_opt(__args, #i)?));
                taken.push(quote!(let #var: #ty = #value;))
            }
            (Kind::OptionArc, _) => {
                let arc_ty = signature::option_inner(ty).unwrap_or(ty);
                let each = std_arc(arc_ty, quote!(v));
                let value = std_option(
                    ty,
                    quote! {
                        match #form.arc_opt(__args, #i)? { #some(v) => #some(#each), #none => #none }
                    },
                );
                taken.push(quote!(let #var: #ty = #value;))
            }
            (Kind::Ref, None) => {
                taken.push(quote!(let #held = #form.arc(__args, #i)?;));
                borrowed.push(quote!(let #var: #ty = &*#held;));
            }
            (Kind::Ref, Some(d)) => {
                // Borrowed as the parameter's type, spanned on the expression: a default of the
                // wrong type is reported there.
                let slot = format_ident!("__d{}", i, span = d.span());
                let borrow = quote_spanned!(d.span()=> { #slot = #d; &#slot });
                taken.push(quote!(let #held = #form.arc_opt(__args, #i)?;));
                borrowed.push(quote! {
                    let #slot;
                    let #var: #ty = match &#held {
                        #some(v) => &**v,
                        #none => #borrow,
                    };
                });
            }
            (Kind::OptionRef, _) => {
                // Re-wrapped as `Option<&T>` as written, so that `&String` coerces to `&str`.
                taken.push(quote!(let #held = #form.arc_opt(__args, #i)?;));
                let reference = signature::option_inner(ty).unwrap_or(ty);
                let value = std_option(
                    ty,
                    quote! {{
                        let v: ::core::option::Option<#reference> =
                            match &#held { #some(v) => #some(&**v), #none => #none };
                        v
                    }},
                );
                borrowed.push(quote!(let #var: #ty = #value;));
            }
            (Kind::Collect, _) => {
                let value = hamilton_collect(ty, quote!(#form.collect(__args, #i)?));
                taken.push(quote!(let #var: #ty = #value;));
            }
        }
    }
    let wrap = match error_type(output) {
        Some(e) => quote!(__fo.wrap_result::<#e>),
        None => quote!(__fo.wrap),
    };
    let alias_error = alias_error(output);
    // Spanned on `async`: a future that is not `Send` is reported there, with the value held
    // across an `.await` that makes it so.
    let future = quote_spanned!(asyncness.span=> __h::boxed_future(async move {
        let (#(#names_taken,)*) = __taken?;
        #(#borrowed)*
        #wrap(#fn_ident(#(#names),*).await)
    }));
    quote! {
        #feature
        #[allow(unused_variables, unused_mut, clippy::all)]
        fn __hamilton_shim(__args: &mut __h::Args<'_>) -> __h::NodeFuture {
            #alias_error
            #checks
            let __taken = (|| -> ::core::result::Result<_, __h::NodeError> {
                #(#taken)*
                ::core::result::Result::Ok((#(#names_taken,)*))
            })();
            #future
        }
    }
}

/// Names the error type of a `Result` alias (`io::Result<T>`), whose `E` is not written.
fn alias_error(output: &Output) -> Option<TokenStream> {
    (output.fallible && output.error_ty.is_none()).then(|| {
        quote! {
            #[diagnostic::on_unimplemented(
                message = "`{Self}` is read as a fallible return: a type named `Result` or `PolarsResult` must be an alias of `std::result::Result`",
                note = "for a value that is not a `std::result::Result`, use a type name other than `Result`"
            )]
            trait __HamiltonResult { type Error; }
            impl<T, E> __HamiltonResult for ::core::result::Result<T, E> { type Error = E; }
        }
    })
}

/// Compile-time checks on the user's types: values are `Send + Sync + 'static`, by-value
/// parameters are `Clone`, a fallible node's error converts into a boxed error.
///
/// Each value type gets its form (`__fo` for the output, `__fN` for parameter N) from a probe:
/// the accessors when the type qualifies, an inert form without bounds otherwise (see
/// `hamilton_core::__private::ValueProbe`). The checks name the type as the user wrote it
/// (rustc points at that type) and go through `#[diagnostic::on_unimplemented]` traits, whose
/// message explains the rule: one error per type, in our words, however deep the offending part
/// (`Vec<Rc<i64>>`).
fn checks(params: &[(usize, &Param)], output: &Output) -> TokenStream {
    let mut checks = vec![quote! {
        use __h::{OwnedMissing as _, OwnedNotClone as _, OwnedReady as _};
        use __h::{ValueMissing as _, ValueReady as _};
    }];
    let out = &output.ty;
    let check_out = check(out, "check_value", &format_ident!("__fo"));
    checks.push(quote!(let __fo = (&&__h::ValueProbe::<#out>::NEW).form(); #check_out));
    if let Some(e) = error_type(output) {
        checks.push(quote_spanned!(e.span()=> __h::require_error::<#e>();));
    }
    if let Some(item) = &output.item {
        // A return type spelled `Parallelizable<..>` must be hamilton's (spanned on the type).
        let (first, last) = first_last(out);
        let open = quote_spanned!(first=> __h::hamilton_parallelizable::<);
        let close = quote_spanned!(last=> , #item>());
        checks.push(quote!(#open #out #close;));
    }
    for &(i, p) in params {
        let vt = &p.value_ty;
        let form = format_ident!("__f{}", i);
        let value = check(vt, "check_value", &form);
        match p.kind {
            Kind::Owned | Kind::OptionOwned | Kind::Collect => {
                // The gathered values of a `Collect<T>` are taken by value, like a by-value
                // parameter's; its check says so in its own words.
                let clone_check =
                    if p.kind == Kind::Collect { "check_collect_item" } else { "check_clone" };
                let clone = check(vt, clone_check, &form);
                checks.push(
                    quote!(let #form = (&&&__h::OwnedProbe::<#vt>::NEW).form(); #value #clone),
                );
            }
            _ => checks.push(quote!(let #form = (&&__h::ValueProbe::<#vt>::NEW).form(); #value)),
        }
    }
    quote!(#(#checks)*)
}

/// `__h::<check>::<ty>(&form);`, spanned so that rustc underlines the whole type: an unmet
/// bound of the form is reported at the argument, `&form`, here spanning the type's first to last
/// token.
fn check(ty: &syn::Type, check: &str, form: &syn::Ident) -> TokenStream {
    let (first, last) = first_last(ty);
    let check = format_ident!("{}", check, span = first);
    let form = format_ident!("{}", form, span = last);
    let and = quote_spanned!(first=> &);
    let mut args = proc_macro2::Group::new(proc_macro2::Delimiter::Parenthesis, quote!(#and #form));
    args.set_span(last);
    let open = quote_spanned!(first=> __h::#check::<);
    let close = quote_spanned!(last=> >);
    quote!(#open #ty #close #args;)
}

/// The spans of the first and last tokens of `tokens`.
fn first_last(tokens: &impl ToTokens) -> (Span, Span) {
    let mut tokens = tokens.to_token_stream().into_iter();
    let first = tokens.next().map_or_else(Span::call_site, |t| t.span());
    let last = tokens.last().map_or(first, |t| t.span());
    (first, last)
}

/// The error type of a fallible node, as the user wrote it; for a `Result` alias without it,
/// `<Alias<T> as __HamiltonResult>::Error`, spanned on the alias so that errors point there.
fn error_type(output: &Output) -> Option<TokenStream> {
    if !output.fallible {
        return None;
    }
    if let Some(e) = &output.error_ty {
        return Some(e.to_token_stream());
    }
    let ret = &output.ret;
    let (first, last) = first_last(ret);
    let open = quote_spanned!(first=> <);
    let rest = quote_spanned!(last=> as __HamiltonResult>::Error);
    Some(quote!(#open #ret #rest))
}

/// A metadata attribute outside `#[node]`: an error at the attribute, and the item unchanged.
pub(crate) fn orphan(name: &str, _args: TokenStream, item: TokenStream) -> TokenStream {
    let has_node = syn::parse2::<Item>(item.clone()).ok().and_then(|item| match item {
        Item::Fn(f) => Some(
            f.attrs.iter().any(|a| a.path().segments.last().is_some_and(|s| s.ident == "node")),
        ),
        _ => None,
    });
    let message = if has_node == Some(true) {
        format!("`#[{name}]` must come below `#[node]`: `#[node]` reads the attributes under it")
    } else {
        format!("`#[{name}]` needs `#[node]` above it: it describes a node function")
    };
    let error = syn::Error::new(Span::call_site(), message).to_compile_error();
    quote!(#error #item)
}
