//! The folded views of a document and the canonical forms shared by the parts
//! (exposure/scanner/normalise.py). The tables are built here and checked equal
//! to Python's at start-up, so a change on one side cannot drift silently.

use std::borrow::Cow;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::cfg_table;

const KEPT_PUNCTUATION: &[u8] = b"@.-#()[]{}<>+/'_%,:;&|";

const fn kept(c: u8) -> bool {
    let mut i = 0;
    while i < KEPT_PUNCTUATION.len() {
        if KEPT_PUNCTUATION[i] == c {
            return true;
        }
        i += 1;
    }
    false
}

const fn fold_table(keep_case: bool) -> [u8; 256] {
    let mut table = [0u8; 256];
    let mut c = 0usize;
    while c < 128 {
        let b = c as u8;
        table[c] = if b.is_ascii_lowercase() || b.is_ascii_digit() {
            b
        } else if b.is_ascii_uppercase() {
            if keep_case {
                b
            } else {
                b + 32
            }
        } else if kept(b) {
            b
        } else {
            b' '
        };
        c += 1;
    }
    table
}

const fn letters_table() -> [u8; 256] {
    let mut table = [b' '; 256];
    let mut c = b'a';
    while c <= b'z' {
        table[c as usize] = c;
        c += 1;
    }
    table[b'0' as usize] = b'o';
    table[b'1' as usize] = b'l';
    table[b'5' as usize] = b's';
    table[b'8' as usize] = b'b';
    table[b'i' as usize] = b'l';
    table[b'|' as usize] = b'l';
    table
}

const fn cased_letters_table() -> [u8; 256] {
    let mut table = letters_table();
    let mut c = b'A';
    while c <= b'Z' {
        table[c as usize] = letters_table()[(c + 32) as usize] - 32;
        c += 1;
    }
    table[b'0' as usize] = b'O';
    table[b'1' as usize] = b'L';
    table[b'5' as usize] = b'S';
    table[b'8' as usize] = b'B';
    table
}

/// The general view: lower case, kept punctuation, anything else a space.
pub static ASCII_LOWER: [u8; 256] = fold_table(false);
/// The case-keeping view (plates, and every "is it capitalised" check).
pub static ASCII_CASED: [u8; 256] = fold_table(true);
/// The letters view for names: OCR look-alike digits read as letters.
pub static LETTERS: [u8; 256] = letters_table();
/// The letters view of the case-keeping view.
pub static CASED_LETTERS: [u8; 256] = cased_letters_table();

/// All four views of one raw byte, packed (lower, cased, letters, cased
/// letters from the low byte up): `fill` writes the views in one pass with one
/// table load per byte instead of four passes.
static VIEWS: [u32; 256] = views_table();

const fn views_table() -> [u32; 256] {
    let (lower, cased) = (fold_table(false), fold_table(true));
    let (letters, cased_letters) = (letters_table(), cased_letters_table());
    let mut table = [0u32; 256];
    let mut c = 0;
    while c < 256 {
        let (l, k) = (lower[c], cased[c]);
        table[c] = l as u32
            | (k as u32) << 8
            | (letters[l as usize] as u32) << 16
            | (cased_letters[k as usize] as u32) << 24;
        c += 1;
    }
    table
}

/// The cased letters view holds only a space, `A-Z` or `a-z`, so a capital is
/// a byte with bit 0x20 clear (names.rs reads eight bytes at a time on that).
const fn letters_or_space(table: &[u8; 256]) -> bool {
    let mut c = 0;
    while c < 256 {
        let b = table[c];
        if !(b == b' ' || b.is_ascii_alphabetic()) {
            return false;
        }
        c += 1;
    }
    true
}
const _: () = assert!(letters_or_space(&cased_letters_table()));

pub struct Tables;

impl Tables {
    pub fn new(cfg: &PyDict) -> PyResult<Tables> {
        for (name, ours) in [
            ("ascii_lower", &ASCII_LOWER),
            ("ascii_cased", &ASCII_CASED),
            ("letters", &LETTERS),
            ("cased_letters", &CASED_LETTERS),
        ] {
            let theirs = cfg_table(cfg, name)?;
            // Python pads the ASCII tables with zeros above 127; raw input is ASCII.
            let limit = if name.starts_with("ascii") { 128 } else { 256 };
            if theirs[..limit] != ours[..limit] {
                return Err(PyValueError::new_err(format!("table {name} differs from normalise.py")));
            }
        }
        Ok(Tables)
    }

    /// Fill `doc` with the views of `raw`, reusing its buffers.
    pub fn fill(&self, doc: &mut Doc, raw: &[u8]) {
        if doc.raw.capacity() > 1 << 20 && raw.len() < 1 << 16 {
            *doc = Doc::default(); // after a huge document, do not keep its buffers
        }
        doc.raw.clear();
        doc.raw.extend_from_slice(raw);
        // One pass per view: a single pass writing all four views measured
        // fewer instructions but more time (four interleaved store streams).
        let Doc { lower, cased, letters, cased_letters, .. } = doc;
        fill_view(lower, raw, 0);
        fill_view(cased, raw, 1);
        fill_view(letters, raw, 2);
        fill_view(cased_letters, raw, 3);
    }
}

/// view[i] = byte `which` of VIEWS[raw[i]].
fn fill_view(view: &mut Vec<u8>, raw: &[u8], which: usize) {
    view.clear();
    view.extend(raw.iter().map(|&b| VIEWS[b as usize].to_le_bytes()[which]));
}

/// One document's views; every offset is an offset into the original text.
#[derive(Default)]
pub struct Doc {
    /// The original with non-ASCII characters folded (case kept): ASCII
    /// punctuation and white space as written (`[ \t]` is not a line break).
    pub raw: Vec<u8>,
    /// `NormalisedText.lower` (and `lower_bytes`).
    pub lower: Vec<u8>,
    /// `NormalisedText.cased_bytes`; stands for `original` in case checks.
    pub cased: Vec<u8>,
    /// `NormalisedText.letters_bytes`.
    pub letters: Vec<u8>,
    /// `cased_bytes.translate(CASED_LETTERS_TABLE)`.
    pub cased_letters: Vec<u8>,
}

/// `canonical_name_token`: OCR merges "rn" into "m"; fold both to "m".
pub fn canonical_name_token(token: &[u8]) -> Cow<'_, [u8]> {
    if !token.windows(2).any(|pair| pair == b"rn") {
        return Cow::Borrowed(token);
    }
    let mut out = Vec::with_capacity(token.len());
    let mut i = 0;
    while i < token.len() {
        if token[i] == b'r' && i + 1 < token.len() && token[i + 1] == b'n' {
            out.push(b'm');
            i += 2;
        } else {
            out.push(token[i]);
            i += 1;
        }
    }
    Cow::Owned(out)
}

/// `name_tokens` of ASCII text: letters view, split, initials dropped, "rn" as "m".
pub fn name_tokens(value: &[u8]) -> Vec<Vec<u8>> {
    let letters: Vec<u8> = value.iter().map(|&b| LETTERS[ASCII_LOWER[b as usize] as usize]).collect();
    letters
        .split(|&b| b == b' ')
        .filter(|token| token.len() > 1)
        .map(|token| canonical_name_token(token).into_owned())
        .collect()
}

/// `fold_digits`: look-alike letters read as digits in a span expected to hold digits.
pub fn fold_digit(b: u8) -> u8 {
    match b {
        b'o' | b'q' | b'd' => b'0',
        b'l' | b'i' | b'|' => b'1',
        b's' => b'5',
        b'b' => b'8',
        b'z' => b'2',
        b'g' => b'9',
        other => other,
    }
}
