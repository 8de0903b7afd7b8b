#[mizan::client]
async fn show(value: impl std::fmt::Display) -> mizan::Result<String> {
    Ok(value.to_string())
}

fn main() {}
