fn main() {
    let _ = mizan::frontend!(frontend / dist);
    let _ = mizan::frontend!();
    let _ = mizan::frontend!("frontend/dist", "frontend/public");
}
