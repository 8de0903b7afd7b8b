//! `mizan::frontend!("frontend/dist")`: the frontend build read from disk in debug builds and
//! embedded in the binary (every file, with `include_bytes!`) in release builds.

use std::path::{Path, PathBuf};

use proc_macro2::TokenStream;
use quote::quote;
use syn::LitStr;

pub(crate) fn expand(input: TokenStream) -> syn::Result<TokenStream> {
    let relative: LitStr = syn::parse2(input).map_err(|error| {
        syn::Error::new(
            error.span(),
            "`mizan::frontend!` takes the build directory: `mizan::frontend!(\"frontend/dist\")`",
        )
    })?;
    let root = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from).unwrap_or_default();
    let dist = root.join(relative.value());
    let dist_text = dist.to_string_lossy().into_owned();
    // Files are listed when the crate compiles; `manifest.json` changes with every build, and
    // `include_bytes!` makes cargo recompile when it does, which lists them again.
    let mut files = Vec::new();
    if let Err(error) = list(&dist, &dist, &mut files) {
        let message = format!(
            "cannot read the frontend build `{dist_text}` ({error}); build the frontend before a release build (`make frontend`)"
        );
        return Ok(quote! {{
            #[cfg(debug_assertions)]
            { ::mizan::Frontend::from_dist(#dist_text) }
            #[cfg(not(debug_assertions))]
            { ::core::compile_error!(#message) }
        }});
    }
    files.sort();
    let entries = files.iter().map(|(name, path)| {
        let path = path.to_string_lossy().into_owned();
        quote!((#name, ::core::include_bytes!(#path) as &'static [u8]))
    });
    Ok(quote! {{
        #[cfg(debug_assertions)]
        { ::mizan::Frontend::from_dist(#dist_text) }
        #[cfg(not(debug_assertions))]
        { ::mizan::Frontend::embedded(#dist_text, &[#(#entries),*]) }
    }})
}

/// Every file under `dir`, as (`/`-separated name relative to `root`, absolute path).
fn list(root: &Path, dir: &Path, into: &mut Vec<(String, PathBuf)>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            list(root, &path, into)?;
        } else {
            let name = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .components()
                .map(|part| part.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            into.push((name, path));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn release_builds_include_every_file_and_debug_builds_read_the_directory() {
        let dist = std::env::temp_dir().join(format!("mizan-embed-test-{}", std::process::id()));
        std::fs::create_dir_all(dist.join("assets")).unwrap();
        std::fs::write(dist.join("manifest.json"), "{}").unwrap();
        std::fs::write(dist.join("assets/app.css"), "").unwrap();
        let path = dist.to_string_lossy().into_owned();
        let out = expand(quote!(#path)).unwrap().to_string();
        assert!(out.contains("Frontend :: from_dist"), "{out}");
        assert!(out.contains("Frontend :: embedded"), "{out}");
        assert!(out.contains("\"assets/app.css\"") && out.contains("\"manifest.json\""), "{out}");
        assert_eq!(out.matches("include_bytes").count(), 2, "{out}");
        std::fs::remove_dir_all(&dist).unwrap();

        // Not built: debug builds still compile (and report it at start); release builds fail.
        let out = expand(quote!(#path)).unwrap().to_string();
        assert!(out.contains("from_dist") && out.contains("compile_error") && out.contains("make frontend"), "{out}");
    }
}
