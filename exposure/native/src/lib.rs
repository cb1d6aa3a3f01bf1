//! Compiled per-document core of the exposure scanner.
//!
//! The Python package `exposure.scanner` stays the definition of the scanner:
//! it builds the plaintext-free index (keyed HMAC-SHA256 digests, never roster
//! text) and passes this core its tables, patterns and word lists at start-up
//! (`exposure/scanner/native.py`), so there is one source of truth for every
//! rule. This core does, per document, what `Scanner.hits` does in Python:
//! Hyperscan shapes, phone/e-mail/SSN/plate/address candidates, names and
//! relatives, streets near names, each candidate's canonical key hashed with
//! the same HMAC and looked up in the same digests. Its results are checked
//! equal to the Python scanner's by `exposure/tests/test_native_core.py`.
//!
//! "original" checks of the Python code (is a word capitalised, alphabetic)
//! read the case-keeping fold (`Doc::cased`), one ASCII character per code
//! point of the original: "É" is "E" there, a character with no ASCII fold a space.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use hmac::{Hmac, Mac};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList};
use sha2::Sha256;

mod address;
mod hs;
mod names;
mod shapes;
mod text;

pub use text::Doc;

/// (person number, Kind value), as packed in the index.
pub type Entry = (u32, u8);

// Kind values (exposure/scanner/kinds.py).
pub const NAME: u8 = 1;
pub const STREET: u8 = 3;

/// One roster key found in a document: a span of the original text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hit {
    pub person: u32,
    pub kind: u8,
    pub start: usize,
    pub end: usize,
}

/// A token-table entry: does the token start a roster name key, and for whom
/// is it a relative's given name.
pub struct Token {
    pub starts_name: bool,
    pub relatives: Box<[u32]>,
}

const DIGEST_BYTES: usize = 16;
const CACHE_LIMIT: usize = 400_000;

/// Keyed lookups, memoised per scanner (the memo holds document text, never
/// roster values, and is cleared when it grows past `CACHE_LIMIT`).
pub struct Lookup {
    base: Hmac<Sha256>,
    entries: HashMap<u128, Box<[Entry]>>,
    tokens: HashMap<u128, Token>,
    memo: RefCell<HashMap<Vec<u8>, Rc<[Entry]>>>,
    token_memo: RefCell<HashMap<Vec<u8>, Option<Rc<Token>>>>,
}

fn digest_key(digest: &[u8]) -> u128 {
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..DIGEST_BYTES]);
    u128::from_le_bytes(bytes)
}

impl Lookup {
    fn new(key: &[u8], entries: &PyDict, tokens: &PyDict) -> PyResult<Lookup> {
        let base = Hmac::<Sha256>::new_from_slice(key).map_err(|e| PyValueError::new_err(e.to_string()))?;
        let mut entry_table = HashMap::with_capacity(entries.len());
        for (digest, packed) in entries.iter() {
            let digest: &[u8] = digest.downcast::<PyBytes>()?.as_bytes();
            let packed: &[u8] = packed.downcast::<PyBytes>()?.as_bytes();
            let records: Box<[Entry]> = packed
                .chunks_exact(5)
                .map(|r| (u32::from_le_bytes([r[0], r[1], r[2], r[3]]), r[4]))
                .collect();
            entry_table.insert(digest_key(digest), records);
        }
        let mut token_table = HashMap::with_capacity(tokens.len());
        for (digest, packed) in tokens.iter() {
            let digest: &[u8] = digest.downcast::<PyBytes>()?.as_bytes();
            let packed: &[u8] = packed.downcast::<PyBytes>()?.as_bytes();
            let relatives: Box<[u32]> = packed[1..]
                .chunks_exact(4)
                .map(|r| u32::from_le_bytes([r[0], r[1], r[2], r[3]]))
                .collect();
            token_table.insert(digest_key(digest), Token { starts_name: packed[0] & 1 != 0, relatives });
        }
        Ok(Lookup {
            base,
            entries: entry_table,
            tokens: token_table,
            memo: RefCell::new(HashMap::new()),
            token_memo: RefCell::new(HashMap::new()),
        })
    }

    fn digest(&self, message: &[u8]) -> u128 {
        let mut state = self.base.clone();
        state.update(message);
        digest_key(&state.finalize().into_bytes())
    }

