//! `GET /api/mizan/manifest`: open in dev mode, staff-only otherwise.

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use serde_json::{json, Value};

use crate::support::{app, app_with, send};

fn function<'a>(manifest: &'a Value, name: &str) -> &'a Value {
    manifest["functions"].as_array().unwrap().iter().find(|f| f["name"] == name).unwrap()
}

#[actix_web::test]
async fn dev_mode_lists_every_function_with_its_schemas() {
    let app = app_with(|mizan| mizan.dev(true)).await;
    let (status, manifest) = send(&app, TestRequest::get().uri("/api/mizan/manifest")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(manifest["functions"].as_array().unwrap().len(), 21);

    let signup = function(&manifest, "signup");
    assert_eq!(signup["kind"], "call");
    assert_eq!(signup["auth"], "anonymous");
    assert_eq!(signup["context"], Value::Null);
    let input = &signup["input"];
    assert_eq!(input["properties"]["email"]["format"], "email", "validator rules reach the schema: {input}");
    assert_eq!(input["properties"]["password"]["minLength"], 8);
    assert_eq!(input["properties"]["age"]["maximum"], 130);
    assert_eq!(input["required"], json!(["email", "password", "age"]));

    assert_eq!(function(&manifest, "for_staff")["auth"], "staff");
    assert_eq!(function(&manifest, "for_even_ids")["auth"], "custom:has_even_id");
    assert_eq!(function(&manifest, "bump")["invalidates"], json!(["counter", "greet"]));
    assert_eq!(function(&manifest, "now")["kind"], "context");
    assert_eq!(function(&manifest, "now")["context"], "global");
    assert_eq!(function(&manifest, "transfer")["output"]["type"], "integer");
    let complex = function(&manifest, "complex");
    assert_eq!(complex["input"]["properties"]["address"]["$ref"], "#/$defs/Address");
    assert!(manifest["$defs"]["Address"].is_object(), "{manifest}");
}

#[actix_web::test]
async fn outside_dev_mode_only_staff_may_read_it() {
    let app = app().await;
    let get = || TestRequest::get().uri("/api/mizan/manifest");
    assert_eq!(send(&app, get()).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(send(&app, get().insert_header(("x-test-user", "user"))).await.0, StatusCode::FORBIDDEN);
    assert_eq!(send(&app, get().insert_header(("x-test-user", "staff"))).await.0, StatusCode::OK);
}
