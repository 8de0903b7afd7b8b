#[mizan::client(name = "first", name = "second")]
async fn named() -> mizan::Result<()> {
    Ok(())
}

fn main() {}
