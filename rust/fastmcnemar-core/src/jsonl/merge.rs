//! Joining the segments' columns into one column per key, in parallel.
//!
//! The output is allocated zeroed (the allocator hands back untouched pages)
//! and each segment copies into its own disjoint slice of it, so the cost of
//! first touching hundreds of megabytes is shared by every thread instead of
//! paid on one.

use rayon::prelude::*;

use super::{Column, Scan, Texts};

/// Where one segment's values of one column go.
struct Slot<'a> {
    kinds: &'a mut [u8],
    numbers: &'a mut [f64],
    texts: Option<TextSlot<'a>>,
}

struct TextSlot<'a> {
    data: &'a mut [u8],
    /// The segment's end offsets (its rows' `offsets[1..]`), rebased.
    ends: &'a mut [i64],
    valid: &'a mut [bool],
    /// Bytes of text before this segment's.
    base: i64,
}

/// Splits `whole` into consecutive slices of the given lengths.
fn carve<T>(mut whole: &mut [T], lengths: impl Iterator<Item = usize>) -> Vec<&mut [T]> {
    let mut parts = Vec::new();
    for length in lengths {
        let (part, rest) = whole.split_at_mut(length);
        parts.push(part);
        whole = rest;
    }
    parts
}

/// An empty output column for `parts`' rows (one entry per segment).
fn allocate(parts: &[&Column], rows: usize) -> Column {
    let texts = parts.first().and_then(|c| c.texts.as_ref()).map(|_| {
        let bytes: usize = parts
            .iter()
            .filter_map(|c| c.texts.as_ref())
            .map(|t| t.data.len())
            .sum();
        Texts {
            data: vec![0; bytes],
            offsets: vec![0; rows + 1],
            valid: vec![false; rows],
        }
    });
    let numbers = parts.iter().map(|c| c.numbers.len()).sum();
    Column {
        kinds: vec![0; rows],
        numbers: vec![0.0; numbers],
        texts,
    }
}

/// The slots of every segment in `out`, for the segments' columns `parts`.
fn slots<'a>(out: &'a mut Column, parts: &[&Column]) -> Vec<Slot<'a>> {
    let rows = || parts.iter().map(|c| c.kinds.len());
    let kinds = carve(&mut out.kinds, rows());
    let numbers = carve(&mut out.numbers, parts.iter().map(|c| c.numbers.len()));
    let mut texts: Vec<Option<TextSlot<'a>>> = match out.texts.as_mut() {
        None => parts.iter().map(|_| None).collect(),
        Some(all) => {
            let sizes: Vec<usize> = parts
                .iter()
                .map(|c| c.texts.as_ref().map_or(0, |t| t.data.len()))
                .collect();
            let bases = sizes.iter().scan(0i64, |sum, &size| {
                let base = *sum;
                *sum += size as i64;
                Some(base)
            });
            let data = carve(&mut all.data, sizes.iter().copied());
            let ends = carve(&mut all.offsets[1..], rows());
            let valid = carve(&mut all.valid, rows());
            data.into_iter()
                .zip(ends)
                .zip(valid)
                .zip(bases)
                .map(|(((data, ends), valid), base)| {
                    Some(TextSlot {
                        data,
                        ends,
                        valid,
                        base,
                    })
                })
                .collect()
        }
    };
    kinds
        .into_iter()
        .zip(numbers)
        .zip(texts.drain(..))
        .map(|((kinds, numbers), texts)| Slot {
            kinds,
            numbers,
            texts,
        })
        .collect()
}

fn fill(slot: Slot<'_>, part: &Column) {
    slot.kinds.copy_from_slice(&part.kinds);
    slot.numbers.copy_from_slice(&part.numbers);
    if let (Some(to), Some(from)) = (slot.texts, part.texts.as_ref()) {
        to.data.copy_from_slice(&from.data);
        for (end, &offset) in to.ends.iter_mut().zip(&from.offsets[1..]) {
            *end = offset + to.base;
        }
        to.valid.copy_from_slice(&from.valid);
    }
}

/// One scan from the segments' rows, columns and line starts, in segment order.
pub(super) fn merge(pieces: Vec<(usize, Vec<Column>, Vec<u64>)>, n_columns: usize) -> Scan {
    let rows: usize = pieces.iter().map(|(r, _, _)| r).sum();
    let mut columns = Vec::with_capacity(n_columns);
    let mut per_piece: Vec<Vec<Slot<'_>>> = pieces.iter().map(|_| Vec::new()).collect();
    let parts: Vec<Vec<&Column>> = (0..n_columns)
        .map(|k| pieces.iter().map(|(_, c, _)| &c[k]).collect())
        .collect();
    for part in &parts {
        columns.push(allocate(part, rows));
    }
    for (out, part) in columns.iter_mut().zip(&parts) {
        for (slots, slot) in per_piece.iter_mut().zip(slots(out, part)) {
            slots.push(slot);
        }
    }
    per_piece
        .into_par_iter()
        .zip(&pieces)
        .for_each(|(slots, (_, piece_columns, _))| {
            for (slot, part) in slots.into_iter().zip(piece_columns) {
                fill(slot, part);
            }
        });
    let starts = pieces.into_iter().flat_map(|(_, _, s)| s).collect();
    Scan {
        rows,
        columns,
        starts,
    }
}
