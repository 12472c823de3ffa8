//! Throughput of the JSON-lines scanner on one thread, from memory (run on
//! demand, not in CI):
//!
//!     cargo run --release -p fastmcnemar-core --example scan_timing -- REPEATS FILE...
//!
//! Reads the files once, then scans each `REPEATS` times for the keys an lm-eval
//! audit reads (doc id, filter, three hashes, one metric) and prints the best
//! pass over all files in GB/s. From memory, so the figure is the parser's
//! alone (plus the copy into the segment buffer that a positional read does).

use std::time::Instant;

use fastmcnemar_core::control::NeverStop;
use fastmcnemar_core::jsonl::{KeySpec, scan_bytes};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((repeats, paths)) = args.split_first() else {
        eprintln!("usage: scan_timing REPEATS FILE...");
        std::process::exit(2);
    };
    let repeats: usize = repeats.parse().expect("REPEATS is a number");
    let files: Vec<Vec<u8>> = paths
        .iter()
        .map(|p| std::fs::read(p).unwrap_or_else(|e| panic!("{p}: {e}")))
        .collect();
    let total: usize = files.iter().map(Vec::len).sum();
    let keys: Vec<KeySpec> = [
        "doc_id",
        "filter",
        "doc_hash",
        "prompt_hash",
        "target_hash",
        "acc",
    ]
    .iter()
    .map(|k| KeySpec {
        name: (*k).to_string(),
        want_text: *k != "acc",
    })
    .collect();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a one-thread pool");
    let mut best = f64::MAX;
    let mut rows = 0;
    for _ in 0..repeats {
        let start = Instant::now();
        rows = pool.install(|| {
            files
                .iter()
                .map(|f| {
                    scan_bytes(f, &keys, &NeverStop)
                        .expect("a well-formed file")
                        .rows
                })
                .sum::<usize>()
        });
        best = best.min(start.elapsed().as_secs_f64());
    }
    println!(
        "{:.0} MB, {rows} rows: best of {repeats} {:.1} ms, {:.2} GB/s",
        total as f64 / 1e6,
        best * 1e3,
        total as f64 / best / 1e9
    );
}
