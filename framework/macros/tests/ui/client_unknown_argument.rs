#[mizan::client(colour = "red")]
async fn paint() -> mizan::Result<()> {
    Ok(())
}

fn main() {}
