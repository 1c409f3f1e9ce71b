//! Parses the files given on the command line and prints the time taken
//! (a quick profiling aid; the real benchmark is `benches/parse.rs`).

use riskgate_dsl::{Dialect, ParseOptions, parse_module};

fn main() {
    for path in std::env::args().skip(1) {
        let Ok(source) = std::fs::read_to_string(&path) else {
            eprintln!("{path}: cannot read");
            continue;
        };
        let started = std::time::Instant::now();
        let parsed = parse_module(&source, ParseOptions::new(Dialect::for_path(&path)));
        println!(
            "{path}: {} items, {} diagnostics, {:?}",
            parsed.module.items.len(),
            parsed.diagnostics.len(),
            started.elapsed()
        );
    }
}
