//! Hyperscan (Debian's libhyperscan 5.4) in block mode, called with a C callback.
//!
//! The Python scanner used the same databases through the `hyperscan` package,
//! whose per-match Python callback cost more than the scan itself. Here a match
//! only appends (pattern id, end offset) to a vector.

use std::ffi::{CStr, CString};
use std::os::raw::{c_char, c_int, c_uint, c_ulonglong, c_void};
use std::ptr;

#[repr(C)]
struct HsDatabase {
    _private: [u8; 0],
}
#[repr(C)]
struct HsScratch {
    _private: [u8; 0],
}
#[repr(C)]
struct HsCompileError {
    message: *const c_char,
    expression: c_int,
}

type MatchEvent = extern "C" fn(c_uint, c_ulonglong, c_ulonglong, c_uint, *mut c_void) -> c_int;

const HS_MODE_BLOCK: c_uint = 1;
const HS_SUCCESS: c_int = 0;

#[link(name = "hs")]
extern "C" {
    fn hs_compile_multi(
        expressions: *const *const c_char,
        flags: *const c_uint,
        ids: *const c_uint,
        elements: c_uint,
        mode: c_uint,
        platform: *const c_void,
        db: *mut *mut HsDatabase,
        error: *mut *mut HsCompileError,
    ) -> c_int;
    fn hs_free_compile_error(error: *mut HsCompileError) -> c_int;
    fn hs_free_database(db: *mut HsDatabase) -> c_int;
    fn hs_alloc_scratch(db: *const HsDatabase, scratch: *mut *mut HsScratch) -> c_int;
    fn hs_free_scratch(scratch: *mut HsScratch) -> c_int;
    fn hs_scan(
        db: *const HsDatabase,
        data: *const c_char,
        length: c_uint,
        flags: c_uint,
        scratch: *mut HsScratch,
        on_event: Option<MatchEvent>,
        context: *mut c_void,
    ) -> c_int;
}

/// A compiled block-mode database with its own scratch space (one per scanner;
/// the scanner is not shared between threads).
pub struct Database {
    db: *mut HsDatabase,
    scratch: *mut HsScratch,
}

extern "C" fn collect(id: c_uint, _from: c_ulonglong, to: c_ulonglong, _f: c_uint, ctx: *mut c_void) -> c_int {
    // SAFETY: `ctx` is the `Vec` passed by `Database::scan` for this call only.
    let matches = unsafe { &mut *(ctx as *mut Vec<(u32, usize)>) };
    matches.push((id, to as usize));
    0
}

impl Database {
    /// Compile (id, expression) pairs with no flags, as the Python scanner did.
    pub fn compile(patterns: &[(u32, String)]) -> Result<Database, String> {
        let expressions: Vec<CString> = patterns
            .iter()
            .map(|(_, expression)| CString::new(expression.as_str()).map_err(|e| e.to_string()))
            .collect::<Result<_, _>>()?;
        let pointers: Vec<*const c_char> = expressions.iter().map(|e| e.as_ptr()).collect();
        let ids: Vec<c_uint> = patterns.iter().map(|(id, _)| *id).collect();
        let flags: Vec<c_uint> = vec![0; patterns.len()];
        let mut db: *mut HsDatabase = ptr::null_mut();
        let mut error: *mut HsCompileError = ptr::null_mut();
        // SAFETY: every pointer is valid for the call; outputs are checked below.
        let status = unsafe {
            hs_compile_multi(
                pointers.as_ptr(),
                flags.as_ptr(),
                ids.as_ptr(),
                patterns.len() as c_uint,
                HS_MODE_BLOCK,
                ptr::null(),
                &mut db,
                &mut error,
            )
        };
        if status != HS_SUCCESS {
            let message = if error.is_null() {
                format!("hs_compile_multi failed ({status})")
            } else {
                // SAFETY: Hyperscan set `error` and owns it until freed here.
                unsafe {
                    let text = CStr::from_ptr((*error).message).to_string_lossy().into_owned();
                    hs_free_compile_error(error);
                    text
                }
            };
            return Err(message);
        }
        let mut scratch: *mut HsScratch = ptr::null_mut();
        // SAFETY: `db` is a valid compiled database.
        let status = unsafe { hs_alloc_scratch(db, &mut scratch) };
        if status != HS_SUCCESS {
            unsafe { hs_free_database(db) };
            return Err(format!("hs_alloc_scratch failed ({status})"));
        }
        Ok(Database { db, scratch })
    }

    /// Return every (pattern id, match end) in `data`, in Hyperscan's report order.
    pub fn scan(&self, data: &[u8], matches: &mut Vec<(u32, usize)>) -> Result<(), String> {
        matches.clear();
        if matches.capacity() > 65_536 {
            matches.shrink_to(4_096); // after a huge document, do not keep its peak
        }
        if data.is_empty() {
            return Ok(());
        }
        let length = c_uint::try_from(data.len())
            .map_err(|_| "a document over 4 GiB cannot be scanned in one piece".to_string())?;
        // SAFETY: db and scratch are valid; `Core` is used by one call at a time.
        let status = unsafe {
            hs_scan(
                self.db,
                data.as_ptr() as *const c_char,
                length,
                0,
                self.scratch,
                Some(collect),
                matches as *mut Vec<(u32, usize)> as *mut c_void,
            )
        };
        if status != HS_SUCCESS {
            return Err(format!("hs_scan failed ({status})"));
        }
        Ok(())
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        // SAFETY: both were allocated by Hyperscan in `compile`.
        unsafe {
            hs_free_scratch(self.scratch);
            hs_free_database(self.db);
        }
    }
}
