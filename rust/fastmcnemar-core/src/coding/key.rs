//! Ids as hash keys without a byte comparison call per row.
//!
//! Most ids are short ("17", "task_03"): up to 12 bytes pack with their length
//! into one `u128`, so equality is one integer comparison and hashing two
//! multiplications (a `memcmp` call per row costs more than the rest of a
//! lookup). Longer ids stay byte slices. The packing is Arrow's string view
//! of a short string (length as a little-endian u32, then the bytes, zero
//! padded), so a column of views hands its keys over as they are.

use std::hash::{BuildHasherDefault, Hasher};

/// An id as a key: packed when short, else its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Key<'a> {
    /// Length as a little-endian u32 in the low 4 bytes, then the bytes,
    /// zero-padded: the 16 bytes of an Arrow string view, read little-endian.
    Short(u128),
    /// An id longer than [`SHORT`] bytes.
    Long(&'a [u8]),
}

/// The longest id packed into a [`Key::Short`].
pub const SHORT: usize = 12;

impl<'a> Key<'a> {
    /// The key of `id`.
    #[inline(always)]
    pub fn of(id: &'a [u8]) -> Self {
        if id.len() <= SHORT {
            // Byte by byte: a copy of a variable length is a library call.
            let packed = id
                .iter()
                .enumerate()
                .fold(id.len() as u128, |acc, (i, &b)| {
                    acc | (u128::from(b) << (32 + 8 * i))
                });
            Key::Short(packed)
        } else {
            Key::Long(id)
        }
    }

    /// The key of a short id from its Arrow string view (`view` read
    /// little-endian; its length at most [`SHORT`]), whatever the view's padding.
    #[inline(always)]
    pub fn of_view(view: u128) -> Self {
        let len = (view as u32) as usize;
        debug_assert!(len <= SHORT);
        let kept = 32 + 8 * len;
        let mask = if kept >= 128 {
            u128::MAX
        } else {
            (1u128 << kept) - 1
        };
        Key::Short(view & mask)
    }
}

/// A multiply-and-rotate hash over 8-byte words (packed keys are two words).
#[derive(Default)]
pub struct WordHasher(u64);

impl WordHasher {
    fn mix(&mut self, word: u64) {
        self.0 = (self.0 ^ word)
            .wrapping_mul(0x9e37_79b9_7f4a_7c15)
            .rotate_left(31);
    }
}

impl Hasher for WordHasher {
    fn finish(&self) -> u64 {
        // A final mix, so that the table's low bits depend on every word.
        let h = self.0 ^ (self.0 >> 29);
        h.wrapping_mul(0xbf58_476d_1ce4_e5b9) ^ (h >> 32)
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.mix(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        let mut word = [0u8; 8];
        word[..rest.len()].copy_from_slice(rest);
        // The length keeps "a" and "a\0" apart.
        self.mix(u64::from_le_bytes(word) ^ ((rest.len() as u64) << 56));
    }

    fn write_u128(&mut self, value: u128) {
        self.mix(value as u64);
        self.mix((value >> 64) as u64);
    }

    fn write_usize(&mut self, value: usize) {
        self.mix(value as u64);
    }
}

/// Hash maps keyed by [`Key`].
pub type KeyHasher = BuildHasherDefault<WordHasher>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_equal_exactly_when_ids_are() {
        let ids: [&[u8]; 8] = [
            b"",
            b"\0",
            b"a",
            b"a\0",
            b"123456789012",
            b"1234567890123",
            b"1234567890124",
            b"12345678901\0",
        ];
        for a in ids {
            for b in ids {
                assert_eq!(Key::of(a) == Key::of(b), a == b, "{a:?} {b:?}");
            }
        }
        assert!(matches!(Key::of(b"123456789012"), Key::Short(_)));
        assert!(matches!(Key::of(b"1234567890123"), Key::Long(_)));
    }

    #[test]
    fn a_view_gives_the_key_of_its_bytes_whatever_its_padding() {
        for id in [&b""[..], b"a", b"task_03", b"123456789012"] {
            let mut view = [0xAAu8; 16]; // padding left dirty
            view[..4].copy_from_slice(&(id.len() as u32).to_le_bytes());
            view[4..4 + id.len()].copy_from_slice(id);
            let read = Key::of_view(u128::from_le_bytes(view));
            assert_eq!(read, Key::of(id), "{id:?}");
        }
    }
}
