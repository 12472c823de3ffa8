//! A scanned column handed to Polars through the Arrow C data interface
//! (`__arrow_c_array__`, the Arrow PyCapsule protocol), so hundreds of
//! thousands of hashes, ids and scores never become Python objects (or pass
//! through NumPy) on the way.
//!
//! Layouts: text as Arrow "large utf8" (`U`: validity, i64 offsets, bytes);
//! numbers as float64 (`g`: validity, values). (Exporting text as utf8 views,
//! Polars' own layout, was measured: building the views cost what Polars'
//! conversion costs.) The validity bitmap is absent
//! when every row has a value. The buffers move into the exported array's
//! private data and are freed by its release callback.

use std::ffi::{CStr, c_void};
use std::ptr;

use fastmcnemar_core::jsonl::Texts;
use pyo3::exceptions::PyValueError;
use pyo3::ffi;
use pyo3::prelude::*;

use crate::arrow_ffi::{ArrowArray, ArrowSchema};

const SCHEMA_CAPSULE: &CStr = c"arrow_schema";
const ARRAY_CAPSULE: &CStr = c"arrow_array";
const FORMAT_LARGE_UTF8: &CStr = c"U";
const FORMAT_FLOAT64: &CStr = c"g";
const EMPTY_NAME: &CStr = c"";
const FLAG_NULLABLE: i64 = 2;

/// What an exported array owns until its consumer releases it.
struct ArrayBuffers {
    validity: Option<Vec<u8>>,
    payload: Payload,
    /// Buffer addresses in Arrow's order for the format.
    pointers: Vec<*const c_void>,
}

/// The values of one column.
pub enum Payload {
    /// Text rows (absent where not `valid`).
    Text(Texts),
    /// Numbers, absent where not `valid`.
    Numbers { values: Vec<f64>, valid: Vec<bool> },
}

impl Payload {
    fn valid(&self) -> &[bool] {
        match self {
            Payload::Text(texts) => &texts.valid,
            Payload::Numbers { valid, .. } => valid,
        }
    }
}

impl ArrayBuffers {
    /// Lays out the buffer addresses in Arrow's order; returns the format.
    fn lay_out(&mut self) -> &'static CStr {
        let validity = self
            .validity
            .as_ref()
            .map_or(ptr::null(), |v| v.as_ptr() as *const c_void);
        let (format, data): (&'static CStr, Vec<*const c_void>) = match &self.payload {
            Payload::Numbers { values, .. } => {
                (FORMAT_FLOAT64, vec![values.as_ptr() as *const c_void])
            }
            Payload::Text(texts) => {
                let pointers = vec![
                    texts.offsets.as_ptr() as *const c_void,
                    texts.data.as_ptr() as *const c_void,
                ];
                (FORMAT_LARGE_UTF8, pointers)
            }
        };
        self.pointers = std::iter::once(validity).chain(data).collect();
        format
    }
}

/// Arrow's validity bitmap (bit i set = row i present), or None when all are.
fn validity_bitmap(valid: &[bool]) -> (Option<Vec<u8>>, usize) {
    let null_count = valid.iter().filter(|v| !**v).count();
    let bitmap = (null_count > 0).then(|| {
        let mut bits = vec![0u8; valid.len().div_ceil(8)];
        for (i, _) in valid.iter().enumerate().filter(|(_, v)| **v) {
            bits[i / 8] |= 1 << (i % 8);
        }
        bits
    });
    (bitmap, null_count)
}

unsafe extern "C" fn release_schema(schema: *mut ArrowSchema) {
    if !schema.is_null() {
        // SAFETY: the consumer passes the schema we filled; its strings are static.
        unsafe { (*schema).release = None };
    }
}

unsafe extern "C" fn release_array(array: *mut ArrowArray) {
    if array.is_null() {
        return;
    }
    // SAFETY: private_data was made by Box::into_raw in `export` and is freed once:
    // release is cleared right after.
    unsafe {
        let private = (*array).private_data as *mut ArrayBuffers;
        if !private.is_null() {
            drop(Box::from_raw(private));
        }
        (*array).private_data = ptr::null_mut();
        (*array).release = None;
    }
}