    /// Return the (person, kind) entries of one canonical value of a kind
    /// ("name", "street", "addr", "phone", "email", "plate", "ssn").
    pub fn lookup(&self, kind: &str, value: &[u8]) -> Rc<[Entry]> {
        let mut message = Vec::with_capacity(kind.len() + 1 + value.len());
        message.extend_from_slice(kind.as_bytes());
        message.push(b':');
        message.extend_from_slice(value);
        if let Some(found) = self.memo.borrow().get(&message) {
            return found.clone();
        }
        let found: Rc<[Entry]> = match self.entries.get(&self.digest(&message)) {
            Some(records) => Rc::from(&records[..]),
            None => Rc::from(Vec::new()),
        };
        let mut memo = self.memo.borrow_mut();
        if memo.len() >= CACHE_LIMIT {
            memo.clear();
        }
        memo.insert(message, found.clone());
        found
    }

    /// Look a value up and append a hit per entry; return whether any matched.
    pub fn emit(&self, hits: &mut Vec<Hit>, kind: &str, value: &[u8], start: usize, end: usize) -> bool {
        let found = self.lookup(kind, value);
        for &(person, role) in found.iter() {
            hits.push(Hit { person, kind: role, start, end });
        }
        !found.is_empty()
    }

    /// Return the token-table entry of a canonical name token, or None.
    pub fn token(&self, token: &[u8]) -> Option<Rc<Token>> {
        if let Some(found) = self.token_memo.borrow().get(token) {
            return found.clone();
        }
        let mut message = Vec::with_capacity(4 + token.len());
        message.extend_from_slice(b"tok:");
        message.extend_from_slice(token);
        let found = self.tokens.get(&self.digest(&message)).map(|t| {
            Rc::new(Token { starts_name: t.starts_name, relatives: t.relatives.clone() })
        });
        let mut memo = self.token_memo.borrow_mut();
        if memo.len() >= CACHE_LIMIT {
            memo.clear();
        }
        memo.insert(token.to_vec(), found.clone());
        found
    }
}

// --- reading the configuration passed by exposure/scanner/native.py ---------

pub(crate) fn cfg_item<'a>(cfg: &'a PyDict, key: &str) -> PyResult<&'a PyAny> {
    cfg.get_item(key).ok_or_else(|| PyValueError::new_err(format!("native core config lacks {key:?}")))
}

pub(crate) fn cfg_str(cfg: &PyDict, key: &str) -> PyResult<String> {
    cfg_item(cfg, key)?.extract()
}

pub(crate) fn cfg_usize(cfg: &PyDict, key: &str) -> PyResult<usize> {
    cfg_item(cfg, key)?.extract()
}

pub(crate) fn cfg_bytes(cfg: &PyDict, key: &str) -> PyResult<Vec<u8>> {
    Ok(cfg_item(cfg, key)?.downcast::<PyBytes>()?.as_bytes().to_vec())
}

pub(crate) fn cfg_strings(cfg: &PyDict, key: &str) -> PyResult<Vec<String>> {
    let list = cfg_item(cfg, key)?;
    list.iter()?.map(|item| item?.extract::<String>()).collect()
}

pub(crate) fn cfg_map(cfg: &PyDict, key: &str) -> PyResult<HashMap<String, String>> {
    cfg_item(cfg, key)?.extract()
}

pub(crate) fn cfg_table(cfg: &PyDict, key: &str) -> PyResult<[u8; 256]> {
    let bytes = cfg_bytes(cfg, key)?;
    bytes
        .as_slice()
        .try_into()
        .map_err(|_| PyValueError::new_err(format!("{key}: a 256-byte table expected")))
}

pub(crate) fn regex(pattern: &str) -> PyResult<regex::bytes::Regex> {
    regex::bytes::RegexBuilder::new(pattern)
        .unicode(false)
        .build()
        .map_err(|e| PyValueError::new_err(format!("pattern {pattern:?}: {e}")))
}

// --- the core ----------------------------------------------------------------

const STREET_WINDOW: usize = 400; // characters either side of a name
const STREET_REACH: usize = 100; // either side of a street-type word

/// One scanner's compiled state: memos, Hyperscan scratch space.
///
/// Every method runs with the GIL held from start to end (nothing releases it),
/// so two Python threads never run inside one `Core` at once; that is what
/// makes moving it between threads sound (the web app keeps one scanner and
/// calls it from its worker threads, one at a time).
#[pyclass]
pub struct Core {
    tables: text::Tables,
    lookup: Lookup,
    shapes: shapes::Shapes,
    names: names::Names,
    addresses: address::Addresses,
    street_types: hs::Database,
    matches: RefCell<Vec<(u32, usize)>>,
}

