//! Doc ids as integer codes in the harness's order.
//!
//! [`code_docs`] finds the distinct ids of a column in one hashing pass, orders
//! them as pairing does (ids that parse as a 64-bit integer first, by value, ties
//! by their bytes; then the others by their bytes: the order of a Polars sort on
//! (`str.to_integer(strict=False)`, id) with nulls last) and codes every row by
//! its id's position in that order. [`lookup_codes`] codes another column's ids
//! in such a dictionary. Null ids are refused (`None`): score frames never hold
//! them, and the caller's general path explains anything else.
//!
//! Frames repeat one sequence of ids per task, so each id remembers the code
//! that followed it last: a row whose key equals that prediction costs one
//! comparison, and only the others a hash lookup.

use super::TextColumn;
use super::key::{Key, KeyHasher, SHORT};
use std::cmp::Ordering;
use std::collections::HashMap;

/// The distinct ids of a column in the harness's order, and every row's code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocCodes {
    /// For each code, the first row holding its id (so the ids are a gather).
    pub first_rows: Vec<u32>,
    /// Each row's code: its id's position in the harness's order.
    pub row_codes: Vec<u32>,
}

/// The integer an id reads as, as Polars' `str.to_integer(strict=False)` reads
/// it: an optional sign and decimal digits, within i64; None otherwise.
pub fn id_number(id: &[u8]) -> Option<i64> {
    std::str::from_utf8(id).ok()?.parse::<i64>().ok()
}

/// The harness's order of two ids (see the module header).
fn harness_order(a: (&[u8], Option<i64>), b: (&[u8], Option<i64>)) -> Ordering {
    match (a.1, b.1) {
        (Some(x), Some(y)) => x.cmp(&y).then_with(|| a.0.cmp(b.0)),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => a.0.cmp(b.0),
    }
}

/// Codes in order of first appearance, each row's found through the prediction
/// of the module header before the hash table.
struct Coder<'a> {
    table: HashMap<Key<'a>, u32, KeyHasher>,
    /// Each code's key.
    keys: Vec<Key<'a>>,
    /// The code that followed each code last (`u32::MAX`: none yet).
    next: Vec<u32>,
    previous: u32,
}

impl<'a> Coder<'a> {
    fn new() -> Self {
        Coder {
            table: HashMap::default(),
            keys: Vec::new(),
            next: Vec::new(),
            previous: u32::MAX,
        }
    }

    /// The code of `key`; a new one (`keys.len()`) when `insert` and unseen,
    /// None when unseen and not `insert`. Inlined into the row loops, with the
    /// column's row access: a call per row, the key passed through memory, was
    /// half of a column's time.
    #[inline(always)]
    fn code(&mut self, key: Key<'a>, insert: bool) -> Option<u32> {
        let predicted = self
            .next
            .get(self.previous as usize)
            .copied()
            .filter(|&c| c != u32::MAX && self.keys[c as usize] == key);
        let code = match predicted {
            Some(code) => code,
            None => {
                let fresh = self.keys.len() as u32;
                let code = match self.table.get(&key) {
                    Some(&code) => code,
                    None if insert => {
                        self.table.insert(key, fresh);
                        self.keys.push(key);
                        self.next.push(u32::MAX);
                        fresh
                    }
                    None => return None,
                };
                if let Some(slot) = self.next.get_mut(self.previous as usize) {
                    *slot = code;
                }
                code
            }
        };
        self.previous = code;
        Some(code)
    }
}

/// Row `row`'s key, straight from the column's views when it has them
/// ([`TextColumn::views`]: a short row's view is its key).
#[inline(always)]
fn key_at<'a, C: TextColumn + ?Sized>(
    ids: &'a C,
    views: Option<&[u128]>,
    row: usize,
) -> Option<Key<'a>> {
    match views {
        Some(views) if views[row] as u32 as usize <= SHORT => Some(Key::of_view(views[row])),
        _ => ids.key(row),
    }
}

