struct Plain;

fn main() {
    let _ = mizan::fns![Plain];
}
