//! A plain iterative radix-2 complex FFT, enough for the lattice null.
//!
//! Twiddle factors are computed directly with `sin_cos` (no recurrences), so
//! the rounding error of a length-L transform stays at O(eps log L).

/// A complex number as (re, im).
pub type Complex = (f64, f64);

/// In-place inverse DFT without the 1/L factor:
/// `x[p] <- sum_r x[r] exp(+2 pi i r p / L)`. `x.len()` must be a power of two.
pub fn inverse_dft_in_place(x: &mut [Complex]) {
    let n = x.len();
    assert!(n.is_power_of_two(), "FFT length must be a power of two");
    if n < 2 {
        return;
    }
    let bits = n.trailing_zeros();
    for i in 0..n {
        let j = i.reverse_bits() >> (usize::BITS - bits);
        if i < j {
            x.swap(i, j);
        }
    }
    let twiddles: Vec<Complex> = (0..n / 2)
        .map(|k| {
            let (s, c) = (2.0 * std::f64::consts::PI * k as f64 / n as f64).sin_cos();
            (c, s)
        })
        .collect();
    let mut size = 2;
    while size <= n {
        let half = size / 2;
        let stride = n / size;
        for start in (0..n).step_by(size) {
            for k in 0..half {
                let w = twiddles[k * stride];
                let a = x[start + k];
                let b = x[start + k + half];
                let t = (b.0 * w.0 - b.1 * w.1, b.0 * w.1 + b.1 * w.0);
                x[start + k] = (a.0 + t.0, a.1 + t.1);
                x[start + k + half] = (a.0 - t.0, a.1 - t.1);
            }
        }
        size *= 2;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_direct_sum() {
        let input: Vec<Complex> = (0..16)
            .map(|i| (i as f64 * 0.3, 1.0 / (1.0 + i as f64)))
            .collect();
        let mut fast = input.clone();
        inverse_dft_in_place(&mut fast);
        for (p, got) in fast.iter().enumerate() {
            let mut want = (0.0, 0.0);
            for (r, v) in input.iter().enumerate() {
                let a = 2.0 * std::f64::consts::PI * (r * p) as f64 / 16.0;
                want.0 += v.0 * a.cos() - v.1 * a.sin();
                want.1 += v.0 * a.sin() + v.1 * a.cos();
            }
            assert!((got.0 - want.0).abs() < 1e-12 && (got.1 - want.1).abs() < 1e-12);
        }
    }
}
