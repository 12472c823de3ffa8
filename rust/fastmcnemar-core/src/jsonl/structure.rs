//! Where an array or object ends, found 64 bytes at a time.
//!
//! Skipped values are most of a samples line (lm-eval's `arguments` holds the
//! prompts, ~60 strings a line). Walking them string by string costs a search
//! set-up per string; here each 64-byte block is classified at once (quotes,
//! backslashes, newlines, brackets as bit masks, SSE2), escapes and string
//! interiors are computed with word arithmetic, and only the brackets outside
//! strings are visited one by one.
//!
//! The answer is the byte-wise walk's ([`super::cursor::Cursor`]) or nothing:
//! [`compound_end`] gives up (None) on anything unusual — a backslash outside
//! a string (invalid JSON whose escape meaning differs between the two
//! readings), a newline where the walk reports a truncated line, a mismatched
//! bracket, nesting deeper than [`MAX_DEPTH`], or the text ending first — and
//! the caller walks the value byte by byte for the exact error. Up to the
//! first backslash outside a string the two readings agree on every escape and
//! string boundary, so a block that has none gives the walk's own end.
//!
//! A block that ends inside a string hands over to the SIMD search for the
//! closing quote (`memchr2` crosses a long prompt faster than blocks do) and
//! the blocks start again after it.
//!
//! Only on x86-64, where SSE2 is in the baseline; other targets keep the walk.
//! Where the CPU has AVX2, BMI1 and PCLMULQDQ (checked once per call, a cached
//! flag) the same loop is compiled for them: a block is classified in two
//! 32-byte halves instead of four 16-byte quarters, the string interiors come
//! from one carry-less multiply instead of six shift-and-xor steps, and the
//! bracket loop uses BMI1's bit instructions. The two builds share every line
//! of the loop, so they give the same answer; the tests run both.

use super::cursor::closing_quote;

/// Deepest nesting handled here; deeper values take the byte-wise walk.
const MAX_DEPTH: usize = 64;
/// Bits at even positions of a block.
const EVEN_BITS: u64 = 0x5555_5555_5555_5555;

/// One block's bytes of each kind that matters, bit `i` for byte `i`.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
struct Classes {
    quote: u64,
    backslash: u64,
    newline: u64,
    open: u64,
    close: u64,
}

/// Classifies 64 bytes with SSE2 (part of every x86-64).
#[inline(always)]
fn classify(block: &[u8; 64]) -> Classes {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
    };
    let mut out = Classes::default();
    for lane in 0..4 {
        // SAFETY: SSE2 is in the x86-64 baseline, and the unaligned load reads
        // 16 of the block's 64 bytes.
        unsafe {
            let v = _mm_loadu_si128(block.as_ptr().add(16 * lane).cast::<__m128i>());
            // `{`/`[` and `}`/`]` differ only in bit 0x20: one compare each.
            let folded = _mm_or_si128(v, _mm_set1_epi8(0x20));
            let bits = |eq: __m128i| u64::from(_mm_movemask_epi8(eq) as u16) << (16 * lane);
            out.quote |= bits(_mm_cmpeq_epi8(v, _mm_set1_epi8(b'"' as i8)));
            out.backslash |= bits(_mm_cmpeq_epi8(v, _mm_set1_epi8(b'\\' as i8)));
            out.newline |= bits(_mm_cmpeq_epi8(v, _mm_set1_epi8(b'\n' as i8)));
            out.open |= bits(_mm_cmpeq_epi8(folded, _mm_set1_epi8(b'{' as i8)));
            out.close |= bits(_mm_cmpeq_epi8(folded, _mm_set1_epi8(b'}' as i8)));
        }
    }
    out
}

/// Classifies 64 bytes with AVX2: [`classify`] in two halves.
///
/// # Safety
/// The CPU must support AVX2.
#[target_feature(enable = "avx2")]
#[inline]
unsafe fn classify_avx2(block: &[u8; 64]) -> Classes {
    use std::arch::x86_64::{
        __m256i, _mm256_cmpeq_epi8, _mm256_loadu_si256, _mm256_movemask_epi8, _mm256_or_si256,
        _mm256_set1_epi8,
    };
    let mut out = Classes::default();
    for half in 0..2 {
        // SAFETY: the caller guarantees AVX2; the unaligned load reads 32 of
        // the block's 64 bytes.
        unsafe {
            let v = _mm256_loadu_si256(block.as_ptr().add(32 * half).cast::<__m256i>());
            let folded = _mm256_or_si256(v, _mm256_set1_epi8(0x20));
            let bits = |eq: __m256i| u64::from(_mm256_movemask_epi8(eq) as u32) << (32 * half);
            out.quote |= bits(_mm256_cmpeq_epi8(v, _mm256_set1_epi8(b'"' as i8)));
            out.backslash |= bits(_mm256_cmpeq_epi8(v, _mm256_set1_epi8(b'\\' as i8)));
            out.newline |= bits(_mm256_cmpeq_epi8(v, _mm256_set1_epi8(b'\n' as i8)));
            out.open |= bits(_mm256_cmpeq_epi8(folded, _mm256_set1_epi8(b'{' as i8)));
            out.close |= bits(_mm256_cmpeq_epi8(folded, _mm256_set1_epi8(b'}' as i8)));
        }
    }
    out
}