/// The distinct ids of `ids` in the harness's order and each row's code; None
/// when an id is null or there are 2^32 - 1 rows or more.
pub fn code_docs<C: TextColumn + ?Sized>(ids: &C) -> Option<DocCodes> {
    let rows = ids.len();
    if u32::try_from(rows).ok()? == u32::MAX {
        return None;
    }
    let mut coder = Coder::new();
    let mut first: Vec<u32> = Vec::new();
    let mut row_codes = Vec::with_capacity(rows);
    let views = ids.views();
    for row in 0..rows {
        let code = coder.code(key_at(ids, views, row)?, true)?;
        if code as usize == first.len() {
            first.push(row as u32);
        }
        row_codes.push(code);
    }
    let id = |code: u32| ids.get(first[code as usize] as usize).unwrap_or_default();
    let numbers: Vec<Option<i64>> = (0..first.len() as u32).map(|c| id_number(id(c))).collect();
    let mut order: Vec<u32> = (0..first.len() as u32).collect();
    // Distinct ids never tie, so an unstable sort gives the one order.
    order.sort_unstable_by(|&a, &b| {
        harness_order((id(a), numbers[a as usize]), (id(b), numbers[b as usize]))
    });
    let mut rank = vec![0u32; order.len()];
    for (position, &code) in order.iter().enumerate() {
        rank[code as usize] = position as u32;
    }
    for code in &mut row_codes {
        *code = rank[*code as usize];
    }
    let first_rows = order.iter().map(|&c| first[c as usize]).collect();
    Some(DocCodes {
        first_rows,
        row_codes,
    })
}

