#[derive(Debug, serde::Serialize, mizan::ClientError)]
pub enum PaymentError {
    #[client_error(status = 200)]
    Declined,
    #[client_error(status = "409")]
    Duplicate,
    #[client_error(colour = "red")]
    Expired,
    #[client_error(message = 42)]
    Blocked,
}

fn main() {}