// SAFETY: see the comment on `Core`: all access is serialised by the GIL.
unsafe impl Send for Core {}

#[pymethods]
impl Core {
    #[new]
    fn new(cfg: &PyDict) -> PyResult<Core> {
        let key = cfg_bytes(cfg, "key")?;
        let entries = cfg_item(cfg, "entries")?.downcast::<PyDict>()?;
        let tokens = cfg_item(cfg, "tokens")?.downcast::<PyDict>()?;
        let street_pattern = cfg_str(cfg, "street_type_shape")?;
        Ok(Core {
            tables: text::Tables::new(cfg)?,
            lookup: Lookup::new(&key, entries, tokens)?,
            shapes: shapes::Shapes::new(cfg)?,
            names: names::Names::new(cfg)?,
            addresses: address::Addresses::new(cfg)?,
            street_types: hs::Database::compile(&[(0, street_pattern)]).map_err(PyValueError::new_err)?,
            matches: RefCell::new(Vec::new()),
        })
    }

    /// Return every roster key in a document as (person, kind, start, end):
    /// `raw` is the document with non-ASCII characters already folded one to
    /// one (exposure/scanner/normalise.py), as ASCII bytes.
    fn hits(&self, py: Python<'_>, raw: &[u8]) -> PyResult<PyObject> {
        let found = self.find(raw);
        let list = PyList::empty(py);
        for hit in found {
            list.append((hit.person, hit.kind, hit.start, hit.end))?;
        }
        Ok(list.into())
    }

    /// Scan one document and apply the exposure rules (decide.py): return
    /// (exposures, mentions) as lists of (person, label bits, restricted, spans)
    /// and (person, spans); label bit i is `LABEL_ORDER[i]` of decide.py.
    fn scan(&self, py: Python<'_>, raw: &[u8]) -> PyResult<(PyObject, PyObject)> {
        let hits = self.find(raw);
        let (exposures, mentions) = decide(&hits);
        let exposure_list = PyList::empty(py);
        for exposure in exposures {
            exposure_list.append((exposure.person, exposure.labels, exposure.restricted, exposure.spans))?;
        }
        let mention_list = PyList::empty(py);
        for (person, spans) in mentions {
            mention_list.append((person, spans))?;
        }
        Ok((exposure_list.into(), mention_list.into()))
    }

    /// Debug and test entry points into the parts (compared with Python's).
    fn iter_addresses(&self, folded: &[u8], offset: usize) -> Vec<(String, String, String, usize, usize)> {
        self.addresses
            .iter_addresses(folded, offset)
            .into_iter()
            .map(|a| (s(&a.number), s(&a.core), s(&a.kind), a.start, a.end))
            .collect()
    }

    fn iter_streets(&self, folded: &[u8], start: usize, end: usize) -> Vec<(String, usize, usize)> {
        self.addresses
            .iter_streets(folded, start, end)
            .into_iter()
            .map(|(key, s0, e0)| (s(&key), s0, e0))
            .collect()
    }
}

