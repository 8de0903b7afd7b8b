#[derive(Debug, serde::Serialize, mizan::ClientError)]
struct NotAnEnum {
    reason: String,
}

fn main() {}
