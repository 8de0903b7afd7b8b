//! The frontend's built files: the server bundle and the client assets.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use actix_web::web::Bytes;
use serde::Deserialize;

/// Where the built frontend lives: a directory with `manifest.json` (written by the frontend
/// build) naming the client script, the stylesheet and the server bundle, read at start, or
/// the same files embedded in the binary ([`mizan::frontend!`](crate::frontend)).
#[derive(Debug, Clone)]
pub struct Frontend {
    dist: PathBuf,
    embedded: Option<EmbeddedFiles>,
}

/// Files compiled into the binary: (name relative to the build directory, contents).
pub type EmbeddedFiles = &'static [(&'static str, &'static [u8])];

/// `manifest.json` of a frontend build.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Manifest {
    pub(crate) client: String,
    pub(crate) server: String,
    #[serde(default)]
    pub(crate) css: Option<String>,
}

/// Why the frontend could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum FrontendError {
    /// The build output is missing or unreadable.
    #[error("cannot read the frontend build at `{path}`: {source}; build the frontend first (`make frontend`)")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// `manifest.json` is not valid.
    #[error("invalid frontend manifest `{path}`: {source}")]
    Manifest {
        /// The file.
        path: PathBuf,
        /// The parse error.
        source: serde_json::Error,
    },
}

/// Modification time and size of the files that identify a build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Stamp {
    manifest: (Option<std::time::SystemTime>, u64),
    server: Option<(Option<std::time::SystemTime>, u64)>,
}

/// A loaded frontend build: the server bundle and the client files served under `/static/`.
#[derive(Debug)]
pub(crate) struct LoadedFrontend {
    pub(crate) manifest: Manifest,
    pub(crate) server_bundle: mizan_ssr::Bundle,
    pub(crate) files: BTreeMap<String, Bytes>,
}

impl Frontend {
    /// A frontend built into `dist` (e.g. `concat!(env!("CARGO_MANIFEST_DIR"), "/frontend/dist")`).
    pub fn from_dist(dist: impl Into<PathBuf>) -> Self {
        Self { dist: dist.into(), embedded: None }
    }

    /// A frontend compiled into the binary; `dist` is where it was built (for messages).
    /// [`mizan::frontend!`](crate::frontend) writes this call in release builds.
    pub fn embedded(dist: impl Into<PathBuf>, files: EmbeddedFiles) -> Self {
        Self { dist: dist.into(), embedded: Some(files) }
    }

    /// True when the files are in the binary (nothing is read from disk, nothing reloads).
    pub fn is_embedded(&self) -> bool {
        self.embedded.is_some()
    }

    /// The contents of the build file `name`.
    fn read(&self, name: &str) -> Result<Bytes, FrontendError> {
        let path = self.dist.join(name);
        match self.embedded {
            Some(files) => {
                files.iter().find(|(file, _)| *file == name).map(|(_, bytes)| Bytes::from_static(bytes)).ok_or_else(
                    || FrontendError::Read {
                        path,
                        source: std::io::Error::new(std::io::ErrorKind::NotFound, "not embedded in the binary"),
                    },
                )
            }
            None => std::fs::read(&path).map(Bytes::from).map_err(|source| FrontendError::Read { path, source }),
        }
    }

    /// The build directory.
    pub fn dist(&self) -> &Path {
        &self.dist
    }

    /// When and how big the manifest and the server bundle are: a different stamp means the
    /// frontend was rebuilt. `None` while either is missing.
    pub(crate) fn stamp(&self) -> Option<Stamp> {
        if self.is_embedded() {
            return None;
        }
        let of = |path: &Path| std::fs::metadata(path).ok().map(|meta| (meta.modified().ok(), meta.len()));
        let manifest_path = self.dist.join("manifest.json");
        let manifest = of(&manifest_path)?;
        let server = std::fs::read(&manifest_path)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Manifest>(&bytes).ok())
            .and_then(|manifest| of(&self.dist.join(manifest.server)));
        Some(Stamp { manifest, server })
    }

    pub(crate) fn load(&self, limits: mizan_ssr::Limits) -> Result<LoadedFrontend, FrontendError> {
        let manifest_path = self.dist.join("manifest.json");
        let manifest: Manifest = serde_json::from_slice(&self.read("manifest.json")?)
            .map_err(|source| FrontendError::Manifest { path: manifest_path, source })?;
        let server_source = String::from_utf8_lossy(&self.read(&manifest.server)?).into_owned();
        let mut files = BTreeMap::new();
        for name in std::iter::once(&manifest.client).chain(manifest.css.as_ref()) {
            files.insert(name.clone(), self.read(name)?);
            // Source maps are optional.
            let map = format!("{name}.map");
            if let Ok(bytes) = self.read(&map) {
                files.insert(map, bytes);
            }
        }
        let server_bundle = mizan_ssr::Bundle::new(manifest.server.clone(), server_source).with_limits(limits);
        Ok(LoadedFrontend { manifest, server_bundle, files })
    }
}

/// The `Content-Type` for a static file name.
pub(crate) fn content_type(name: &str) -> &'static str {
    match name.rsplit('.').next() {
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("map") | Some("json") => "application/json",
        _ => "application/octet-stream",
    }
}
