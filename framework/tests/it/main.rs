//! Protocol-level tests of the call endpoint: real HTTP requests against an app built from
//! the functions in `fixtures`, in-process (no socket) except where a socket is the point.

mod accounts;
mod architecture;
mod auth;
mod calls;
mod channels;
mod codegen;
mod contexts;
mod cookies;
mod database;
mod defences;
mod fixtures;
mod forms;
mod hardening;
mod manifest;
mod pages;
mod support;
