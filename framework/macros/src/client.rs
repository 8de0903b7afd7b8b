//! `#[mizan::client]`: parse the arguments and the function into a model, validate it
//! (collecting every error with its span), then emit the function unchanged plus a type of
//! the same name implementing `mizan::ServerFunction`.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Expr, ExprLit, FnArg, Ident, ItemFn, Lit, LitStr, Meta, Pat, Token, Type};

/// How the function is exposed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Call,
    GlobalContext,
    LocalContext,
}

/// Who may call the function.
#[derive(Debug, Clone)]
pub(crate) enum Auth {
    Anonymous,
    Authenticated,
    Staff,
    Superuser,
    Predicate(syn::Path),
}

/// The macro's arguments.
#[derive(Debug, Default)]
pub(crate) struct Options {
    pub(crate) name: Option<LitStr>,
    kind: Option<(Kind, Span)>,
    pub(crate) auth: Option<Auth>,
    pub(crate) invalidates: Option<Vec<LitStr>>,
    pub(crate) body_limit: Option<Expr>,
}

const ACCEPTED: &str = "`#[mizan::client]` accepts `name = \"...\"`, `context = \"global\" | \"local\"`, \
`auth = true | \"staff\" | \"superuser\" | path::to::predicate`, `invalidates = [\"key\", ...]` and `body_limit = <bytes>`";

/// One parameter of the function.
#[derive(Debug)]
enum Param {
    /// `ctx: &Ctx` (by reference) or `ctx: Ctx` (by value).
    Ctx { by_ref: bool },
    /// A named argument decoded from the JSON object, with the `validate`/`serde`/`schemars`
    /// attributes written on the parameter.
    Argument { name: Ident, ty: Box<Type>, attrs: Vec<syn::Attribute> },
}

/// Parameter attributes that belong to the generated arguments struct.
fn is_field_attribute(attr: &syn::Attribute) -> bool {
    ["validate", "serde", "schemars"].iter().any(|name| attr.path().is_ident(name))
}

/// Collects errors so that one compile shows all of them.
#[derive(Default)]
pub(crate) struct Errors(Option<syn::Error>);

impl Errors {
    pub(crate) fn push(&mut self, error: syn::Error) {
        match &mut self.0 {
            Some(existing) => existing.combine(error),
            None => self.0 = Some(error),
        }
    }

    pub(crate) fn finish(self) -> syn::Result<()> {
        self.0.map_or(Ok(()), Err)
    }
}

pub(crate) fn expand(attr: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let function: ItemFn = syn::parse2(item)?;
    let mut errors = Errors::default();
    let options = parse_options(attr, ACCEPTED, &mut errors);
    let params = parse_params(&function, &mut errors);
    validate(&function, &options, &params, &mut errors);
    errors.finish()?;
    Ok(emit(&function, &options, &params))
}

/// The options shared by `#[mizan::client]` and `#[mizan::form]`; `accepted` lists what the
/// macro at hand accepts, for the messages about unknown options.
pub(crate) fn parse_options(attr: TokenStream, accepted: &str, errors: &mut Errors) -> Options {
    let mut options = Options::default();
    let metas = match Punctuated::<Meta, Token![,]>::parse_terminated.parse2(attr) {
        Ok(metas) => metas,
        Err(error) => {
            errors.push(syn::Error::new(error.span(), format!("{error}; {accepted}")));
            return options;
        }
    };
    let mut seen = std::collections::HashSet::new();
    for meta in metas {
        let Some(key) = meta.path().get_ident().map(Ident::to_string) else {
            errors.push(syn::Error::new(meta.path().span(), accepted.to_owned()));
            continue;
        };
        let Meta::NameValue(pair) = &meta else {
            let message = match key.as_str() {
                "name" | "context" | "auth" | "invalidates" | "body_limit" => {
                    format!("`{key}` expects a value: `{key} = ...`")
                }
                _ => format!("unknown argument `{key}`; {accepted}"),
            };
            errors.push(syn::Error::new(meta.span(), message));
            continue;
        };
        if !seen.insert(key.clone()) && ["name", "context", "auth", "invalidates", "body_limit"].contains(&key.as_str())
        {
            errors.push(syn::Error::new(meta.span(), format!("duplicate argument `{key}`")));
            continue;
        }
        let value = &pair.value;
        match key.as_str() {
            "name" => match string(value) {
                Some(name) => options.name = Some(name),
                None => errors.push(syn::Error::new(value.span(), "`name` expects a string literal")),
            },
            "context" => match string(value).as_ref().map(|lit| (lit.value(), lit.span())) {
                Some((kind, span)) if kind == "global" => options.kind = Some((Kind::GlobalContext, span)),
                Some((kind, span)) if kind == "local" => options.kind = Some((Kind::LocalContext, span)),
                _ => errors.push(syn::Error::new(value.span(), "`context` must be \"global\" or \"local\"")),
            },
            "auth" => match parse_auth(value) {
                Ok(auth) => options.auth = Some(auth),
                Err(error) => errors.push(error),
            },
            "invalidates" => match value {
                Expr::Array(array) => {
                    let mut keys = Vec::new();
                    for element in &array.elems {
                        match string(element) {
                            Some(key) if !key.value().is_empty() => keys.push(key),
                            _ => errors.push(syn::Error::new(
                                element.span(),
                                "`invalidates` lists context names as string literals: `invalidates = [\"counter\"]`",
                            )),
                        }
                    }
                    options.invalidates = Some(keys);
                }
                other => errors.push(syn::Error::new(
                    other.span(),
                    "`invalidates` expects an array of context names: `invalidates = [\"counter\"]`",
                )),
            },
            "body_limit" => match value {
                Expr::Lit(ExprLit { lit: Lit::Str(_) | Lit::Bool(_), .. }) => errors.push(syn::Error::new(
                    value.span(),
                    "`body_limit` expects a number of bytes: `body_limit = 65536`",
                )),
                other => options.body_limit = Some(other.clone()),
            },
            _ => errors.push(syn::Error::new(pair.path.span(), format!("unknown argument `{key}`; {accepted}"))),
        }
    }
    options
}

