//! The tools layer: the command line (`serve`, `migrate`, `codegen`, ...), its configuration
//! from the environment, the dev server's watcher, and the TypeScript generator.

pub mod cli;
pub mod codegen;
pub(crate) mod config;
pub(crate) mod dev;
