//! The auth matrix: every level against anonymous, user, staff, superuser and inactive callers.

use actix_web::http::StatusCode;

use crate::support::{app, call, send};

const OK: u16 = 200;
const UNAUTHENTICATED: u16 = 401;
const FORBIDDEN: u16 = 403;

#[actix_web::test]
async fn every_level_against_every_kind_of_caller() {
    let app = app().await;
    // caller:             anonymous        user       staff      superuser  inactive
    let matrix: [(&str, [u16; 5]); 5] = [
        ("contact.submit", [OK, OK, OK, OK, OK]),
        ("for_users", [UNAUTHENTICATED, OK, OK, OK, UNAUTHENTICATED]),
        ("for_staff", [UNAUTHENTICATED, FORBIDDEN, OK, OK, UNAUTHENTICATED]),
        ("for_superusers", [UNAUTHENTICATED, FORBIDDEN, FORBIDDEN, OK, UNAUTHENTICATED]),
        ("for_even_ids", [UNAUTHENTICATED, FORBIDDEN, FORBIDDEN, FORBIDDEN, UNAUTHENTICATED]),
    ];
    for (function, expected) in matrix {
        for (caller, expected) in ["anonymous", "user", "staff", "superuser", "inactive"].into_iter().zip(expected) {
            let (status, body) = send(&app, call(function, "{}").insert_header(("x-test-user", caller))).await;
            assert_eq!(status.as_u16(), expected, "{function} called by {caller}: {body}");
            if expected == UNAUTHENTICATED {
                assert_eq!(body["error"]["code"], "UNAUTHENTICATED");
            }
            if expected == FORBIDDEN {
                assert_eq!(body["error"]["code"], "FORBIDDEN");
            }
        }
    }
    let (status, _) = send(&app, call("for_even_ids", "{}").insert_header(("x-test-user", "even"))).await;
    assert_eq!(status, StatusCode::OK, "the predicate allows users with an even id");
}

#[actix_web::test]
async fn predicates_that_fail_or_panic_deny() {
    let app = app().await;
    for function in ["predicate_errors", "predicate_panics"] {
        let (status, body) = send(&app, call(function, "{}").insert_header(("x-test-user", "superuser"))).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{function}: {body}");
        assert!(!body.to_string().contains("permission service"), "{body}");
    }
    let (status, _) = send(&app, call("contact.submit", "{}")).await;
    assert_eq!(status, StatusCode::OK, "the worker survived the predicate's panic");
}

#[actix_web::test]
async fn refused_calls_do_not_read_arguments() {
    // Auth is checked before the body: an anonymous caller learns nothing about the arguments.
    let (status, body) = send(&app().await, call("for_users", "not even json")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
}