pub(crate) fn string(expr: &Expr) -> Option<LitStr> {
    match expr {
        Expr::Lit(ExprLit { lit: Lit::Str(value), .. }) => Some(value.clone()),
        _ => None,
    }
}

pub(crate) fn parse_auth(value: &Expr) -> syn::Result<Auth> {
    const HELP: &str = "`auth` expects `true`, `\"staff\"`, `\"superuser\"` or the path of an async predicate \
`async fn(&mizan::Ctx) -> mizan::Result<bool>`";
    match value {
        Expr::Lit(ExprLit { lit: Lit::Bool(flag), .. }) => {
            Ok(if flag.value { Auth::Authenticated } else { Auth::Anonymous })
        }
        Expr::Lit(ExprLit { lit: Lit::Str(level), .. }) => match level.value().as_str() {
            "staff" => Ok(Auth::Staff),
            "superuser" => Ok(Auth::Superuser),
            "authenticated" => Ok(Auth::Authenticated),
            _ => Err(syn::Error::new(level.span(), HELP)),
        },
        Expr::Path(path) if path.qself.is_none() => Ok(Auth::Predicate(path.path.clone())),
        other => Err(syn::Error::new(other.span(), HELP)),
    }
}

fn parse_params(function: &ItemFn, errors: &mut Errors) -> Vec<Param> {
    let mut params = Vec::new();
    for input in &function.sig.inputs {
        let typed = match input {
            FnArg::Receiver(receiver) => {
                errors.push(syn::Error::new(receiver.span(), "server functions are free functions; remove `self`"));
                continue;
            }
            FnArg::Typed(typed) => typed,
        };
        if let Some(attr) = typed.attrs.iter().find(|attr| !is_field_attribute(attr)) {
            errors.push(syn::Error::new(
                attr.span(),
                "only `#[validate(...)]`, `#[serde(...)]` and `#[schemars(...)]` are allowed on server function arguments",
            ));
        }
        if let Some(by_ref) = ctx_param(&typed.ty) {
            params.push(Param::Ctx { by_ref });
            continue;
        }
        let Pat::Ident(pattern) = &*typed.pat else {
            errors.push(syn::Error::new(
                typed.pat.span(),
                "use a plain name for server function arguments (it becomes the JSON field name)",
            ));
            continue;
        };
        match &*typed.ty {
            Type::Reference(reference) => errors.push(syn::Error::new(
                reference.span(),
                "arguments are decoded from JSON and must be owned: use `String` instead of `&str`, `Vec<T>` instead of `&[T]`",
            )),
            Type::ImplTrait(implementation) => errors.push(syn::Error::new(
                implementation.span(),
                "`impl Trait` arguments are not supported; use a concrete type that implements `Deserialize` and `JsonSchema`",
            )),
            _ => params.push(Param::Argument {
                name: pattern.ident.clone(),
                ty: typed.ty.clone(),
                attrs: typed.attrs.iter().filter(|attr| is_field_attribute(attr)).cloned().collect(),
            }),
        }
    }
    params
}

