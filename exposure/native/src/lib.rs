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

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use hmac::{Hmac, Mac};
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString};
use sha2::Sha256;

mod address;
mod hs;
mod names;
mod shapes;
mod text;

pub use text::Doc;

/// A hash map for keys taken from documents: ahash with runtime-random keys
/// (DoS-resistant like std's SipHash, several times faster on short words).
pub type FastMap<K, V> = HashMap<K, V, ahash::RandomState>;

/// A memo key of at most `8 * N - 1` bytes held inline: hashed and compared as
/// N words (no allocation, no `memcmp` call). Longer keys are not memoised,
/// which also bounds every memo in bytes.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ShortKey<const N: usize>([u64; N]);

impl<const N: usize> ShortKey<N> {
    #[inline]
    pub fn new(bytes: &[u8]) -> Option<ShortKey<N>> {
        if bytes.len() >= 8 * N {
            return None;
        }
        let mut words = [0u64; N];
        for (i, &b) in bytes.iter().enumerate() {
            words[i / 8] |= (b as u64) << (8 * (i % 8));
        }
        words[N - 1] |= (bytes.len() as u64) << 56;
        Some(ShortKey(words))
    }
}

/// Keyed digests are uniformly distributed and cannot be chosen without the
/// key, so their own low 64 bits are the hash.
#[derive(Default, Clone, Copy)]
pub struct DigestHasher(u64);

impl std::hash::Hasher for DigestHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes.iter().take(8) {
            self.0 = self.0 << 8 | b as u64;
        }
    }
    fn write_u128(&mut self, value: u128) {
        self.0 = value as u64;
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

pub type DigestMap<V> = HashMap<u128, V, std::hash::BuildHasherDefault<DigestHasher>>;

/// (person number, Kind value), as packed in the index.
pub type Entry = (u32, u8);

// Kind values (exposure/scanner/kinds.py).
pub const NAME: u8 = 1;
pub const RELATIVE_GIVEN: u8 = 10;

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
    /// Digest -> (offset, length) of its records in `records`: one allocation
    /// for all 700,000 keys instead of one per key.
    entries: DigestMap<(u32, u32)>,
    records: Vec<Entry>,
    tokens: DigestMap<Token>,
    memo: RefCell<FastMap<ShortKey<6>, Rc<[Entry]>>>,
    token_memo: RefCell<FastMap<ShortKey<4>, Option<Rc<Token>>>>,
    /// The message being looked up ("kind:value"), reused between calls.
    message: RefCell<Vec<u8>>,
}

fn digest_key(digest: &[u8]) -> u128 {
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..DIGEST_BYTES]);
    u128::from_le_bytes(bytes)
}