/// [`prefix_xor`] as one carry-less multiply by all ones.
///
/// # Safety
/// The CPU must support PCLMULQDQ (and SSE2, part of every x86-64).
#[target_feature(enable = "pclmulqdq")]
#[inline]
unsafe fn prefix_xor_clmul(bits: u64) -> u64 {
    use std::arch::x86_64::{_mm_clmulepi64_si128, _mm_cvtsi128_si64, _mm_set_epi64x};
    // SAFETY: the caller guarantees PCLMULQDQ; the rest is SSE2. (These
    // intrinsics need `unsafe` before Rust 1.87; the MSRV is 1.85.)
    #[allow(unused_unsafe)]
    unsafe {
        let product =
            _mm_clmulepi64_si128(_mm_set_epi64x(0, bits as i64), _mm_set_epi64x(0, -1), 0);
        _mm_cvtsi128_si64(product) as u64
    }
}

/// Which bytes of each block are escaped, carrying runs of backslashes across
/// block boundaries.
#[derive(Debug, Default)]
struct Escapes {
    /// 1 when byte 0 of the next block is escaped.
    carry: u64,
}

impl Escapes {
    /// The escaped bytes of a block with these backslashes: those right after
    /// a run of backslashes of odd length.
    ///
    /// Adding a run's first bit to the mask carries through the run and sets
    /// the bit just past it; the run is odd exactly when that bit's position
    /// has the other parity than the start's. Runs starting at even and at odd
    /// positions are added separately so each sum only moves its own runs.
    fn escaped(&mut self, backslash: u64) -> u64 {
        // An escaped backslash at byte 0 is not the start of a run.
        let runs = backslash & !self.carry;
        let starts = runs & !(runs << 1);
        let (even_sum, _) = runs.overflowing_add(starts & EVEN_BITS);
        let (odd_sum, odd_overflow) = runs.overflowing_add(starts & !EVEN_BITS);
        // A run that reaches the end escapes byte 64 (even) when it started odd.
        let escaped = (even_sum & !runs & !EVEN_BITS) | (odd_sum & !runs & EVEN_BITS) | self.carry;
        self.carry = u64::from(odd_overflow);
        escaped
    }
}

/// Bit `i` set when an odd number of bits at positions `0..=i` are set.
fn prefix_xor(mut bits: u64) -> u64 {
    for shift in [1, 2, 4, 8, 16, 32] {
        bits ^= bits << shift;
    }
    bits
}

/// The position just past the bracket that closes the array or object opened
/// at `bytes[start]`, or None where the byte-wise walk must decide (see the
/// module notes). `multiline`: newlines outside strings are whitespace (a
/// whole document); otherwise any newline ends the record.
pub(super) fn compound_end(bytes: &[u8], start: usize, multiline: bool) -> Option<usize> {
    if wide_simd() {
        // SAFETY: the CPU has the features, checked just above.
        unsafe { compound_end_wide(bytes, start, multiline) }
    } else {
        compound_end_with::<false>(bytes, start, multiline)
    }
}

/// Whether this CPU has what [`compound_end_wide`] is compiled for (the
/// answer is cached by the standard library after the first call).
fn wide_simd() -> bool {
    std::arch::is_x86_feature_detected!("avx2")
        && std::arch::is_x86_feature_detected!("bmi1")
        && std::arch::is_x86_feature_detected!("pclmulqdq")
}

/// [`compound_end`] compiled for AVX2, BMI1 and PCLMULQDQ.
///
/// # Safety
/// The CPU must support the three ([`wide_simd`]).
#[target_feature(enable = "avx2,bmi1,pclmulqdq")]
unsafe fn compound_end_wide(bytes: &[u8], start: usize, multiline: bool) -> Option<usize> {
    compound_end_with::<true>(bytes, start, multiline)
}

