//! Where scanned bytes come from: anything that can be read at an offset, so
//! every thread reads its own stretch of a file with no shared cursor.

use std::fs::{File, FileType, OpenOptions};
use std::io;
use std::path::Path;

use crate::error::{Error, Result};

/// Bytes readable at any offset from several threads at once.
pub trait Source: Sync {
    /// Length in bytes when the scan starts.
    fn size(&self) -> io::Result<u64>;
    /// Reads into `buf` from `offset`; returns how many bytes, 0 at the end.
    fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<usize>;

    /// [`Source::read_at`], tried again when a signal interrupts it.
    fn read_some_at(&self, buf: &mut [u8], offset: u64) -> io::Result<usize> {
        loop {
            match self.read_at(buf, offset) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                other => return other,
            }
        }
    }
}

impl Source for File {
    fn size(&self) -> io::Result<u64> {
        Ok(self.metadata()?.len())
    }

    #[cfg(unix)]
    fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<usize> {
        std::os::unix::fs::FileExt::read_at(self, buf, offset)
    }

    #[cfg(windows)]
    fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<usize> {
        std::os::windows::fs::FileExt::seek_read(self, buf, offset)
    }
}

impl Source for [u8] {
    fn size(&self) -> io::Result<u64> {
        Ok(self.len() as u64)
    }

    fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<usize> {
        let start = usize::try_from(offset).map_or(self.len(), |o| o.min(self.len()));
        let n = buf.len().min(self.len() - start);
        buf[..n].copy_from_slice(&self[start..start + n]);
        Ok(n)
    }
}

/// Opens `path` for reading only if it is a regular file. On Unix the open
/// does not wait (a FIFO with no writer would block a plain `open` forever)
/// and the check is made on the opened file, so nothing can be swapped in
/// between; a device or socket is refused before a byte is read.
pub fn open_regular(path: &Path) -> Result<File> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let cannot = |e: io::Error| Error::Io(format!("cannot read ({e})"));
    let file = options.open(path).map_err(cannot)?;
    let kind = file.metadata().map_err(cannot)?.file_type();
    if !kind.is_file() {
        return Err(Error::Io(format!(
            "{}, not a regular file; not read",
            kind_in_words(kind)
        )));
    }
    Ok(file)
}

/// What a file that is not regular is, in words (the Python readers' wording).
fn kind_in_words(kind: FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if kind.is_socket() {
            return "a socket";
        }
        if kind.is_char_device() {
            return "a character device";
        }
        if kind.is_block_device() {
            return "a block device";
        }
    }
    if kind.is_dir() {
        return "a directory";
    }
    "not a regular file"
}
