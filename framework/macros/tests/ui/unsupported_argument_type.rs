struct NotDeserializable;

#[mizan::client]
async fn take(value: NotDeserializable) -> mizan::Result<()> {
    let _ = value;
    Ok(())
}

fn main() {}
