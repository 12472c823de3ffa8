//! Text columns read in place from an object's Arrow C stream
//! (`__arrow_c_stream__`, the Arrow PyCapsule protocol): a Polars Series of
//! strings hands over its buffers, no row becomes a Python object or a copy.
//!
//! Layouts read: utf8 views (`vu`, Polars' own), utf8 (`u`) and large utf8
//! (`U`), in any number of chunks. Anything else is `None` to the caller,
//! which then takes its Polars path; so is a view pointing outside its data
//! buffers (read as a null, which the kernels decline). The stream and its arrays are released
//! when the [`ArrowText`] is dropped.

use std::ffi::CStr;
use std::ptr;

use fastmcnemar_core::coding::TextColumn;
use fastmcnemar_core::coding::key::{Key, SHORT};
use pyo3::ffi;
use pyo3::prelude::*;

use crate::arrow_ffi::{ArrowArray, ArrowArrayStream, ArrowSchema};

const STREAM_CAPSULE: &CStr = c"arrow_array_stream";

/// How a chunk lays out its rows.
#[derive(Clone, Copy, PartialEq)]
enum Layout {
    Views,
    Offsets32,
    Offsets64,
}

/// One imported chunk: its layout and buffer addresses, valid until released.
struct Chunk {
    array: ArrowArray,
    layout: Layout,
    rows: usize,
}

impl Drop for Chunk {
    fn drop(&mut self) {
        if let Some(release) = self.array.release {
            // SAFETY: the producer's callback, called once on the array it filled.
            unsafe { release(&mut self.array) };
        }
    }
}

// Row access is inlined into the kernels' row loops (`#[inline(always)]`): a
// call per row, the key passed through memory, was half of a column's time.
impl Chunk {
    #[inline(always)]
    fn buffer(&self, i: usize) -> *const u8 {
        // SAFETY: `i` < n_buffers, checked when the chunk was imported.
        unsafe { *self.array.buffers.add(i) as *const u8 }
    }

    #[inline(always)]
    fn is_valid(&self, row: usize) -> bool {
        let validity = self.buffer(0);
        if self.array.null_count == 0 || validity.is_null() {
            return true;
        }
        let bit = row + self.array.offset as usize;
        // SAFETY: the validity bitmap covers offset + length bits.
        unsafe { *validity.add(bit / 8) & (1 << (bit % 8)) != 0 }
    }

    /// Row `row` as a key: a short string's view is its key (see
    /// `fastmcnemar_core::coding::key`), read without unpacking.
    #[inline(always)]
    fn key(&self, row: usize) -> Option<Key<'_>> {
        if self.layout != Layout::Views {
            return self.get(row).map(Key::of);
        }
        if !self.is_valid(row) {
            return None;
        }
        let at = row + self.array.offset as usize;
        // SAFETY: the views buffer holds 16 bytes for every row of the chunk.
        let view = unsafe { (self.buffer(1).add(16 * at) as *const u128).read_unaligned() };
        if (view as u32) as usize <= SHORT {
            Some(Key::of_view(u128::from_le(view)))
        } else {
            self.get(row).map(Key::Long)
        }
    }

    #[inline(always)]
    fn get(&self, row: usize) -> Option<&[u8]> {
        if !self.is_valid(row) {
            return None;
        }
        let at = row + self.array.offset as usize;
        // SAFETY: the producer guarantees the buffers of its layout hold every
        // row of offset..offset + length; slices live as long as the chunk.
        unsafe {
            match self.layout {
                Layout::Views => {
                    let view = self.buffer(1).add(16 * at);
                    let len = (view as *const u32).read_unaligned() as usize;
                    if len <= 12 {
                        Some(std::slice::from_raw_parts(view.add(4), len))
                    } else {
                        let index = (view.add(8) as *const u32).read_unaligned() as usize;
                        let offset = (view.add(12) as *const u32).read_unaligned() as usize;
                        // The data buffers sit between the views and the sizes
                        // buffer (the last): a view outside them reads as absent.
                        let data_buffers = self.array.n_buffers as usize - 3;
                        if index >= data_buffers {
                            return None;
                        }
                        let sizes = self.buffer(self.array.n_buffers as usize - 1) as *const i64;
                        let size = sizes.add(index).read_unaligned();
                        if (offset + len) as i64 > size {
                            return None;
                        }
                        let data = self.buffer(2 + index);
                        Some(std::slice::from_raw_parts(data.add(offset), len))
                    }
                }
                Layout::Offsets32 => Some(self.offsets_row::<i32>(at)),
                Layout::Offsets64 => Some(self.offsets_row::<i64>(at)),
            }
        }
    }

    /// Row `at` (the array's offset included) of a utf8 (`O` = i32) or large
    /// utf8 (`O` = i64) array: its bytes between two offsets.
    ///
    /// # Safety
    /// The chunk has that layout and `at` is one of its rows.
    #[inline(always)]
    unsafe fn offsets_row<O: Copy + Into<i64>>(&self, at: usize) -> &[u8] {
        // SAFETY: the caller's layout: an offsets buffer of `O` with one more
        // entry than rows, then the data buffer they point into.
        unsafe {
            let offsets = self.buffer(1) as *const O;
            let start = offsets.add(at).read_unaligned().into() as usize;
            let end = offsets.add(at + 1).read_unaligned().into() as usize;
            std::slice::from_raw_parts(self.buffer(2).add(start), end - start)
        }
    }
}

/// A text column imported from an Arrow C stream.
pub struct ArrowText {
    chunks: Vec<Chunk>,
    /// First row of each chunk, and the total at the end.
    starts: Vec<usize>,
}