/// `Some(by_ref)` when `ty` is `Ctx`, `&Ctx` or a path ending in `Ctx`.
fn ctx_param(ty: &Type) -> Option<bool> {
    let (ty, by_ref) = match ty {
        Type::Reference(reference) => (&*reference.elem, true),
        other => (other, false),
    };
    match ty {
        Type::Path(path) if path.qself.is_none() && path.path.segments.last().is_some_and(|s| s.ident == "Ctx") => {
            Some(by_ref)
        }
        _ => None,
    }
}

fn validate(function: &ItemFn, options: &Options, params: &[Param], errors: &mut Errors) {
    let signature = &function.sig;
    if signature.asyncness.is_none() {
        errors.push(syn::Error::new(signature.fn_token.span(), "server functions must be `async fn`"));
    }
    if !signature.generics.params.is_empty() {
        errors.push(syn::Error::new(signature.generics.span(), "server functions cannot be generic"));
    }
    if let syn::ReturnType::Default = signature.output {
        errors.push(syn::Error::new(signature.ident.span(), "server functions must return `mizan::Result<T>`"));
    }
    if params.iter().filter(|param| matches!(param, Param::Ctx { .. })).count() > 1 {
        errors.push(syn::Error::new(signature.inputs.span(), "take the context at most once"));
    }
    if let Some((Kind::GlobalContext, span)) = options.kind {
        if params.iter().any(|param| matches!(param, Param::Argument { .. })) {
            errors.push(syn::Error::new(
                span,
                "a global context takes no arguments (only `&Ctx`); use `context = \"local\"` for a context with arguments",
            ));
        }
    }
    if let Some(name) = &options.name {
        if !is_valid_name(&name.value()) {
            errors.push(syn::Error::new(
                name.span(),
                "invalid name: use letters, digits and `_`, optionally in dotted parts (`contact.submit`)",
            ));
        }
    }
}

