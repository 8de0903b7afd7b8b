//! `#[derive(mizan::ClientError)]`: codes, statuses, messages and data of a function's own
//! error enum, and the function's error schema.

use mizan::ClientError;
use schemars::JsonSchema;
use serde::Serialize;

#[derive(Debug, Serialize, JsonSchema, mizan::ClientError)]
pub enum TransferError {
    /// Not enough money on the account.
    #[client_error(status = 409)]
    InsufficientFunds {
        balance: i32,
    },
    #[client_error(message = "no such account")]
    NotFound,
    /// The amount is off.
    WrongAmount(i64),
    RateLimited,
}

#[mizan::client]
pub async fn transfer(amount: i64) -> Result<u32, TransferError> {
    match amount {
        0 => Err(TransferError::WrongAmount(amount)),
        _ => Ok(1),
    }
}

fn main() {
    assert_eq!(TransferError::CODES, ["INSUFFICIENT_FUNDS", "NOT_FOUND", "WRONG_AMOUNT", "RATE_LIMITED"]);

    let error = mizan::Error::from(TransferError::InsufficientFunds { balance: 3 });
    assert_eq!(error.wire_code(), "INSUFFICIENT_FUNDS");
    assert_eq!(error.message(), "Not enough money on the account");
    assert_eq!(error.data(), Some(&serde_json::json!({ "balance": 3 })));
    assert_eq!(error.to_body("id")["error"]["code"], "INSUFFICIENT_FUNDS");

    let error = mizan::Error::from(TransferError::NotFound);
    assert_eq!((error.wire_code(), error.message(), error.data()), ("NOT_FOUND", "no such account", None));
    assert_eq!(error.code(), mizan::ErrorCode::NotFound, "a variant named like a protocol code takes its status");

    let error = mizan::Error::from(TransferError::WrongAmount(0));
    assert_eq!(error.message(), "The amount is off");
    assert_eq!(error.data(), Some(&serde_json::json!(0)));

    let error = mizan::Error::from(TransferError::RateLimited);
    assert_eq!(error.message(), "rate limited", "the code in words without a doc comment");
    assert_eq!(error.code(), mizan::ErrorCode::RateLimited);

    let registry = mizan::Mizan::new().functions(mizan::fns![transfer]).registry().unwrap();
    let schema = registry
        .get("transfer")
        .unwrap()
        .error_schema(&mut schemars::SchemaGenerator::default())
        .expect("a ClientError gives the function an error schema");
    let variants = schema.as_value()["oneOf"].as_array().unwrap();
    assert_eq!(variants.len(), 4, "{schema:?}");
    assert_eq!(variants[0]["properties"]["code"]["const"], "INSUFFICIENT_FUNDS", "{schema:?}");
}