unsafe extern "C" fn drop_schema_capsule(capsule: *mut ffi::PyObject) {
    // SAFETY: the capsule was created in `new_capsule` around a boxed ArrowSchema;
    // if the consumer did not move it out, it still owns a release callback.
    unsafe {
        let schema =
            ffi::PyCapsule_GetPointer(capsule, SCHEMA_CAPSULE.as_ptr()) as *mut ArrowSchema;
        if schema.is_null() {
            ffi::PyErr_Clear();
            return;
        }
        if let Some(release) = (*schema).release {
            release(schema);
        }
        drop(Box::from_raw(schema));
    }
}

unsafe extern "C" fn drop_array_capsule(capsule: *mut ffi::PyObject) {
    // SAFETY: as for the schema capsule.
    unsafe {
        let array = ffi::PyCapsule_GetPointer(capsule, ARRAY_CAPSULE.as_ptr()) as *mut ArrowArray;
        if array.is_null() {
            ffi::PyErr_Clear();
            return;
        }
        if let Some(release) = (*array).release {
            release(array);
        }
        drop(Box::from_raw(array));
    }
}

fn new_capsule<'py, T>(
    py: Python<'py>,
    value: T,
    name: &'static CStr,
    destructor: unsafe extern "C" fn(*mut ffi::PyObject),
) -> PyResult<Bound<'py, PyAny>> {
    let pointer = Box::into_raw(Box::new(value));
    // SAFETY: `pointer` is a live heap allocation owned by the capsule from here on
    // (freed by `destructor`); the name is a static C string.
    unsafe {
        let capsule = ffi::PyCapsule_New(pointer as *mut c_void, name.as_ptr(), Some(destructor));
        if capsule.is_null() {
            drop(Box::from_raw(pointer));
        }
        Bound::from_owned_ptr_or_err(py, capsule)
    }
}

/// One scanned column (text or numbers), exportable once to Polars/PyArrow.
#[pyclass(module = "fastmcnemar._core", frozen)]
pub struct ArrowColumn {
    payload: std::sync::Mutex<Option<Payload>>,
    rows: usize,
}

impl ArrowColumn {
    pub fn new(payload: Payload) -> Self {
        let rows = payload.valid().len();
        ArrowColumn {
            payload: std::sync::Mutex::new(Some(payload)),
            rows,
        }
    }
}

#[pymethods]
impl ArrowColumn {
    fn __len__(&self) -> usize {
        self.rows
    }

    /// The Arrow PyCapsule protocol: (schema capsule, array capsule). The
    /// buffers move to the consumer, so this works once.
    #[pyo3(signature = (requested_schema = None))]
    fn __arrow_c_array__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>)> {
        let _ = requested_schema; // each column has one natural type
        let payload = self
            .payload
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take()
            .ok_or_else(|| PyValueError::new_err("this column was already exported"))?;
        let rows = payload.valid().len();
        let (validity, null_count) = validity_bitmap(payload.valid());
        let mut buffers = Box::new(ArrayBuffers {
            validity,
            payload,
            pointers: Vec::new(),
        });
        let format = buffers.lay_out();
        let n_buffers = buffers.pointers.len() as i64;
        let pointers = buffers.pointers.as_mut_ptr();
        let schema = ArrowSchema {
            format: format.as_ptr(),
            name: EMPTY_NAME.as_ptr(),
            metadata: ptr::null(),
            flags: FLAG_NULLABLE,
            n_children: 0,
            children: ptr::null_mut(),
            dictionary: ptr::null_mut(),
            release: Some(release_schema),
            private_data: ptr::null_mut(),
        };
        let array = ArrowArray {
            length: rows as i64,
            null_count: null_count as i64,
            offset: 0,
            n_buffers,
            n_children: 0,
            buffers: pointers,
            children: ptr::null_mut(),
            dictionary: ptr::null_mut(),
            release: Some(release_array),
            private_data: Box::into_raw(buffers) as *mut c_void,
        };
        let schema = new_capsule(py, schema, SCHEMA_CAPSULE, drop_schema_capsule)?;
        let array = new_capsule(py, array, ARRAY_CAPSULE, drop_array_capsule)?;
        Ok((schema, array))
    }
}
