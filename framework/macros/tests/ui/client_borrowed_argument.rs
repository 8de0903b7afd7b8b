#[mizan::client]
async fn shout(text: &str) -> mizan::Result<String> {
    Ok(text.to_uppercase())
}

fn main() {}
