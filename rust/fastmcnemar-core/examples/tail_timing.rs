//! Per-call timing of the binomial tails (run on demand, not in CI):
//!
//!     cargo run --release -p fastmcnemar-core --example tail_timing
//!
//! Prints ns per call of `sf_half` / `ln_sf_half` for random (n, k) with n in
//! a few ranges, k uniform on 0..=n, single thread, after one warm-up pass
//! (best of five passes, thread CPU time), plus k within 3 standard deviations
//! of the centre.

use std::hint::black_box;
use std::time::Instant;

use fastmcnemar_core::binomial::{ln_sf_half, sf, sf_half};

/// Small deterministic generator (splitmix64) so runs are comparable.
fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn pairs(lo: u64, hi: u64, count: usize, seed: u64) -> Vec<(u64, u64)> {
    let mut s = seed;
    (0..count)
        .map(|_| {
            let n = lo + splitmix(&mut s) % (hi - lo + 1);
            let k = splitmix(&mut s) % (n + 1);
            (n, k)
        })
        .collect()
}

/// k within 3 standard deviations of n / 2 (the expensive region).
fn central_pairs(n: u64, count: usize, seed: u64) -> Vec<(u64, u64)> {
    let mut s = seed;
    let width = (3.0 * (n as f64).sqrt()) as u64 + 1; // 2 x 3 sd
    (0..count)
        .map(|_| {
            (
                n,
                (n / 2 + splitmix(&mut s) % width).saturating_sub(width / 2),
            )
        })
        .collect()
}

/// CPU time of this thread in ns (Linux), so that a loaded shared machine
/// does not inflate the figures; wall-clock time elsewhere.
fn cpu_ns(wall: Instant) -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .unwrap_or_else(|| wall.elapsed().as_nanos() as f64)
}

fn time_it(label: &str, input: &[(u64, u64)], f: impl Fn(u64, u64) -> f64) {
    // Warm-up pass (also builds any lazily built tables), and a repeat count
    // that makes each timed pass last about 0.1 s of CPU time.
    let wall = Instant::now();
    let mut acc = 0.0;
    for &(n, k) in input {
        acc += f(n, k);
    }
    black_box(acc);
    let warm = wall.elapsed().as_secs_f64().max(1e-6);
    let repeats = ((0.1 / warm).ceil() as usize).clamp(1, 100_000);
    // The machine is shared: keep the fastest of five passes.
    let mut best = f64::INFINITY;
    for _ in 0..5 {
        let wall = Instant::now();
        let start = cpu_ns(wall);
        let mut acc = 0.0;
        for _ in 0..repeats {
            for &(n, k) in input {
                acc += f(n, k);
            }
        }
        black_box(acc);
        best = best.min((cpu_ns(wall) - start) / (repeats * input.len()) as f64);
    }
    println!("{label:<44} {best:>10.1} ns/call");
}

fn main() {
    let ranges: [(u64, u64, usize); 5] = [
        (1, 1024, 1_000_000),
        (1025, 10_000, 100_000),
        (10_001, 1_000_000, 10_000),
        (1_000_000_000, 1_000_000_000, 10_000),
        (1 << 40, 1 << 40, 2_000),
    ];
    for n in [
        500u64,
        2_000,
        5_000,
        10_000,
        100_000,
        1_000_000,
        1_000_000_000,
    ] {
        let input = central_pairs(n, 20_000, 7);
        time_it(&format!("sf_half      n = {n}, |z| <= 3"), &input, sf_half);
    }
    for (lo, hi, count) in ranges {
        let input = pairs(lo, hi, count, 42);
        time_it(&format!("sf_half      n in [{lo}, {hi}]"), &input, sf_half);
        time_it(
            &format!("ln_sf_half   n in [{lo}, {hi}]"),
            &input,
            ln_sf_half,
        );
        time_it(
            &format!("sf(p = 0.3)  n in [{lo}, {hi}]"),
            &input,
            |n, k| sf(n, k, 0.3),
        );
    }
}
