//! Seeded random streams.
//!
//! Resampling work is cut into chunks of a fixed size that does not depend
//! on the number of threads; chunk `i` draws from its own stream
//! `stream(seed, i)`. Whatever thread runs a chunk, it sees the same numbers,
//! so a seed gives the same answer on 1 thread or 64.

use rand::SeedableRng;
pub use rand_xoshiro::Xoshiro256PlusPlus as StreamRng;

/// Golden-ratio increment of SplitMix64.
const GOLDEN_GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// SplitMix64's output function: a bijective 64-bit mixer.
fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The random stream for chunk `stream` of a computation seeded with `seed`.
///
/// The 256-bit xoshiro state is filled by SplitMix64 started from a mix of
/// both numbers, which is how the xoshiro authors recommend seeding it;
/// distinct (seed, stream) pairs give unrelated streams.
pub fn stream(seed: u64, stream: u64) -> StreamRng {
    let start = mix64(seed ^ mix64(stream.wrapping_add(GOLDEN_GAMMA)));
    StreamRng::seed_from_u64(start)
}

/// A uniform double in [0, 1) with 53 random bits.
pub fn uniform01(rng: &mut StreamRng) -> f64 {
    use rand::Rng;
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn same_seed_and_stream_give_the_same_numbers() {
        let a: Vec<u64> = (0..4).map(|_| stream(7, 3).next_u64()).collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
    }

    #[test]
    fn streams_differ() {
        let x = stream(7, 0).next_u64();
        let y = stream(7, 1).next_u64();
        let z = stream(8, 0).next_u64();
        assert_ne!(x, y);
        assert_ne!(x, z);
    }

    #[test]
    fn uniform_lies_in_unit_interval() {
        let mut rng = stream(1, 1);
        for _ in 0..1000 {
            let u = uniform01(&mut rng);
            assert!((0.0..1.0).contains(&u));
        }
    }
}