/// The position of each of `ids` in `dictionary` (distinct ids); None when one
/// is null or not there (or the dictionary repeats an id or is null somewhere).
pub fn lookup_codes<D, C>(dictionary: &D, ids: &C) -> Option<Vec<u32>>
where
    D: TextColumn + ?Sized,
    C: TextColumn + ?Sized,
{
    if u32::try_from(dictionary.len()).ok()? == u32::MAX {
        return None;
    }
    let mut coder = Coder::new();
    let (known, views) = (dictionary.views(), ids.views());
    for position in 0..dictionary.len() {
        if coder.code(key_at(dictionary, known, position)?, true)? != position as u32 {
            return None; // a repeated id
        }
    }
    coder.previous = u32::MAX;
    (0..ids.len())
        .map(|row| coder.code(key_at(ids, views, row)?, false))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coding::viewed::Viewed;

    fn column(ids: &[&str]) -> Vec<Option<Vec<u8>>> {
        ids.iter().map(|s| Some(s.as_bytes().to_vec())).collect()
    }

    fn ordered(codes: &DocCodes, ids: &[&str]) -> Vec<String> {
        codes
            .first_rows
            .iter()
            .map(|&r| ids[r as usize].to_string())
            .collect()
    }

    #[test]
    fn numbers_read_as_polars_reads_them() {
        for (id, want) in [
            ("5", Some(5)),
            ("+5", Some(5)),
            ("-0", Some(0)),
            ("007", Some(7)),
            ("9223372036854775807", Some(i64::MAX)),
            ("-9223372036854775808", Some(i64::MIN)),
            ("9223372036854775808", None),
            (" 5", None),
            ("5 ", None),
            ("", None),
            ("+", None),
            ("-", None),
            ("+-5", None),
            ("1e3", None),
            ("5.0", None),
            ("0x10", None),
            ("\u{661}\u{662}", None),
        ] {
            assert_eq!(id_number(id.as_bytes()), want, "{id:?}");
        }
    }

    #[test]
    fn numeric_ids_come_first_by_value_then_text_by_bytes() {
        let ids = [
            "10", "b", "9", "+9", "09", "-1", "a", "é", "", "Z", "10", "9", "1e3",
        ];
        let codes = code_docs(&column(&ids)).unwrap();
        assert_eq!(
            ordered(&codes, &ids),
            ["-1", "+9", "09", "9", "10", "", "1e3", "Z", "a", "b", "é"]
        );
        // Repeated ids share a code; each row's code orders it.
        assert_eq!(codes.row_codes[0], codes.row_codes[10]);
        assert_eq!(codes.row_codes[2], codes.row_codes[11]);
        assert_eq!(codes.row_codes[5], 0);
        assert_eq!(codes.row_codes[12], 6);
        for (row, &code) in codes.row_codes.iter().enumerate() {
            assert_eq!(ids[codes.first_rows[code as usize] as usize], ids[row]);
        }
    }

    #[test]
    fn ids_differing_in_length_or_past_eight_bytes_stay_apart() {
        let ids = [
            "a",
            "a\0",
            "abcdefgh",
            "abcdefgh\0",
            "abcdefghij",
            "abcdefghik",
            "a",
        ];
        let codes = code_docs(&column(&ids)).unwrap();
        assert_eq!(codes.first_rows.len(), 6);
        assert_eq!(codes.row_codes[0], codes.row_codes[6]);
    }

    #[test]
    fn repeated_blocks_and_departures_from_them_code_alike() {
        // Three blocks of one sequence, the second with two ids swapped and a
        // long id: predictions hit, miss and recover.
        let long = "a doc id longer than fifteen bytes";
        let ids = [
            "3", "1", long, "2", //
            "3", long, "1", "2", //
            "3", "1", long, "2",
        ];
        let codes = code_docs(&column(&ids)).unwrap();
        assert_eq!(ordered(&codes, &ids), ["1", "2", "3", long]);
        assert_eq!(codes.row_codes, [2, 0, 3, 1, 2, 3, 0, 1, 2, 0, 3, 1]);
        let dictionary = column(&["1", "2", "3", long]);
        let looked = lookup_codes(&dictionary, &column(&ids)).unwrap();
        assert_eq!(looked, codes.row_codes);
    }

    #[test]
    fn columns_with_views_code_alike() {
        // Short ids read from their views (padding dirty), long ones from bytes.
        let long = "a doc id longer than twelve bytes";
        let ids = ["3", "1", long, "2", "3", long, "1", "2", "10", "-1"];
        let plain = code_docs(&column(&ids)).unwrap();
        assert_eq!(code_docs(&Viewed::new(&ids)).unwrap(), plain);
        let dictionary = ["-1", "1", "2", "3", "10", long];
        let looked = lookup_codes(&Viewed::new(&dictionary), &Viewed::new(&ids)).unwrap();
        assert_eq!(
            looked,
            lookup_codes(&column(&dictionary), &column(&ids)).unwrap()
        );
        assert_eq!(looked, plain.row_codes);
        assert_eq!(
            lookup_codes(&Viewed::new(&dictionary), &Viewed::new(&["4"])),
            None
        );
    }

    #[test]
    fn nulls_are_refused_and_empty_columns_are_empty() {
        let with_null = vec![Some(b"1".to_vec()), None];
        assert_eq!(code_docs(&with_null), None);
        let empty: Vec<Option<Vec<u8>>> = Vec::new();
        let codes = code_docs(&empty).unwrap();
        assert!(codes.first_rows.is_empty() && codes.row_codes.is_empty());
    }

    #[test]
    fn lookups_code_ids_by_dictionary_position() {
        let dictionary = column(&["2", "10", "x"]);
        let ids = column(&["x", "2", "10", "2"]);
        assert_eq!(lookup_codes(&dictionary, &ids), Some(vec![2, 0, 1, 0]));
        let unknown = column(&["2", "3"]);
        assert_eq!(lookup_codes(&dictionary, &unknown), None);
        let null: Vec<Option<Vec<u8>>> = vec![None];
        assert_eq!(lookup_codes(&dictionary, &null), None);
        let repeated = column(&["2", "2"]);
        assert_eq!(lookup_codes(&repeated, &ids), None);
    }
}
