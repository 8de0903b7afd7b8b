//! Argument validation with [`validator`]: rules run before a function, failures become one
//! `VALIDATION` error whose `fields` map each argument (or nested path) to its messages.

use std::borrow::Cow;

use validator::{ValidationError, ValidationErrors, ValidationErrorsKind};

use crate::core::error::{Error, FieldErrors};
use crate::core::protocol::ErrorCode;

/// Implemented by `#[mizan::client]` for a function's arguments.
pub trait ValidateArguments {
    /// Runs every rule; `Err` holds the messages per field path.
    fn validate_arguments(&self) -> Result<(), FieldErrors>;
}

impl ValidateArguments for () {
    fn validate_arguments(&self) -> Result<(), FieldErrors> {
        Ok(())
    }
}

/// Adds the errors of a `validator` run to `into`, with field paths under `prefix`
/// (`address.city`, `items[2].name`).
pub fn collect(result: Result<(), ValidationErrors>, prefix: &str, into: &mut FieldErrors) {
    if let Err(errors) = result {
        flatten(&errors, prefix, into);
    }
}

fn flatten(errors: &ValidationErrors, prefix: &str, into: &mut FieldErrors) {
    let join = |name: &str| if prefix.is_empty() { name.to_owned() } else { format!("{prefix}.{name}") };
    for (name, kind) in errors.errors() {
        let path = if name == "__all__" { prefix.to_owned() } else { join(name) };
        match kind {
            ValidationErrorsKind::Field(list) => into.entry(path).or_default().extend(list.iter().map(message)),
            ValidationErrorsKind::Struct(nested) => flatten(nested, &path, into),
            ValidationErrorsKind::List(items) => {
                for (index, nested) in items {
                    flatten(nested, &format!("{path}[{index}]"), into);
                }
            }
        }
    }
}

/// Runs the `#[validate]` rules of a decoded value (a channel's parameters or message): a
/// failure is one `VALIDATION` error saying `what`, with the messages per field, as for a
/// function's arguments.
pub(crate) fn check(value: &impl validator::Validate, what: &'static str) -> Result<(), Error> {
    let mut fields = FieldErrors::new();
    collect(value.validate(), "", &mut fields);
    match fields.is_empty() {
        true => Ok(()),
        false => Err(Error::new(ErrorCode::Validation, what).with_fields(fields)),
    }
}

/// The message of one failed rule: the rule's custom `message` when it has one, otherwise an
/// English sentence built from its code and parameters.
pub fn message(error: &ValidationError) -> String {
    if let Some(message) = &error.message {
        return message.to_string();
    }
    let param = |name: &str| error.params.get(name).map(|value| value.to_string().trim_matches('"').to_owned());
    let bounds = |what: &str| match (param("equal"), param("min"), param("max")) {
        (Some(equal), _, _) => format!("{what} must be exactly {equal}"),
        (None, Some(min), Some(max)) => format!("{what} must be between {min} and {max}"),
        (None, Some(min), None) => format!("{what} must be at least {min}"),
        (None, None, Some(max)) => format!("{what} must be at most {max}"),
        (None, None, None) => match (param("exclusive_min"), param("exclusive_max")) {
            (Some(min), Some(max)) => format!("{what} must be greater than {min} and less than {max}"),
            (Some(min), None) => format!("{what} must be greater than {min}"),
            (None, Some(max)) => format!("{what} must be less than {max}"),
            (None, None) => format!("{what} is out of range"),
        },
    };
    let code: &str = &error.code;
    match code {
        "length" => bounds("length"),
        "range" => bounds("value").replacen("value must be", "must be", 1),
        "email" => "must be a valid email address".to_owned(),
        "url" => "must be a valid URL".to_owned(),
        "regex" => "has an invalid format".to_owned(),
        "required" => "is required".to_owned(),
        // `validator` puts the other field's *value* in the params: never show it.
        "must_match" => "does not match".to_owned(),
        "contains" => format!("must contain {}", param("needle").or_else(|| param("pattern")).unwrap_or_default()),
        "does_not_contain" => {
            format!("must not contain {}", param("needle").or_else(|| param("pattern")).unwrap_or_default())
        }
        "credit_card" => "must be a valid card number".to_owned(),
        other => Cow::Borrowed(other).replace('_', " "),
    }
}

/// The source of a `#[validate(regex(path = ...))]` regex, for the generated Zod schema.
#[doc(hidden)]
pub fn regex_source(regex: impl validator::AsRegex) -> String {
    regex.as_regex().as_str().to_owned()
}

/// Autoref specialisation: validates an argument whose type implements `Validate`, and does
/// nothing for other types. Generated code calls `(&Nested(&value)).mizan_validate(name, errors)`
/// with both traits in scope.
#[doc(hidden)]
pub struct Nested<'a, T>(pub &'a T);

#[doc(hidden)]
pub trait ViaValidate {
    fn mizan_validate(&self, name: &str, into: &mut FieldErrors);
}

impl<T: validator::Validate> ViaValidate for Nested<'_, T> {
    fn mizan_validate(&self, name: &str, into: &mut FieldErrors) {
        collect(self.0.validate(), name, into);
    }
}

#[doc(hidden)]
pub trait ViaNothing {
    fn mizan_validate(&self, _name: &str, _into: &mut FieldErrors) {}
}

impl<T> ViaNothing for &Nested<'_, T> {}

#[cfg(test)]
mod tests {
    use validator::Validate;

    use super::*;

    #[derive(Validate)]
    struct Address {
        #[validate(length(min = 2))]
        city: String,
    }

    #[derive(Validate)]
    struct Signup {
        #[validate(email)]
        email: String,
        #[validate(length(min = 8, max = 64), contains(pattern = "!", message = "custom says no"))]
        password: String,
        #[validate(range(min = 18))]
        age: u8,
        #[validate(nested)]
        address: Address,
    }

    #[test]
    fn messages_name_fields_and_nested_paths() {
        let signup =
            Signup { email: "nope".into(), password: "short".into(), age: 3, address: Address { city: "X".into() } };
        let mut errors = FieldErrors::new();
        collect(signup.validate(), "", &mut errors);
        assert_eq!(errors["email"], ["must be a valid email address"]);
        assert_eq!(errors["password"], ["length must be between 8 and 64", "custom says no"]);
        assert_eq!(errors["age"], ["must be at least 18"]);
        assert_eq!(errors["address.city"], ["length must be at least 2"]);
    }

    #[test]
    fn autoref_specialisation_validates_only_validate_types() {
        use super::{ViaNothing as _, ViaValidate as _};
        let mut errors = FieldErrors::new();
        (&Nested(&Address { city: "X".into() })).mizan_validate("home", &mut errors);
        (&Nested(&5_u32)).mizan_validate("count", &mut errors);
        assert_eq!(errors.keys().collect::<Vec<_>>(), ["home.city"]);
    }
}