/// The block loop; `WIDE`: the AVX2 / PCLMULQDQ steps, only ever compiled
/// into [`compound_end_wide`].
#[inline(always)]
fn compound_end_with<const WIDE: bool>(
    bytes: &[u8],
    start: usize,
    multiline: bool,
) -> Option<usize> {
    let mut stack = [0u8; MAX_DEPTH];
    let mut depth = 0usize;
    let mut escapes = Escapes::default();
    let mut in_string = 0u64; // all ones while a string continues into the next block
    let mut at = start;
    // The last, short block only (there is at most one): zeroed once, not per block.
    let mut padded = [0u8; 64];
    while at < bytes.len() {
        let block: &[u8; 64] = match bytes.get(at..at + 64) {
            Some(full) => full.try_into().ok()?,
            None => {
                // Zero bytes belong to no class, so padding adds nothing.
                let tail = &bytes[at..];
                padded[..tail.len()].copy_from_slice(tail);
                &padded
            }
        };
        let classes = if WIDE {
            // SAFETY: `WIDE` is true only inside `compound_end_wide`, which
            // runs only where the CPU has AVX2.
            unsafe { classify_avx2(block) }
        } else {
            classify(block)
        };
        let quotes = classes.quote & !escapes.escaped(classes.backslash);
        let interiors = if WIDE {
            // SAFETY: as above, where the CPU has PCLMULQDQ.
            unsafe { prefix_xor_clmul(quotes) }
        } else {
            prefix_xor(quotes)
        };
        let inside = interiors ^ in_string;
        in_string = 0u64.wrapping_sub(inside >> 63);
        let newlines = if multiline {
            classes.newline & inside
        } else {
            classes.newline
        };
        let unusual = (classes.backslash & !inside) | newlines;
        let mut brackets = (classes.open | classes.close) & !inside;
        while brackets != 0 {
            let bit = brackets.trailing_zeros() as usize;
            let byte = block[bit];
            if classes.open >> bit & 1 == 1 {
                if depth == MAX_DEPTH {
                    return None;
                }
                stack[depth] = byte + 2; // `[` + 2 is `]`, `{` + 2 is `}`
                depth += 1;
            } else {
                if depth == 0 || stack[depth - 1] != byte {
                    return None;
                }
                depth -= 1;
                if depth == 0 {
                    let through = u64::MAX >> (63 - bit);
                    return (unusual & through == 0).then_some(at + bit + 1);
                }
            }
            brackets &= brackets - 1;
        }
        if unusual != 0 {
            return None;
        }
        if in_string == 0 {
            at += 64;
            continue;
        }
        // A string runs on: long ones (prompts) are crossed by the SIMD
        // search, faster than block by block; the quote ends it afresh.
        if at + 64 >= bytes.len() {
            return None; // the text ends inside the string
        }
        at = closing_quote(bytes, at + 64)? + 1;
        in_string = 0;
        escapes = Escapes::default();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::super::cursor::Cursor;
    use super::*;
    use crate::rng::stream;
    use rand::Rng;

    /// Escaped bytes by definition: after an odd run of backslashes. Only
    /// bytes other than backslashes count (a quote is never a backslash).
    fn escaped_plainly(text: &[u8]) -> Vec<bool> {
        let mut out = vec![false; text.len()];
        let mut run = 0usize;
        for (i, &b) in text.iter().enumerate() {
            out[i] = run % 2 == 1;
            run = if b == b'\\' { run + 1 } else { 0 };
        }
        out
    }

    #[test]
    fn escapes_agree_with_the_definition_across_blocks() {
        let mut rng = stream(7, 0);
        for _ in 0..2000 {
            let len = 64 * 4;
            // Dense backslashes make long runs that cross block edges.
            let text: Vec<u8> = (0..len)
                .map(|_| if rng.next_u64() % 3 == 0 { b'a' } else { b'\\' })
                .collect();
            let mut escapes = Escapes::default();
            let mut got = Vec::new();
            for block in text.chunks(64) {
                let block: &[u8; 64] = block.try_into().unwrap();
                let mask = escapes.escaped(classify(block).backslash);
                got.extend((0..64).map(|i| mask >> i & 1 == 1));
            }
            let want = escaped_plainly(&text);
            for (i, &b) in text.iter().enumerate() {
                if b != b'\\' {
                    assert_eq!(got[i], want[i], "byte {i}");
                }
            }
        }
    }

    #[test]
    fn classes_and_prefix_xor_match_plain_loops() {
        let mut rng = stream(11, 0);
        let alphabet = b"\"\\\n{}[]a ";
        for _ in 0..500 {
            let block: [u8; 64] = std::array::from_fn(|_| alphabet[(rng.next_u64() % 9) as usize]);
            let mask = |pred: &dyn Fn(u8) -> bool| {
                (0..64).fold(0u64, |m, i| m | u64::from(pred(block[i])) << i)
            };
            let got = classify(&block);
            assert_eq!(got.quote, mask(&|b| b == b'"'));
            assert_eq!(got.backslash, mask(&|b| b == b'\\'));
            assert_eq!(got.newline, mask(&|b| b == b'\n'));
            assert_eq!(got.open, mask(&|b| b == b'{' || b == b'['));
            assert_eq!(got.close, mask(&|b| b == b'}' || b == b']'));
            let quotes = got.quote;
            let plain = (0..64).fold(0u64, |m, i| {
                m | u64::from((quotes & (u64::MAX >> (63 - i))).count_ones() % 2) << i
            });
            assert_eq!(prefix_xor(quotes), plain);
            if wide_simd() {
                // SAFETY: the CPU has AVX2 and PCLMULQDQ, checked just above.
                unsafe {
                    assert_eq!(classify_avx2(&block), got);
                    assert_eq!(prefix_xor_clmul(quotes), plain);
                }
            }
        }
    }

    /// The byte-wise walk's end of the value at 0, or None for its errors.
    fn walk_end<const MULTILINE: bool>(text: &[u8]) -> Option<usize> {
        let mut cur = Cursor::<MULTILINE>::new(text);
        cur.walk_compound().ok().map(|()| cur.pos)
    }

    /// Gives the walk's end, or gives up (None) where the walk may not agree;
    /// the SSE2 and the wide build give the same answer.
    fn check(text: &[u8]) {
        for (multiline, walked) in [
            (false, walk_end::<false>(text)),
            (true, walk_end::<true>(text)),
        ] {
            let narrow = compound_end_with::<false>(text, 0, multiline);
            if wide_simd() {
                // SAFETY: the CPU has the features, checked just above.
                let wide = unsafe { compound_end_wide(text, 0, multiline) };
                assert_eq!(wide, narrow, "{:?}", String::from_utf8_lossy(text));
            }
            if let Some(end) = narrow {
                assert_eq!(Some(end), walked, "{:?}", String::from_utf8_lossy(text));
            }
        }
    }

    #[test]
    fn ends_where_the_walk_ends() {
        let cases: &[(&str, Option<usize>)] = &[
            ("[]", Some(2)),
            ("{} tail", Some(2)),
            (r#"{"a": [1, {"b": "]}"}], "c": "\\\""}, 1"#, Some(36)),
            (r#"["\\\\", "x\"]"] ,"#, Some(16)),
            ("[1, 2", None),      // ends first
            ("[1}", None),        // mismatched
            ("[\"a\nb\"]", None), // newline inside a string
            ("[1,\n2]", None),    // newline in a record
            ("[\\\"]\"]", None),  // backslash outside a string
        ];
        for &(text, want) in cases {
            assert_eq!(compound_end(text.as_bytes(), 0, false), want, "{text}");
            check(text.as_bytes());
        }
        assert_eq!(compound_end(b"[1,\n2]", 0, true), Some(6));
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        assert_eq!(compound_end(deep.as_bytes(), 0, false), None);
        let deepest = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert_eq!(
            compound_end(deepest.as_bytes(), 0, false),
            Some(2 * MAX_DEPTH)
        );
    }

    #[test]
    fn random_texts_end_where_the_walk_ends() {
        // Short alphabets make every kind of byte frequent: escapes next to
        // quotes, brackets inside strings, runs across block edges.
        let mut rng = stream(13, 0);
        let alphabet = b"\"\\\n{}[]a :,";
        let mut agreed = 0;
        for _ in 0..20_000 {
            let len = 1 + (rng.next_u64() % 300) as usize;
            let mut text: Vec<u8> = (0..len)
                .map(|_| alphabet[(rng.next_u64() % 11) as usize])
                .collect();
            text[0] = if rng.next_u64() % 2 == 0 { b'[' } else { b'{' };
            check(&text);
            agreed += usize::from(compound_end(&text, 0, true).is_some());
        }
        // Well-formed values of many blocks, from strings with escapes.
        for _ in 0..2_000 {
            let mut text = b"{".to_vec();
            for member in 0..(rng.next_u64() % 40) {
                if member > 0 {
                    text.push(b',');
                }
                text.extend_from_slice(b"\"k\": [\"");
                for _ in 0..(rng.next_u64() % 200) {
                    let pick = rng.next_u64() % 8;
                    text.extend_from_slice(match pick {
                        0 => b"\\\"".as_slice(),
                        1 => b"\\\\",
                        2 => b"\\n",
                        3 => b"]}{[",
                        _ => b"ab",
                    });
                }
                text.extend_from_slice(b"\", {}]");
            }
            text.extend_from_slice(b"} ");
            let end = compound_end(&text, 0, false);
            assert_eq!(end, Some(text.len() - 1));
            check(&text);
            agreed += 1;
        }
        // The random texts, not only the well-formed ones, reach an end.
        assert!(agreed > 3_000, "{agreed}");
    }
}