fn emit(function: &ItemFn, options: &Options, params: &[Param]) -> TokenStream {
    let ident = &function.sig.ident;
    let vis = &function.vis;
    let name = options.name.as_ref().map_or_else(|| ident.to_string(), LitStr::value);
    let kind = match options.kind.map(|(kind, _)| kind).unwrap_or(Kind::Call) {
        Kind::Call => quote!(Call),
        Kind::GlobalContext => quote!(GlobalContext),
        Kind::LocalContext => quote!(LocalContext),
    };
    let doc = crate::doc::doc_comment(&function.attrs);
    let auth = auth_level(options.auth.as_ref());
    let predicate = match &options.auth {
        Some(Auth::Predicate(path)) => {
            let ctx = format_ident!("__mizan_ctx");
            let call = quote_spanned! {path.span()=>
                let allowed: ::mizan::Result<bool> = #path(&#ctx).await;
                allowed
            };
            quote!(.with_predicate(|#ctx: ::mizan::Ctx| async move { #call }))
        }
        _ => quote!(),
    };
    let invalidates = options.invalidates.iter().flatten();
    let body_limit = match &options.body_limit {
        Some(limit) => quote_spanned!(limit.span()=> ::core::option::Option::Some(#limit)),
        None => quote!(::core::option::Option::None),
    };

    let arguments_of = || {
        params.iter().filter_map(|param| match param {
            Param::Argument { name, ty, attrs } => Some((name, ty, attrs)),
            Param::Ctx { .. } => None,
        })
    };
    let fields = arguments_of().map(|(name, ty, attrs)| {
        let rules = crate::rules::rules_attribute(attrs);
        quote!(#(#attrs)* #rules #name: #ty)
    });
    let has_rules = arguments_of().any(|(_, _, attrs)| attrs.iter().any(|attr| attr.path().is_ident("validate")));
    let derive_validate = has_rules.then(|| {
        quote! {
            #[derive(::mizan::__private::validator::Validate)]
            #[validate(crate = "::mizan::__private::validator")]
        }
    });
    let run_rules = has_rules.then(|| {
        quote!(::mizan::__private::collect(::mizan::__private::validator::Validate::validate(self), "", &mut errors);)
    });
    // Arguments without their own rules are still validated when their type implements `Validate`.
    let nested = arguments_of().filter(|(_, _, attrs)| !attrs.iter().any(|attr| attr.path().is_ident("validate"))).map(
        |(name, _, _)| {
            let key = name.to_string();
            quote!((&::mizan::__private::Nested(&self.#name)).mizan_validate(#key, &mut errors);)
        },
    );

    let ctx = format_ident!("__mizan_ctx");
    let arguments = format_ident!("__mizan_arguments");
    let call_arguments = params.iter().map(|param| match param {
        Param::Ctx { by_ref: true } => quote!(&#ctx),
        Param::Ctx { by_ref: false } => quote!(::core::clone::Clone::clone(&#ctx)),
        Param::Argument { name, .. } => quote!(#arguments.#name),
    });
    let line = quote_spanned!(ident.span()=> ::core::line!());
    // Errors about the return type (not `mizan::Result<T>`) point at the return type.
    let output_span = match &function.sig.output {
        syn::ReturnType::Type(_, ty) => ty.span(),
        syn::ReturnType::Default => ident.span(),
    };
    let define = quote_spanned!(output_span=> ::mizan::__private::FunctionDef::new::<Arguments, _, _, _>);
    // `Result<T, E>`: when `E` is a `ClientError`, its errors become the client's error union.
    let errors = error_type(&function.sig.output).map(|error| {
        quote! {
            .with_errors({
                #[allow(unused_imports)]
                use ::mizan::__private::{ViaClientError as _, ViaOtherError as _};
                (&&::mizan::__private::ErrorsOf::<#error>::NEW).error_schema()
            })
        }
    });

    // The function itself, without the attributes that moved to the arguments struct.
    let mut function = function.clone();
    for input in &mut function.sig.inputs {
        if let FnArg::Typed(typed) = input {
            typed.attrs.retain(|attr| !is_field_attribute(attr));
        }
    }

    quote! {
        #function

        #[doc(hidden)]
        #[allow(non_camel_case_types, dead_code)]
        #vis struct #ident {}

        impl ::mizan::ServerFunction for #ident {
            fn definition() -> ::mizan::__private::FunctionDef {
                #[derive(::mizan::__private::serde::Deserialize, ::mizan::__private::schemars::JsonSchema)]
                #derive_validate
                #[serde(crate = "::mizan::__private::serde")]
                #[schemars(crate = "::mizan::__private::schemars")]
                struct Arguments { #(#fields,)* }

                impl ::mizan::__private::ValidateArguments for Arguments {
                    fn validate_arguments(&self) -> ::core::result::Result<(), ::mizan::__private::FieldErrors> {
                        #[allow(unused_imports)]
                        use ::mizan::__private::{ViaNothing as _, ViaValidate as _};
                        let mut errors = ::mizan::__private::FieldErrors::new();
                        #run_rules
                        #(#nested)*
                        if errors.is_empty() { ::core::result::Result::Ok(()) } else { ::core::result::Result::Err(errors) }
                    }
                }

                #define(
                    ::mizan::__private::FunctionMeta {
                        name: #name,
                        kind: ::mizan::__private::FunctionKind::#kind,
                        file: ::core::file!(),
                        line: #line,
                        doc: #doc,
                        auth: ::mizan::__private::AuthLevel::#auth,
                        invalidates: &[#(#invalidates),*],
                        body_limit: #body_limit,
                    },
                    |#ctx: ::mizan::Ctx, #arguments: Arguments| async move {
                        let _ = &#ctx;
                        #ident(#(#call_arguments),*).await
                    },
                )
                #predicate
                #errors
            }
        }

        // So `codegen --check` can report the function when no `fns!` lists it.
        ::mizan::__private::inventory::submit! {
            ::mizan::__private::Declared::new(
                #name,
                ::mizan::__private::DeclaredKind::Function,
                ::core::module_path!(),
                ::core::file!(),
                #line,
            )
        }
    }
}

/// The `AuthLevel` variant of an `auth = ...` argument (anonymous without one).
pub(crate) fn auth_level(auth: Option<&Auth>) -> TokenStream {
    match auth.unwrap_or(&Auth::Anonymous) {
        Auth::Anonymous => quote!(Anonymous),
        Auth::Authenticated => quote!(Authenticated),
        Auth::Staff => quote!(Staff),
        Auth::Superuser => quote!(Superuser),
        Auth::Predicate(path) => {
            let text = quote!(#path).to_string().replace(' ', "");
            quote!(Custom(#text))
        }
    }
}

/// Checks a registered name: letters, digits and `_`, in dotted parts.
pub(crate) fn is_valid_name(value: &str) -> bool {
    value.split('.').all(|part| {
        let mut chars = part.chars();
        chars.next().is_some_and(|c| c.is_ascii_alphabetic()) && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

/// `E` of a `-> Result<T, E>` return type (any path ending in `Result` with two arguments).
fn error_type(output: &syn::ReturnType) -> Option<&syn::Type> {
    let syn::ReturnType::Type(_, ty) = output else { return None };
    let syn::Type::Path(path) = ty.as_ref() else { return None };
    let last = path.path.segments.last()?;
    let syn::PathArguments::AngleBracketed(arguments) = &last.arguments else { return None };
    let types: Vec<&syn::Type> = arguments
        .args
        .iter()
        .filter_map(|argument| match argument {
            syn::GenericArgument::Type(ty) => Some(ty),
            _ => None,
        })
        .collect();
    match (last.ident == "Result", types.as_slice()) {
        (true, [_, error]) => Some(error),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(attr: TokenStream, item: TokenStream) -> String {
        expand(attr, item).unwrap_err().into_compile_error().to_string()
    }

    #[test]
    fn expands_a_plain_function() {
        let out = expand(
            quote!(),
            quote!(
                /// Says hi.
                pub async fn echo(ctx: &Ctx, text: String) -> mizan::Result<Out> {
                    todo!()
                }
            ),
        )
        .unwrap()
        .to_string();
        assert!(out.contains("pub struct echo { }"), "{out}");
        assert!(out.contains("name : \"echo\""), "{out}");
        assert!(out.contains("text : String"), "{out}");
        assert!(out.contains("doc : \"Says hi.\""), "{out}");
        assert!(out.contains("echo (& __mizan_ctx , __mizan_arguments . text)"), "{out}");
    }

    #[test]
    fn options_set_name_and_kind() {
        let out = expand(
            quote!(name = "contact.submit", context = "local"),
            quote!(
                async fn submit(x: u32) -> R {
                    todo!()
                }
            ),
        )
        .unwrap()
        .to_string();
        assert!(out.contains("name : \"contact.submit\""), "{out}");
        assert!(out.contains("FunctionKind :: LocalContext"), "{out}");
    }

    #[test]
    fn auth_invalidates_and_limits_are_emitted() {
        let out = expand(
            quote!(auth = crate::perms::is_editor, invalidates = ["counter", "greet"], body_limit = 4 * 1024),
            quote!(
                async fn edit(#[validate(length(min = 1))] title: String) -> R {
                    todo!()
                }
            ),
        )
        .unwrap()
        .to_string();
        assert!(out.contains("AuthLevel :: Custom (\"crate::perms::is_editor\")"), "{out}");
        assert!(out.contains("crate :: perms :: is_editor (& __mizan_ctx) . await"), "{out}");
        assert!(out.contains("invalidates : & [\"counter\" , \"greet\"]"), "{out}");
        assert!(out.contains("Some (4 * 1024)"), "{out}");
        assert!(
            out.contains("# [validate (length (min = 1))] # [schemars (extend (\"x-mizan-rules\" = [{ \"rule\" : \"length\" , \"min\" : (1) }]))] title : String"),
            "{out}"
        );
        assert!(out.contains("async fn edit (title : String)"), "the attribute is moved off the parameter: {out}");
        for level in [quote!(auth = true), quote!(auth = "staff"), quote!(auth = "superuser")] {
            assert!(expand(
                level,
                quote!(
                    async fn f() -> R {
                        todo!()
                    }
                )
            )
            .is_ok());
        }
    }

    #[test]
    fn misuse_is_reported_with_every_error() {
        let message = error(
            quote!(colour = "red"),
            quote!(
                fn f(x: &str) {}
            ),
        );
        assert!(message.contains("unknown argument `colour`"), "{message}");
        assert!(message.contains("must be `async fn`"), "{message}");
        assert!(message.contains("must be owned"), "{message}");
        assert!(message.contains("must return"), "{message}");
    }

    #[test]
    fn duplicate_and_invalid_options_are_refused() {
        let message = error(
            quote!(name = "a", name = "b"),
            quote!(
                async fn f() -> R {
                    todo!()
                }
            ),
        );
        assert!(message.contains("duplicate argument `name`"), "{message}");
        let message = error(
            quote!(context = "galaxy"),
            quote!(
                async fn f() -> R {
                    todo!()
                }
            ),
        );
        assert!(message.contains("\\\"global\\\" or \\\"local\\\""), "{message}");
        let message = error(
            quote!(name = "no/slash"),
            quote!(
                async fn f() -> R {
                    todo!()
                }
            ),
        );
        assert!(message.contains("invalid name"), "{message}");
        let message = error(
            quote!(context = "global"),
            quote!(
                async fn f(x: u8) -> R {
                    todo!()
                }
            ),
        );
        assert!(message.contains("takes no arguments"), "{message}");
    }
}