impl Lookup {
    fn new(key: &[u8], entries: &PyDict, tokens: &PyDict, persons: usize) -> PyResult<Lookup> {
        let base = Hmac::<Sha256>::new_from_slice(key).map_err(|e| PyValueError::new_err(e.to_string()))?;
        let mut entry_table = DigestMap::with_capacity_and_hasher(entries.len(), Default::default());
        let mut records: Vec<Entry> = Vec::with_capacity(entries.len() * 2);
        let malformed = |what: &str| PyValueError::new_err(format!("malformed exposure index: {what}"));
        for (digest, packed) in entries.iter() {
            let digest: &[u8] = digest.downcast::<PyBytes>()?.as_bytes();
            let packed: &[u8] = packed.downcast::<PyBytes>()?.as_bytes();
            if digest.len() != DIGEST_BYTES || packed.is_empty() || packed.len() % 5 != 0 {
                return Err(malformed("an entry's digest or records have the wrong length"));
            }
            let offset = records.len() as u32;
            records.extend(packed.chunks_exact(5).map(|r| (u32::from_le_bytes([r[0], r[1], r[2], r[3]]), r[4])));
            entry_table.insert(digest_key(digest), (offset, records.len() as u32 - offset));
        }
        let mut token_table = DigestMap::with_capacity_and_hasher(tokens.len(), Default::default());
        for (digest, packed) in tokens.iter() {
            let digest: &[u8] = digest.downcast::<PyBytes>()?.as_bytes();
            let packed: &[u8] = packed.downcast::<PyBytes>()?.as_bytes();
            if digest.len() != DIGEST_BYTES || packed.is_empty() || (packed.len() - 1) % 4 != 0 {
                return Err(malformed("a token's digest or persons have the wrong length"));
            }
            let relatives: Box<[u32]> = packed[1..]
                .chunks_exact(4)
                .map(|r| u32::from_le_bytes([r[0], r[1], r[2], r[3]]))
                .collect();
            token_table.insert(digest_key(digest), Token { starts_name: packed[0] & 1 != 0, relatives });
        }
        let known = |person: u32| (person as usize) < persons;
        if !records.iter().all(|&(person, _)| known(person))
            || !token_table.values().all(|t: &Token| t.relatives.iter().all(|&p| known(p)))
        {
            return Err(malformed("a person number beyond the roster"));
        }
        Ok(Lookup {
            base,
            entries: entry_table,
            records,
            tokens: token_table,
            memo: RefCell::new(FastMap::default()),
            token_memo: RefCell::new(FastMap::default()),
            message: RefCell::new(Vec::new()),
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
        let mut message = self.message.borrow_mut();
        message.clear();
        message.extend_from_slice(kind.as_bytes());
        message.push(b':');
        message.extend_from_slice(value);
        let key = ShortKey::new(&message);
        if let Some(key) = &key {
            if let Some(found) = self.memo.borrow().get(key) {
                return found.clone();
            }
        }
        let found: Rc<[Entry]> = match self.entries.get(&self.digest(&message)) {
            Some(&(offset, length)) => Rc::from(&self.records[offset as usize..(offset + length) as usize]),
            None => Rc::from(Vec::new()),
        };
        if let Some(key) = key {
            let mut memo = self.memo.borrow_mut();
            if memo.len() >= CACHE_LIMIT {
                memo.clear();
            }
            memo.insert(key, found.clone());
        }
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
        let key = ShortKey::new(token);
        if let Some(key) = &key {
            if let Some(found) = self.token_memo.borrow().get(key) {
                return found.clone();
            }
        }
        let mut message = self.message.borrow_mut();
        message.clear();
        message.extend_from_slice(b"tok:");
        message.extend_from_slice(token);
        let found = self.tokens.get(&self.digest(&message)).map(|t| {
            Rc::new(Token { starts_name: t.starts_name, relatives: t.relatives.clone() })
        });
        if let Some(key) = key {
            let mut memo = self.token_memo.borrow_mut();
            if memo.len() >= CACHE_LIMIT {
                memo.clear();
            }
            memo.insert(key, found.clone());
        }
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

/// One scanner's compiled state: memos, Hyperscan scratch space.
///
/// Calls hold the GIL, but one path (an international number, checked by
/// libphonenumber in Python) runs Python code, where the interpreter may let
/// another thread run. A second call on the same `Core` while one is under way
/// is refused with RuntimeError (`busy`); give each thread its own scanner or
/// use a lock, as exposure/scanning.py does. All state is behind `RefCell`s
/// and `Cell`s touched only under the GIL, which is what makes moving a `Core`
/// between threads sound.
#[pyclass]
pub struct Core {
    busy: Cell<bool>,
    street_window: usize,
    rules: Rules,
    tables: text::Tables,
    lookup: Lookup,
    shapes: shapes::Shapes,
    names: names::Names,
    addresses: address::Addresses,
    doc: RefCell<Doc>,
    /// Roster ids (`ExposureIndex.person_ids`) and result labels, as Python
    /// strings for `scan_dict`, and normalise.ascii_fold for non-ASCII text.
    person_ids: Vec<Py<PyString>>,
    person_order: Vec<u32>,
    labels: Vec<Py<PyString>>,
    ascii_fold: PyObject,
}

// SAFETY: see the comment on `Core`: every access happens under the GIL and a
// re-entered call is refused before it touches any state.
unsafe impl Send for Core {}

#[pymethods]
impl Core {
    #[new]
    fn new(py: Python<'_>, cfg: &PyDict) -> PyResult<Core> {
        let key = cfg_bytes(cfg, "key")?;
        let person_ids = cfg_strings(cfg, "person_ids")?;
        // Rank of each person's id in sorted order (results are sorted by id).
        let mut by_id: Vec<u32> = (0..person_ids.len() as u32).collect();
        by_id.sort_by(|&a, &b| person_ids[a as usize].cmp(&person_ids[b as usize]));
        let mut person_order = vec![0u32; person_ids.len()];
        for (rank, &person) in by_id.iter().enumerate() {
            person_order[person as usize] = rank as u32;
        }
        let entries = cfg_item(cfg, "entries")?.downcast::<PyDict>()?;
        let tokens = cfg_item(cfg, "tokens")?.downcast::<PyDict>()?;
        // The one-character folds of normalise.py, written as match arms here:
        // refuse to start if they ever differ.
        for (name, fold) in [
            ("digit_folds", text::fold_digit as fn(u8) -> u8),
            ("email_folds", shapes::email_fold),
            ("plate_folds", shapes::plate_fold),
        ] {
            let theirs: HashMap<u32, String> = cfg_item(cfg, name)?.extract()?;
            for b in 0u8..128 {
                let expected = theirs.get(&(b as u32)).and_then(|c| c.bytes().next()).unwrap_or(b);
                if fold(b) != expected {
                    return Err(PyValueError::new_err(format!("{name} differs from normalise.py at {b}")));
                }
            }
        }
        Ok(Core {
            busy: Cell::new(false),
            street_window: cfg_usize(cfg, "street_window")?,
            rules: Rules::new(cfg)?,
            tables: text::Tables::new(cfg)?,
            lookup: Lookup::new(&key, entries, tokens, person_ids.len())?,
            shapes: shapes::Shapes::new(cfg)?,
            names: names::Names::new(cfg)?,
            addresses: address::Addresses::new(cfg)?,
            doc: RefCell::new(Doc::default()),
            person_ids: person_ids.iter().map(|id| PyString::new(py, id).into()).collect(),
            person_order,
            labels: cfg_strings(cfg, "label_order")?.iter().map(|l| PyString::new(py, l).into()).collect(),
            ascii_fold: cfg_item(cfg, "ascii_fold")?.into(),
        })
    }

    /// `Scanner.scan(text, document_id).as_dict(include_mentions)`, built here:
    /// {"id", "exposures": [{"person", "ids", "restricted", "spans"}], "mentions"?}.
    fn scan_dict(
        &self,
        py: Python<'_>,
        text: &PyString,
        document_id: PyObject,
        include_mentions: bool,
    ) -> PyResult<PyObject> {
        let folded;
        let raw: &[u8] = if text.call_method0("isascii")?.is_true()? {
            text.to_str()?.as_bytes() // CPython keeps ASCII text as bytes already: no copy
        } else {
            // normalise.ascii_fold folds every other code point, lone surrogates too.
            folded = self.ascii_fold.call1(py, (text,))?;
            folded.as_ref(py).downcast::<PyBytes>()?.as_bytes()
        };
        let hits = self.guarded_find(raw)?;
        let result = PyDict::new(py);
        result.set_item("id", document_id)?;
        let (mut exposures, mut mentions) = self.rules.decide(&hits);
        // Sorted by roster id, as decide.py sorts them.
        exposures.sort_by_key(|e| self.person_order[e.person as usize]);
        mentions.sort_by_key(|m| self.person_order[m.0 as usize]);
        let exposure_list = PyList::empty(py);
        for exposure in exposures {
            let item = PyDict::new(py);
            item.set_item("person", self.person_ids[exposure.person as usize].clone_ref(py))?;
            let ids = PyList::empty(py);
            for (bit, label) in self.labels.iter().enumerate() {
                if exposure.labels & (1 << bit) != 0 {
                    ids.append(label.clone_ref(py))?;
                }
            }
            item.set_item("ids", ids)?;
            item.set_item("restricted", exposure.restricted)?;
            item.set_item("spans", span_list(py, &exposure.spans)?)?;
            exposure_list.append(item)?;
        }
        result.set_item("exposures", exposure_list)?;
        if include_mentions {
            let mention_list = PyList::empty(py);
            for (person, spans) in mentions {
                let item = PyDict::new(py);
                item.set_item("person", self.person_ids[person as usize].clone_ref(py))?;
                item.set_item("spans", span_list(py, &spans)?)?;
                mention_list.append(item)?;
            }
            result.set_item("mentions", mention_list)?;
        }
        Ok(result.into())
    }

    /// Return every roster key in a document as (person, kind, start, end):
    /// `raw` is the document with non-ASCII characters already folded one to
    /// one (exposure/scanner/normalise.py), as ASCII bytes.
    fn hits(&self, py: Python<'_>, raw: &[u8]) -> PyResult<PyObject> {
        let found = self.guarded_find(raw)?;
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
        let hits = self.guarded_find(raw)?;
        let (exposures, mentions) = self.rules.decide(&hits);
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
    fn iter_addresses(&self, folded: &[u8], offset: usize) -> PyResult<Vec<(String, String, String, usize, usize)>> {
        let _busy = self.enter()?;
        Ok(self.addresses
            .iter_addresses(folded, offset)
            .into_iter()
            .map(|a| (s(&a.number), s(&a.core), s(&a.kind), a.start, a.end))
            .collect())
    }

    /// identifiers.phone_key of a span of the general view (test entry point).
    fn phone_key(&self, raw: &[u8]) -> PyResult<Option<String>> {
        let _busy = self.enter()?;
        Ok(self.shapes.phone_key(raw)?.map(|key| s(&key)))
    }

    fn iter_streets(&self, folded: &[u8], start: usize, end: usize) -> PyResult<Vec<(String, usize, usize)>> {
        let _busy = self.enter()?;
        Ok(self
            .addresses
            .iter_streets(folded, start, end)
            .into_iter()
            .map(|(key, s0, e0)| (s(&key), s0, e0))
            .collect())
    }
}

struct Release<'a>(&'a Cell<bool>);

impl Drop for Release<'_> {
    fn drop(&mut self) {
        self.0.set(false);
    }
}

fn span_list<'py>(py: Python<'py>, spans: &[(usize, usize)]) -> PyResult<&'py PyList> {
    let list = PyList::empty(py);
    for &(start, end) in spans {
        list.append(PyList::new(py, [start, end]))?;
    }
    Ok(list)
}

fn s(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

impl Core {
    /// Mark the core busy until the returned guard is dropped (on every way
    /// out, a panic included); refuse if another call is under way.
    fn enter(&self) -> PyResult<Release<'_>> {
        if self.busy.replace(true) {
            return Err(PyRuntimeError::new_err(
                "this scanner is scanning in another thread: give each thread its own, or use a lock",
            ));
        }
        Ok(Release(&self.busy))
    }

    fn guarded_find(&self, raw: &[u8]) -> PyResult<Vec<Hit>> {
        let _busy = self.enter()?;
        self.find(raw)
    }

    fn find(&self, raw: &[u8]) -> PyResult<Vec<Hit>> {
        let mut doc = self.doc.borrow_mut();
        self.tables.fill(&mut doc, raw);
        let doc = &*doc;
        let mut hits = Vec::new();
        self.shapes.find(doc, &self.lookup, &self.addresses, &mut hits)?;
        let name_hits = self.names.find(doc, &self.lookup);
        if !name_hits.iter().any(|h| h.kind == NAME) {
            hits.extend(name_hits);
            return Ok(hits);
        }
        let mut sorted: Vec<&Hit> = name_hits.iter().filter(|h| h.kind == NAME).collect();
        sorted.sort_by_key(|h| h.start);
        let mut windows: Vec<(usize, usize)> = Vec::new();
        for hit in sorted {
            // A street without a house number is weak: look for it only near a
            // roster name (rule 2 in decide.py), word by word (iter_streets).
            let (start, end) = (hit.start.saturating_sub(self.street_window), hit.end + self.street_window);
            match windows.last_mut() {
                Some(last) if start <= last.1 => last.1 = last.1.max(end),
                _ => windows.push((start, end)),
            }
        }
        for (window_start, window_end) in windows {
            for (street, start, end) in self.addresses.iter_streets(&doc.lower, window_start, window_end) {
                self.lookup.emit(&mut hits, "street", &street, start, end);
            }
        }
        hits.extend(name_hits);
        Ok(hits)
    }
}

// --- the decision (exposure/scanner/decide.py) ----------------------------

/// The kinds' weight and labels (kinds.py, decide.py `_LABEL_ORDER`), as bit sets.
struct Rules {
    strong: u32,
    weak: u32,
    restricted: u32,
    /// Kind value -> bit of its label in `_LABEL_ORDER`.
    label_bits: [u16; 32],
}

fn kind_bits(cfg: &PyDict, key: &str) -> PyResult<u32> {
    let kinds: Vec<u8> = cfg_item(cfg, key)?.extract()?;
    Ok(kinds.iter().fold(0, |bits, &kind| bits | 1 << kind))
}

impl Rules {
    fn new(cfg: &PyDict) -> PyResult<Rules> {
        let values: HashMap<String, u8> = cfg_item(cfg, "kind_values")?.extract()?;
        if values.get("NAME") != Some(&NAME) || values.get("RELATIVE_GIVEN") != Some(&RELATIVE_GIVEN) {
            return Err(PyValueError::new_err("Kind values differ from kinds.py"));
        }
        let order = cfg_strings(cfg, "label_order")?;
        let labels: HashMap<u8, String> = cfg_item(cfg, "kind_labels")?.extract()?;
        let mut label_bits = [0u16; 32];
        for (kind, label) in labels {
            let position = order
                .iter()
                .position(|l| *l == label)
                .ok_or_else(|| PyValueError::new_err(format!("label {label} not in label_order")))?;
            label_bits[kind as usize & 31] = 1 << position;
        }
        Ok(Rules {
            strong: kind_bits(cfg, "strong")?,
            weak: kind_bits(cfg, "weak")?,
            restricted: kind_bits(cfg, "restricted")?,
            label_bits,
        })
    }

