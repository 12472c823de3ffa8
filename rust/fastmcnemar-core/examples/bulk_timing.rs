//! Timing of the bulk McNemar path on 10^6 pairs (run on demand, not in CI):
//!
//!     cargo run --release -p fastmcnemar-core --example bulk_timing [threads [repeats [case]]]
//!
//! The cases of `benches/bench_mcnemar.py --paths`, generated here without
//! NumPy: n = b + c log-uniform on [10^3, 10^5] or uniform on [1025, 10^5],
//! b ~ n (1/2 + U(0, 0.05)) plus a normal deviate of sd sqrt(n)/2 (close to
//! the bench's binomial draw); and the small-n audit mix (n ~ N x U(0.01,
//! 0.15), N log-uniform on [10^2, 10^5]). Exact upper tails; medians of
//! `repeats` runs (default 7), wall and CPU time, on a pool of `threads` threads
//! (default 2); a third argument keeps only the cases whose name contains it.

use std::time::Instant;

use fastmcnemar_core::control::NeverStop;
use fastmcnemar_core::mcnemar::{Method, bulk::pvalues};
use fastmcnemar_core::rng::{stream, uniform01};
use fastmcnemar_core::{Alternative, rng::StreamRng};

const PAIRS: usize = 1_000_000;

/// CPU time of all this process's threads in ns (Linux; 0 elsewhere).
fn cpu_ns() -> f64 {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return 0.0;
    };
    tasks
        .flatten()
        .filter_map(|t| std::fs::read_to_string(t.path().join("schedstat")).ok())
        .filter_map(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .sum()
}

fn normal(rng: &mut StreamRng) -> f64 {
    let u = uniform01(rng).max(1e-300);
    let v = uniform01(rng);
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

/// b for n trials with success rate 1/2 + U(0, 0.05) (normal approximation).
fn draw_b(rng: &mut StreamRng, n: u64) -> u64 {
    let p = 0.5 + 0.05 * uniform01(rng);
    let sd = (n as f64 * p * (1.0 - p)).sqrt();
    (n as f64 * p + sd * normal(rng))
        .round()
        .clamp(0.0, n as f64) as u64
}

fn case(kind: &str, seed: u64) -> (Vec<u64>, Vec<u64>) {
    let mut rng = stream(seed, 0);
    let (mut b, mut c) = (Vec::with_capacity(PAIRS), Vec::with_capacity(PAIRS));
    for _ in 0..PAIRS {
        let n = match kind {
            "log" => (1e3 * 100f64.powf(uniform01(&mut rng))) as u64,
            "uniform" => 1025 + (uniform01(&mut rng) * 98_976.0) as u64,
            _ => {
                let samples = 1e2 * 1e3f64.powf(uniform01(&mut rng));
                let rate = 0.01 + 0.14 * uniform01(&mut rng);
                let mean = samples * rate;
                (mean + (mean * (1.0 - rate)).sqrt() * normal(&mut rng))
                    .round()
                    .max(0.0) as u64
            }
        };
        let bi = draw_b(&mut rng, n);
        b.push(bi);
        c.push(n - bi);
    }
    (b, c)
}

fn main() {
    let threads = std::env::args()
        .nth(1)
        .and_then(|t| t.parse().ok())
        .unwrap_or(2);
    let repeats: usize = std::env::args()
        .nth(2)
        .and_then(|t| t.parse().ok())
        .unwrap_or(7);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a thread pool");
    // An optional third argument keeps only the cases whose name contains it.
    let only = std::env::args().nth(3).unwrap_or_default();
    let cases: Vec<_> = [
        ("small n (audit mix)", "small", 1),
        ("large n, log-uniform", "log", 2),
        ("large n, uniform", "uniform", 3),
    ]
    .into_iter()
    .filter(|(name, _, _)| name.contains(only.as_str()))
    .map(|(name, kind, seed)| (name, case(kind, seed)))
    .collect();
    let mut times: Vec<Vec<f64>> = vec![Vec::new(); cases.len()];
    let mut cpu: Vec<Vec<f64>> = vec![Vec::new(); cases.len()];
    pool.install(|| {
        for _ in 0..repeats {
            for (i, (_, (b, c))) in cases.iter().enumerate() {
                let (start, start_cpu) = (Instant::now(), cpu_ns());
                let out = pvalues(b, c, Alternative::Greater, Method::Exact, &NeverStop);
                times[i].push(start.elapsed().as_secs_f64());
                cpu[i].push((cpu_ns() - start_cpu) * 1e-9);
                std::hint::black_box(out.expect("valid counts"));
            }
        }
    });
    println!("medians of {repeats}: wall, CPU (all threads)");
    for (((name, _), t), c) in cases.iter().zip(&mut times).zip(&mut cpu) {
        t.sort_by(f64::total_cmp);
        c.sort_by(f64::total_cmp);
        println!(
            "{name:<24} {:>8.4} s {:>8.4} s",
            t[t.len() / 2],
            c[c.len() / 2]
        );
    }
}