fn s(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

impl Core {
    fn find(&self, raw: &[u8]) -> Vec<Hit> {
        let doc = self.tables.doc(raw);
        let mut hits = Vec::new();
        self.shapes.find(&doc, &self.lookup, &self.addresses, &mut hits);
        let name_hits = self.names.find(&doc, &self.lookup);
        if !name_hits.iter().any(|h| h.kind == NAME) {
            hits.extend(name_hits);
            return hits;
        }
        let mut ends = self.matches.borrow_mut();
        self.street_types.scan(&doc.lower, &mut ends);
        let mut sorted: Vec<&Hit> = name_hits.iter().filter(|h| h.kind == NAME).collect();
        sorted.sort_by_key(|h| h.start);
        let mut windows: Vec<(usize, usize)> = Vec::new();
        for hit in sorted {
            // A street without a house number is weak: look for it only near a
            // roster name (rule 2 in decide.py).
            let (start, end) = (hit.start.saturating_sub(STREET_WINDOW), hit.end + STREET_WINDOW);
            match windows.last_mut() {
                Some(last) if start <= last.1 => last.1 = last.1.max(end),
                _ => windows.push((start, end)),
            }
        }
        let lower = &doc.lower;
        for &(window_start, window_end) in &windows {
            let mut regions: Vec<(usize, usize)> = Vec::new();
            for &(_, type_end) in ends.iter() {
                if !(window_start < type_end && type_end <= window_end) {
                    continue;
                }
                let mut start = window_start.max(type_end.saturating_sub(STREET_REACH));
                let end = window_end.min(type_end + STREET_REACH);
                while start > window_start && lower[start - 1] != b' ' {
                    start -= 1;
                }
                match regions.last_mut() {
                    Some(last) if start <= last.1 => last.1 = last.1.max(end),
                    _ => regions.push((start, end)),
                }
            }
            for (region_start, region_end) in regions {
                for (street, start, end) in self.addresses.iter_streets(lower, region_start, region_end) {
                    self.lookup.emit(&mut hits, "street", &street, start, end);
                }
            }
        }
        hits.extend(name_hits);
        hits
    }
}

// --- the decision (exposure/scanner/decide.py) ----------------------------

// decide.py `_LABEL_ORDER`: address, phone, email, ssn, plate, street, relative, name.
fn label_bit(kind: u8) -> u16 {
    match kind {
        4 => 1,           // address
        5 => 1 << 1,      // phone
        6 => 1 << 2,      // email
        8 => 1 << 3,      // ssn
        7 | 9 => 1 << 4,  // plate, short plate
        3 => 1 << 5,      // street
        2 | 10 => 1 << 6, // relative, relative's given name
        NAME => 1 << 7,
        _ => 0,
    }
}

// kinds.py: STRONG, WEAK and RESTRICTED (18 U.S.C. 119(b)(1)) as bit sets of Kind values.
const STRONG: u32 = 1 << 4 | 1 << 5 | 1 << 6 | 1 << 7 | 1 << 8;
const WEAK: u32 = 1 << 2 | 1 << 10 | 1 << 3 | 1 << 9;
const RESTRICTED: u32 = 1 << 4 | 1 << 5 | 1 << 6 | 1 << 8;

pub struct Exposure {
    person: u32,
    labels: u16,
    restricted: bool,
    spans: Vec<(usize, usize)>,
}

fn sorted_spans<'a>(hits: impl Iterator<Item = &'a Hit>) -> Vec<(usize, usize)> {
    let mut spans: Vec<(usize, usize)> = hits.map(|h| (h.start, h.end)).collect();
    spans.sort_unstable();
    spans.dedup();
    spans
}

/// decide.py `decide`: a strong identifier, or a name with a weak identifier of
/// the same person, exposes that person; a name alone is a mention, unless the
/// same span is already a name of an exposed person (a shared name).
fn decide(hits: &[Hit]) -> (Vec<Exposure>, Vec<(u32, Vec<(usize, usize)>)>) {
    let mut persons: Vec<u32> = Vec::new();
    for hit in hits {
        if !persons.contains(&hit.person) {
            persons.push(hit.person);
        }
    }
    let mut exposures = Vec::new();
    let mut exposed_name_spans: Vec<(usize, usize)> = Vec::new();
    let mut named: Vec<u32> = Vec::new();
    for &person in &persons {
        let own = || hits.iter().filter(move |h| h.person == person);
        let kinds: u32 = own().fold(0, |bits, h| bits | 1 << h.kind);
        let has_name = kinds & (1 << NAME) != 0;
        if kinds & STRONG != 0 || (has_name && kinds & WEAK != 0) {
            exposures.push(Exposure {
                person,
                labels: own().fold(0, |bits, h| bits | label_bit(h.kind)),
                restricted: kinds & RESTRICTED != 0,
                spans: sorted_spans(own()),
            });
            exposed_name_spans.extend(own().filter(|h| h.kind == NAME).map(|h| (h.start, h.end)));
        } else if has_name {
            named.push(person);
        }
    }
    let mut mentions = Vec::new();
    for person in named {
        let free = sorted_spans(hits.iter().filter(|h| {
            h.person == person && h.kind == NAME && !exposed_name_spans.contains(&(h.start, h.end))
        }));
        if !free.is_empty() {
            mentions.push((person, free));
        }
    }
    (exposures, mentions)
}

#[pymodule]
fn _native(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    m.add_class::<Core>()?;
    Ok(())
}
