//! Integer codes for the doc ids of a score frame, in one pass.
//!
//! The compare path keys every row by (task, filter, metric) and doc id; these
//! kernels give the doc codes Polars would otherwise compute in several queries
//! (a unique, a parse, a sort and a cast to an enum):
//!
//! - [`doc_codes`]: the distinct doc ids of a frame in the harness's order
//!   (numeric ids by value, then text ids by their bytes) and each row's code
//!   among them; and the codes of another frame's ids in that dictionary.
//! - [`key`]: short ids packed into one integer, so a row costs no `memcmp` call.
//! - [`runs`]: where runs of equal (task, filter, metric) start.
//!
//! Columns arrive through [`TextColumn`], so the core never sees Arrow: the
//! glue reads Polars' buffers in place and implements it.

pub mod doc_codes;
pub mod key;
pub mod runs;

use key::Key;

/// A column of text rows, each a byte string or null.
pub trait TextColumn {
    /// Number of rows.
    fn len(&self) -> usize;

    /// True when the column has no rows.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Row `row`'s bytes, None when null (`row < len()`).
    fn get(&self, row: usize) -> Option<&[u8]>;

    /// Row `row` as a hash key (a column that holds its short rows packed,
    /// as Arrow's string views do, hands them over without unpacking).
    fn key(&self, row: usize) -> Option<Key<'_>> {
        self.get(row).map(Key::of)
    }

    /// Every row's 16-byte Arrow string view (read little-endian), when the
    /// column is one buffer of views without nulls: a short row's view is its
    /// key ([`Key::of_view`]), a longer one's holds its length and first four
    /// bytes. None otherwise: the rows are then read one at a time.
    fn views(&self) -> Option<&[u128]> {
        None
    }
}

impl<S: AsRef<[u8]>> TextColumn for Vec<Option<S>> {
    fn len(&self) -> usize {
        Vec::len(self)
    }

    fn get(&self, row: usize) -> Option<&[u8]> {
        self[row].as_ref().map(AsRef::as_ref)
    }
}

/// A test column that also hands over its views (see [`TextColumn::views`]).
#[cfg(test)]
pub(crate) mod viewed {
    use super::TextColumn;
    use super::key::SHORT;

    /// A column that also hands over views, as Arrow lays them out (padding
    /// of short rows left dirty, long rows pointing at their bytes).
    pub(crate) struct Viewed {
        rows: Vec<Vec<u8>>,
        views: Vec<u128>,
    }

    impl Viewed {
        pub(crate) fn new(ids: &[&str]) -> Self {
            let rows: Vec<Vec<u8>> = ids.iter().map(|s| s.as_bytes().to_vec()).collect();
            let views = rows
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    let mut view = [0xA5u8; 16];
                    view[..4].copy_from_slice(&(r.len() as u32).to_le_bytes());
                    if r.len() <= SHORT {
                        view[4..4 + r.len()].copy_from_slice(r);
                    } else {
                        view[4..8].copy_from_slice(&r[..4]);
                        view[8..12].copy_from_slice(&0u32.to_le_bytes());
                        view[12..].copy_from_slice(&(i as u32).to_le_bytes());
                    }
                    u128::from_le_bytes(view)
                })
                .collect();
            Viewed { rows, views }
        }
    }

    impl TextColumn for Viewed {
        fn len(&self) -> usize {
            self.rows.len()
        }
        fn get(&self, row: usize) -> Option<&[u8]> {
            Some(&self.rows[row])
        }
        fn views(&self) -> Option<&[u128]> {
            Some(&self.views)
        }
    }
}
