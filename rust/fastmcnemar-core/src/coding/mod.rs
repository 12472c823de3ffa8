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
//!
//! Columns arrive through [`TextColumn`], so the core never sees Arrow: the
//! glue reads Polars' buffers in place and implements it.

pub mod doc_codes;
pub mod key;

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
}

impl<S: AsRef<[u8]>> TextColumn for Vec<Option<S>> {
    fn len(&self) -> usize {
        Vec::len(self)
    }

    fn get(&self, row: usize) -> Option<&[u8]> {
        self[row].as_ref().map(AsRef::as_ref)
    }
}
