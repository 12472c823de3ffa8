//! Special functions the tests are built on, written from published
//! algorithms (see each file's header for which method covers which region).

pub mod chi2;
pub mod gamma;
pub mod log_space;
pub mod normal;
