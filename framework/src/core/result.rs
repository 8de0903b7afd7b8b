use schemars::JsonSchema;
use serde::Serialize;

use crate::Error;

/// What a server function may return: `mizan::Result<T>` (or any `Result<T, E>` whose error
/// converts into [`Error`]) with a serialisable, schema-described `T`.
#[diagnostic::on_unimplemented(
    message = "a Mizan server function must return `mizan::Result<T>`, not `{Self}`",
    note = "`T` must implement `serde::Serialize` and `schemars::JsonSchema`"
)]
pub trait IntoFunctionResult {
    /// The success type sent to the client.
    type Output: Serialize + JsonSchema;

    /// Splits into the output or the error.
    fn into_function_result(self) -> Result<Self::Output, Error>;
}

impl<T, E> IntoFunctionResult for Result<T, E>
where
    T: Serialize + JsonSchema,
    E: Into<Error>,
{
    type Output = T;

    fn into_function_result(self) -> Result<T, Error> {
        self.map_err(Into::into)
    }
}
