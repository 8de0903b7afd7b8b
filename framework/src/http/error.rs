//! The one mapping of [`Error`] to an HTTP response: its status, the envelope as the body
//! and the correlation id in `X-Request-Id`.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};

use crate::core::error::Error;
use crate::core::protocol::REQUEST_ID_HEADER;

impl ResponseError for Error {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        let id = self.log();
        HttpResponse::build(self.status_code()).insert_header((REQUEST_ID_HEADER, id.as_str())).json(self.to_body(&id))
    }
}