    /// decide.py `decide`: a strong identifier, or a name with a weak identifier
    /// of the same person, exposes that person; a name alone is a mention, unless
    /// the same span is already a name of an exposed person (a shared name).
    fn decide(&self, hits: &[Hit]) -> (Vec<Exposure>, Vec<(u32, Vec<(usize, usize)>)>) {
        let mut persons: Vec<u32> = Vec::new();
        let mut by_person: HashMap<u32, Vec<&Hit>> = HashMap::new();
        for hit in hits {
            by_person
                .entry(hit.person)
                .or_insert_with(|| {
                    persons.push(hit.person);
                    Vec::new()
                })
                .push(hit);
        }
        let mut exposures = Vec::new();
        let mut exposed_name_spans: HashSet<(usize, usize)> = HashSet::new();
        let mut named: Vec<u32> = Vec::new();
        for &person in &persons {
            let own = &by_person[&person];
            let kinds: u32 = own.iter().fold(0, |bits, h| bits | 1 << (h.kind & 31));
            let has_name = kinds & (1 << NAME) != 0;
            if kinds & self.strong != 0 || (has_name && kinds & self.weak != 0) {
                exposures.push(Exposure {
                    person,
                    labels: own.iter().fold(0, |bits, h| bits | self.label_bits[(h.kind & 31) as usize]),
                    restricted: kinds & self.restricted != 0,
                    spans: sorted_spans(own.iter().copied()),
                });
                exposed_name_spans.extend(own.iter().filter(|h| h.kind == NAME).map(|h| (h.start, h.end)));
            } else if has_name {
                named.push(person);
            }
        }
        let mut mentions = Vec::new();
        for person in named {
            let free = sorted_spans(
                by_person[&person]
                    .iter()
                    .copied()
                    .filter(|h| h.kind == NAME && !exposed_name_spans.contains(&(h.start, h.end))),
            );
            if !free.is_empty() {
                mentions.push((person, free));
            }
        }
        (exposures, mentions)
    }
}

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

#[pymodule]
fn _native(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    m.add_class::<Core>()?;
    // scripts/build-native passes the digest of the sources (native.py `source_digest`).
    m.add("SOURCE_DIGEST", option_env!("CUSTOS_CORE_SOURCE").unwrap_or(""))?;
    Ok(())
}