impl TextColumn for ArrowText {
    fn len(&self) -> usize {
        self.starts.last().copied().unwrap_or(0)
    }

    fn views(&self) -> Option<&[u128]> {
        let [chunk] = self.chunks.as_slice() else {
            return None;
        };
        let views = chunk.buffer(1);
        if chunk.layout != Layout::Views
            || chunk.array.null_count != 0
            || views.is_null()
            || cfg!(target_endian = "big")
        {
            return None;
        }
        // SAFETY: the views buffer holds 16 bytes for every row of
        // offset..offset + length, alive as long as the chunk; read as u128
        // only when aligned for it.
        unsafe {
            let first = views.add(16 * chunk.array.offset as usize);
            if (first as usize) % std::mem::align_of::<u128>() != 0 {
                return None;
            }
            Some(std::slice::from_raw_parts(first as *const u128, chunk.rows))
        }
    }

    #[inline(always)]
    fn get(&self, row: usize) -> Option<&[u8]> {
        let chunk = if self.chunks.len() == 1 {
            0
        } else {
            self.starts.partition_point(|&s| s <= row) - 1
        };
        self.chunks[chunk].get(row - self.starts[chunk])
    }

    #[inline(always)]
    fn key(&self, row: usize) -> Option<Key<'_>> {
        let chunk = if self.chunks.len() == 1 {
            0
        } else {
            self.starts.partition_point(|&s| s <= row) - 1
        };
        self.chunks[chunk].key(row - self.starts[chunk])
    }
}

impl ArrowText {
    /// The text column `obj` streams (`obj.__arrow_c_stream__()`); None when its
    /// rows are not text in a layout read here.
    pub fn import(obj: &Bound<'_, PyAny>) -> PyResult<Option<Self>> {
        // Unnamed: Polars' Arrow export aborts the process on a Series name
        // holding a NUL (a column name from a hostile file can).
        let unnamed = match obj.getattr(pyo3::intern!(obj.py(), "alias")) {
            Ok(alias) => alias.call1(("",))?,
            Err(_) => obj.clone(),
        };
        let capsule = unnamed.call_method0("__arrow_c_stream__")?;
        // SAFETY: a capsule of this name holds an ArrowArrayStream; we move it
        // out (clearing the original's release, as the protocol asks) and own it.
        let mut stream = unsafe {
            let pointer = ffi::PyCapsule_GetPointer(capsule.as_ptr(), STREAM_CAPSULE.as_ptr());
            if pointer.is_null() {
                return Err(PyErr::fetch(obj.py()));
            }
            let source = pointer as *mut ArrowArrayStream;
            let owned = ptr::read(source);
            (*source).release = None;
            OwnedStream(owned)
        };
        Ok(stream.read_text())
    }
}

/// A stream we own, released on drop.
struct OwnedStream(ArrowArrayStream);

impl Drop for OwnedStream {
    fn drop(&mut self) {
        if let Some(release) = self.0.release {
            // SAFETY: the producer's callback, called once.
            unsafe { release(&mut self.0) };
        }
    }
}

impl OwnedStream {
    fn read_text(&mut self) -> Option<ArrowText> {
        let layout = self.layout()?;
        let (min_buffers, variadic) = match layout {
            Layout::Views => (3, true), // validity, views, (data...), sizes
            Layout::Offsets32 | Layout::Offsets64 => (3, false),
        };
        let mut chunks = Vec::new();
        let mut starts = vec![0usize];
        loop {
            let get_next = self.0.get_next?;
            let mut array = empty_array();
            // SAFETY: the producer fills `array` or leaves it released (end).
            if unsafe { get_next(&mut self.0, &mut array) } != 0 {
                return None;
            }
            if array.release.is_none() {
                break; // end of stream
            }
            let rows = usize::try_from(array.length).ok()?;
            let chunk = Chunk {
                array,
                layout,
                rows,
            };
            let buffers = chunk.array.n_buffers;
            let enough = if variadic {
                buffers >= 3
            } else {
                buffers == min_buffers
            };
            if !enough || chunk.array.offset < 0 || chunk.array.buffers.is_null() {
                return None;
            }
            starts.push(starts.last().copied().unwrap_or(0) + chunk.rows);
            chunks.push(chunk);
        }
        Some(ArrowText { chunks, starts })
    }

    /// The layout the stream's schema names; None for any other type.
    fn layout(&mut self) -> Option<Layout> {
        let get_schema = self.0.get_schema?;
        let mut schema = ArrowSchema {
            format: ptr::null(),
            name: ptr::null(),
            metadata: ptr::null(),
            flags: 0,
            n_children: 0,
            children: ptr::null_mut(),
            dictionary: ptr::null_mut(),
            release: None,
            private_data: ptr::null_mut(),
        };
        // SAFETY: the producer fills `schema`; we read its format and release it.
        unsafe {
            if get_schema(&mut self.0, &mut schema) != 0 {
                return None;
            }
            let format = if schema.format.is_null() {
                None
            } else {
                Some(CStr::from_ptr(schema.format).to_bytes().to_vec())
            };
            if let Some(release) = schema.release {
                release(&mut schema);
            }
            match format?.as_slice() {
                b"vu" => Some(Layout::Views),
                b"u" => Some(Layout::Offsets32),
                b"U" => Some(Layout::Offsets64),
                _ => None,
            }
        }
    }
}

fn empty_array() -> ArrowArray {
    ArrowArray {
        length: 0,
        null_count: 0,
        offset: 0,
        n_buffers: 0,
        n_children: 0,
        buffers: ptr::null_mut(),
        children: ptr::null_mut(),
        dictionary: ptr::null_mut(),
        release: None,
        private_data: ptr::null_mut(),
    }
}
