#[mizan::client]
fn blocking() -> mizan::Result<()> {
    Ok(())
}

fn main() {}
