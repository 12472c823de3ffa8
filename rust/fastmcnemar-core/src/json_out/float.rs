//! A double as Python's `repr` (and so `json.dumps`) writes it.
//!
//! Both Python and Rust print the shortest digit string that reads back as
//! the same double (Python by David Gay's dtoa, Rust by Grisu with a Dragon
//! fallback); only the layout differs. Python writes decimal exponents from
//! -4 to 15 as a plain number with at least one digit after the point
//! (`0.0001`, `123.0`, `1000000000000000.0`) and the others in exponent form
//! with a sign and at least two exponent digits (`1e-05`, `1.5e+16`). So the
//! digits come from Rust's `{:e}` and the layout is Python's. Whole numbers
//! below 2^53 (most scores are 0 or 1) skip the digit search.
//!
//! One difference in the digits: when two shortest strings read back as `x`
//! and `x` lies exactly half-way between them (2^49 + 0.25 is
//! 562949953421312.2 or .3), Rust takes the upper one, Python the one whose
//! last digit is even. Such ties are found by reading the lower string back
//! and, when it too gives `x`, by `x`'s exact decimal expansion.

use std::io::Write;

/// Largest whole number written by the integer shortcut: exact in a double,
/// and below 1e16, where Python switches to exponent form.
const WHOLE_MAX: f64 = 9_007_199_254_740_992.0;

/// Appends `repr(x)` for a finite `x`.
pub fn write_py_float(x: f64, out: &mut Vec<u8>) {
    debug_assert!(x.is_finite());
    if x == x.trunc() && x.abs() < WHOLE_MAX {
        if x == 0.0 && x.is_sign_negative() {
            out.extend_from_slice(b"-0.0");
        } else {
            // Exact: |x| < 2^53.
            let _ = write!(out, "{}.0", x as i64);
        }
        return;
    }
    let mut text = [0u8; 40];
    let mut cursor = std::io::Cursor::new(&mut text[..]);
    // Shortest round-trip digits: "-d.ddde-7" (at most 17 digits: fits).
    let _ = write!(cursor, "{x:e}");
    let len = cursor.position() as usize;
    let text = &text[..len];
    let (negative, text) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, text),
    };
    let e_at = text.iter().position(|&c| c == b'e').unwrap_or(text.len());
    let (mantissa, exponent) = (&text[..e_at], &text[(e_at + 1).min(text.len())..]);
    let exponent: i32 = std::str::from_utf8(exponent)
        .ok()
        .and_then(|e| e.parse().ok())
        .unwrap_or(0);
    let mut digits: Vec<u8> = mantissa.iter().copied().filter(|&c| c != b'.').collect();
    if let Some(even) = half_even_tie(x.abs(), &digits, exponent) {
        digits = even;
    }
    if negative {
        out.push(b'-');
    }
    if (-4..16).contains(&exponent) {
        plain_layout(&digits, exponent, out);
    } else {
        exponent_layout(&digits, exponent, out);
    }
}

/// The lower shortest digits where `x` (> 0) lies exactly half-way between
/// them and `digits` (Rust's choice) and their last digit is even (Python's
/// choice); None otherwise.
fn half_even_tie(x: f64, digits: &[u8], exponent: i32) -> Option<Vec<u8>> {
    let (&last, _) = digits.split_last()?;
    // Rust's digits are the upper of a tie: the lower one ends in last - 1, even.
    if digits.len() < 2 || last == b'0' || (last - b'0' - 1) % 2 != 0 {
        return None;
    }
    let mut lower = digits.to_vec();
    *lower.last_mut()? -= 1;
    let text = format!(
        "{}e{}",
        std::str::from_utf8(&lower).ok()?,
        exponent + 1 - digits.len() as i32
    );
    if text.parse::<f64>().ok()? != x {
        return None;
    }
    // Both read back as x: a tie only if x is exactly lower + 1/2 in the last place.
    // A double's expansion ends within 767 significant digits.
    let exact = format!("{x:.800e}");
    let exact: Vec<u8> = exact
        .bytes()
        .take_while(|&c| c != b'e')
        .filter(|&c| c != b'.')
        .collect();
    let (head, rest) = exact.split_at(lower.len());
    let tie = head == lower.as_slice()
        && rest.first() == Some(&b'5')
        && rest[1..].iter().all(|&c| c == b'0');
    tie.then_some(lower)
}

/// d.ddd x 10^exponent as a plain number, with at least one digit after the point.
fn plain_layout(digits: &[u8], exponent: i32, out: &mut Vec<u8>) {
    if exponent < 0 {
        out.extend_from_slice(b"0.");
        out.extend(std::iter::repeat_n(b'0', (-exponent - 1) as usize));
        out.extend_from_slice(digits);
        return;
    }
    let whole = exponent as usize + 1;
    if digits.len() <= whole {
        out.extend_from_slice(digits);
        out.extend(std::iter::repeat_n(b'0', whole - digits.len()));
        out.extend_from_slice(b".0");
    } else {
        out.extend_from_slice(&digits[..whole]);
        out.push(b'.');
        out.extend_from_slice(&digits[whole..]);
    }
}

/// d.ddde+XX: a point only with more than one digit, a signed exponent of at least two digits.
fn exponent_layout(digits: &[u8], exponent: i32, out: &mut Vec<u8>) {
    out.push(digits[0]);
    if digits.len() > 1 {
        out.push(b'.');
        out.extend_from_slice(&digits[1..]);
    }
    let sign = if exponent < 0 { '-' } else { '+' };
    let _ = write!(out, "e{sign}{:02}", exponent.unsigned_abs());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repr(x: f64) -> String {
        let mut out = Vec::new();
        write_py_float(x, &mut out);
        String::from_utf8(out).unwrap()
    }

    /// What CPython 3.11 prints for each (`repr(x)`).
    #[test]
    fn python_layouts() {
        let cases: [(f64, &str); 26] = [
            // 2^49 + 1/4 and 2^49 + 3/4: half-way ties, the even digit.
            ((1u64 << 49) as f64 + 0.25, "562949953421312.2"),
            ((1u64 << 49) as f64 + 0.75, "562949953421312.8"),
            ((1u64 << 50) as f64 + 0.5, "1125899906842624.5"),
            ((1u64 << 48) as f64 + 0.125, "281474976710656.1"),
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (1.0, "1.0"),
            (-3.0, "-3.0"),
            (0.5, "0.5"),
            (0.1, "0.1"),
            (0.0001, "0.0001"),
            (0.00012, "0.00012"),
            (1e-5, "1e-05"),
            (1.5e-7, "1.5e-07"),
            (123.456, "123.456"),
            (1e15, "1000000000000000.0"),
            (1e16, "1e+16"),
            (1.2345e16, "1.2345e+16"),
            (9_007_199_254_740_993.0, "9007199254740992.0"),
            (0.78802490234375, "0.78802490234375"),
            (-0.010442368759777842, "-0.010442368759777842"),
            (5e-324, "5e-324"),
            (f64::MAX, "1.7976931348623157e+308"),
            (1e100, "1e+100"),
            (2.5e-100, "2.5e-100"),
            (123_456_789.125, "123456789.125"),
        ];
        for (x, want) in cases {
            assert_eq!(repr(x), want, "{x:e}");
        }
    }
}
