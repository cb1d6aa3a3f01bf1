//! Street addresses and street names (exposure/scanner/identifiers.py:
//! `iter_addresses`, `iter_streets`, `word_tokens`, `_word_info`).

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::text::{fold_digit, name_tokens};
use crate::{cfg_map, cfg_str, cfg_strings, regex};

/// One address found by `iter_addresses`: canonical house number, street core
/// and street type, and its span (offsets plus the caller's offset).
pub struct Address {
    pub number: Vec<u8>,
    pub core: Vec<u8>,
    pub kind: Vec<u8>,
    pub start: usize,
    pub end: usize,
}

/// Like Python's `_WORD_CACHE_LIMIT`.
const WORD_CACHE_LIMIT: usize = 200_000;

// Token flags (membership of one token in the canonical word sets).
const T_UNIT: u8 = 1;
const T_DIRECTIONAL: u8 = 2;
const T_TYPE: u8 = 4;

// Word flags: the key (" ".join(tokens)) and the raw word.
const K_TYPE: u16 = 1;
const K_ES_TYPE: u16 = 2;
const K_UNIT: u16 = 4;
const K_EJE: u16 = 8;
const K_VLAL: u16 = 16;
const W_STOP: u16 = 32;
const W_PARTICLE: u16 = 64;
const W_MARKER: u16 = 128; // word.strip(".") in _NUMBER_MARKERS
const W_DIGIT: u16 = 256; // any digit in the word

// Memo keys are words of untrusted documents (public tips): a randomly keyed
// hash (ahash), so a crafted document cannot make them all collide.
type WordMemo = crate::FastMap<crate::ShortKey<4>, Rc<WordInfo>>;

/// `_word_info(word)` plus everything the loops ask about the word, memoised.
struct WordInfo {
    /// `word_tokens(word)`, each with its `T_*` flags.
    tokens: Vec<(Vec<u8>, u8)>,
    /// `_type_of(key)`, filled only when the key is a (Spanish) street type.
    kind: Vec<u8>,
    /// `house_number(group 1)` of `_HOUSE_NUMBER.fullmatch(word.strip(".,"))`.
    number: Option<Vec<u8>>,
    flags: u16,
}

/// Word lists from the configuration (fixed keys: ahash only for its speed).
type ByteSet = HashSet<Vec<u8>, ahash::RandomState>;
type ByteMap = HashMap<Vec<u8>, Vec<u8>, ahash::RandomState>;

pub struct Addresses {
    types: ByteSet,
    es_types: ByteSet,
    directionals: ByteSet,
    units: ByteSet,
    spellings: ByteMap,
    spelled_ordinals: ByteMap,
    stop_words: ByteSet,
    particles: ByteSet,
    markers: ByteSet,
    ordinal: regex::bytes::Regex,
    house_number: regex::bytes::Regex,
    address_word: [bool; 256],
    street_word: [bool; 256],
    memo: RefCell<WordMemo>,
    /// A window's words and their infos, reused between calls (neither parser
    /// calls the other, so one set serves both).
    scratch: RefCell<(Vec<(usize, usize)>, Vec<Rc<WordInfo>>)>,
    /// Street-type tokens (English and Spanish), for `may_be_type`.
    type_tokens: crate::FastMap<crate::ShortKey<2>, ()>,
    /// `iter_streets`' words and their infos, filled lazily.
    street_scratch: RefCell<(Vec<(usize, usize)>, Vec<Option<Rc<WordInfo>>>)>,
}

fn byte_set(cfg: &PyDict, key: &str) -> PyResult<ByteSet> {
    Ok(cfg_strings(cfg, key)?.into_iter().map(String::into_bytes).collect())
}

fn byte_map(cfg: &PyDict, key: &str) -> PyResult<ByteMap> {
    Ok(cfg_map(cfg, key)?.into_iter().map(|(k, v)| (k.into_bytes(), v.into_bytes())).collect())
}

/// `regex.captures(text)`, with the DFA's `is_match` first: most words do not
/// match, and a failed `is_match` costs a fraction of a failed `captures`.
fn captures<'t>(regex: &regex::bytes::Regex, text: &'t [u8]) -> Option<regex::bytes::Captures<'t>> {
    if regex.is_match(text) {
        regex.captures(text)
    } else {
        None
    }
}

fn anchored(cfg: &PyDict, key: &str) -> PyResult<regex::bytes::Regex> {
    regex(&format!("^(?:{})$", cfg_str(cfg, key)?))
}

/// The byte class of a word pattern `[...]+` (words are its maximal runs).
fn word_class(cfg: &PyDict, key: &str) -> PyResult<[bool; 256]> {
    let pattern = cfg_str(cfg, key)?;
    if !(pattern.starts_with('[') && pattern.ends_with("]+")) {
        return Err(PyValueError::new_err(format!("{key}: a character class run \"[...]+\" expected")));
    }
    let class = regex(&format!("^{}$", &pattern[..pattern.len() - 1]))?;
    let mut table = [false; 256];
    for b in 0..128u8 {
        table[b as usize] = class.is_match(&[b]);
    }
    Ok(table)
}

/// Python's `str.strip(chars)` on bytes.
fn strip<'a>(word: &'a [u8], chars: &[u8]) -> &'a [u8] {
    let mut start = 0;
    let mut end = word.len();
    while start < end && chars.contains(&word[start]) {
        start += 1;
    }
    while end > start && chars.contains(&word[end - 1]) {
        end -= 1;
    }
    &word[start..end]
}

/// `house_number(raw)`: look-alikes folded, digits only, no leading zeros, "0" if none.
fn house_number(raw: &[u8]) -> Vec<u8> {
    let mut out: Vec<u8> = Vec::with_capacity(raw.len());
    for &b in raw {
        let d = fold_digit(b);
        if d.is_ascii_digit() && !(out.is_empty() && d == b'0') {
            out.push(d);
        }
    }
    if out.is_empty() {
        out.push(b'0');
    }
    out
}

/// Maximal runs of `class` bytes in `text[start..end]`: (start, end) pairs, into `out`.
fn word_runs(text: &[u8], start: usize, end: usize, class: &[bool; 256], out: &mut Vec<(usize, usize)>) {
    let end = end.min(text.len());
    out.clear();
    let mut i = start;
    while i < end {
        if class[text[i] as usize] {
            let s = i;
            while i < end && class[text[i] as usize] {
                i += 1;
            }
            out.push((s, i));
        } else {
            i += 1;
        }
    }
}

/// `_street_core_tokens` joined by spaces, into `out` (cleared first): drop
/// directionals (unless alone), later type words, stop at a unit word. Return
/// whether the core is not empty.
fn street_core<'a, I>(tokens: I, out: &mut Vec<u8>) -> bool
where
    I: Iterator<Item = &'a (Vec<u8>, u8)> + Clone,
{
    out.clear();
    let mut have_tokens = false;
    for (token, flags) in tokens.clone() {
        if flags & T_UNIT != 0 {
            break;
        }
        if flags & T_DIRECTIONAL != 0 || (flags & T_TYPE != 0 && have_tokens) {
            continue;
        }
        if have_tokens {
            out.push(b' ');
        }
        out.extend_from_slice(token);
        have_tokens = true;
    }
    if !have_tokens {
        // Only directionals ("North"): they are the core.
        let mut have_directionals = false;
        for (token, flags) in tokens {
            if flags & T_UNIT != 0 {
                break;
            }
            if flags & T_DIRECTIONAL != 0 {
                if have_directionals {
                    out.push(b' ');
                }
                out.extend_from_slice(token);
                have_directionals = true;
            }
        }
    }
    !out.is_empty()
}

impl Addresses {
    pub fn new(cfg: &PyDict) -> PyResult<Addresses> {
        Ok(Addresses {
            type_tokens: cfg_strings(cfg, "canonical_types")?
                .into_iter()
                .chain(cfg_strings(cfg, "canonical_es_types")?)
                .map(|token| {
                    // may_be_type reads a word's tokens into 16 bytes: every spelling
                    // of a type ("rn" for each "m") must fit.
                    let longest = token.len() + token.matches('m').count();
                    crate::ShortKey::new(token.as_bytes())
                        .filter(|_| longest <= 16)
                        .map(|key| (key, ()))
                        .ok_or_else(|| PyValueError::new_err(format!("street type {token:?} too long")))
                })
                .collect::<PyResult<_>>()?,
            street_scratch: RefCell::new((Vec::new(), Vec::new())),
            types: byte_set(cfg, "canonical_types")?,
            es_types: byte_set(cfg, "canonical_es_types")?,
            directionals: byte_set(cfg, "canonical_directionals")?,
            units: byte_set(cfg, "canonical_units")?,
            spellings: byte_map(cfg, "type_spellings")?,
            spelled_ordinals: byte_map(cfg, "spelled_ordinals")?,
            stop_words: byte_set(cfg, "stop_words")?,
            particles: byte_set(cfg, "spanish_particles")?,
            markers: byte_set(cfg, "number_markers")?,
            ordinal: anchored(cfg, "ordinal_pattern")?,
            house_number: anchored(cfg, "house_number_pattern")?,
            address_word: word_class(cfg, "address_word_pattern")?,
            street_word: word_class(cfg, "street_word_pattern")?,
            memo: RefCell::new(WordMemo::default()),
            scratch: RefCell::new((Vec::new(), Vec::new())),
        })
    }

    /// `word_tokens(word)`.
    fn word_tokens(&self, word: &[u8]) -> Vec<Vec<u8>> {
        let bare = strip(word, b".,'");
        if let Some(captures) = captures(&self.ordinal, bare) {
            let digits = captures.get(1).map_or(&b""[..], |m| m.as_bytes());
            // f"#{int(fold_digits(group))}"
            let mut token = vec![b'#'];
            let mut started = false;
            for &b in digits {
                let d = fold_digit(b);
                if d == b'0' && !started {
                    continue;
                }
                started = true;
                token.push(d);
            }
            if !started {
                token.push(b'0');
            }
            return vec![token];
        }
        if let Some(number) = self.spelled_ordinals.get(bare) {
            let mut token = vec![b'#'];
            token.extend_from_slice(number);
            return vec![token];
        }
        name_tokens(word)
    }

    /// `_word_info(word)`, memoised per scanner like Python's caches.
    fn info(&self, word: &[u8]) -> Rc<WordInfo> {
        let memo_key = crate::ShortKey::new(word);
        if let Some(memo_key) = &memo_key {
            if let Some(found) = self.memo.borrow().get(memo_key) {
                return found.clone();
            }
        }
        let tokens = self.word_tokens(word);
        let key = tokens.join(&b' ');
        let mut flags = 0u16;
        if self.types.contains(&key) {
            flags |= K_TYPE;
        }
        if self.es_types.contains(&key) {
            flags |= K_ES_TYPE;
        }
        if self.units.contains(&key) {
            flags |= K_UNIT;
        }
        if key == b"eje" {
            flags |= K_EJE;
        }
        if key == b"vlal" {
            flags |= K_VLAL;
        }
        if self.stop_words.contains(word) {
            flags |= W_STOP;
        }
        if self.particles.contains(word) {
            flags |= W_PARTICLE;
        }
        if self.markers.contains(strip(word, b".")) {
            flags |= W_MARKER;
        }
        if word.iter().any(u8::is_ascii_digit) {
            flags |= W_DIGIT;
        }
        let kind = if flags & (K_TYPE | K_ES_TYPE | K_EJE) != 0 {
            self.spellings.get(&key).cloned().unwrap_or_else(|| key.clone())
        } else {
            Vec::new()
        };
        let number = captures(&self.house_number, strip(word, b".,"))
            .and_then(|c| c.get(1))
            .map(|m| house_number(m.as_bytes()));
        let tokens = tokens
            .into_iter()
            .map(|token| {
                let mut f = 0u8;
                if self.units.contains(&token) {
                    f |= T_UNIT;
                }
                if self.directionals.contains(&token) {
                    f |= T_DIRECTIONAL;
                }
                if self.types.contains(&token) {
                    f |= T_TYPE;
                }
                (token, f)
            })
            .collect();
        let found = Rc::new(WordInfo { tokens, kind, number, flags });
        if let Some(memo_key) = memo_key {
            let mut memo = self.memo.borrow_mut();
            if memo.len() >= WORD_CACHE_LIMIT {
                memo.clear();
            }
            memo.insert(memo_key, found.clone());
        }
        found
    }

    /// `iter_addresses(folded, offset)`, collected (the debug entry point).
    pub fn iter_addresses(&self, folded: &[u8], offset: usize) -> Vec<Address> {
        let mut out = Vec::new();
        self.for_each_address(folded, offset, |number, core, kind, start, end| {
            out.push(Address { number: number.to_vec(), core: core.to_vec(), kind: kind.to_vec(), start, end });
        });
        out
    }

    /// `iter_addresses(folded, offset)`: `folded` is the slice the Python code
    /// was given (a copy of the window), offsets are relative to it plus `offset`.
    /// Calls `found(number, core, kind, start, end)` for each address, in order.
    pub fn for_each_address<F>(&self, folded: &[u8], offset: usize, mut found: F)
    where
        F: FnMut(&[u8], &[u8], &[u8], usize, usize),
    {
        let mut scratch = self.scratch.borrow_mut();
        let (words, infos) = &mut *scratch;
        self.read_words(folded, 0, folded.len(), &self.address_word, words, infos);
        let count = words.len();
        let mut core = Vec::new();
        for i in 0..count {
            let info = &infos[i];
            let word_start = words[i].0;
            if let Some(number) = &info.number {
                if i == 0 || words[i - 1].1 < word_start {
                    // English: the type is the first type word after at least one word.
                    for j in i + 2..(i + 7).min(count) {
                        if infos[j].flags & K_TYPE != 0 {
                            if street_core(infos[i + 1..j].iter().flat_map(|x| x.tokens.iter()), &mut core) {
                                found(number, &core, &infos[j].kind, offset + word_start, offset + words[j].1);
                            }
                            break;
                        }
                    }
                    if i + 2 < count && infos[i + 1].flags & K_ES_TYPE != 0 {
                        // "1234 Calle Roble, San Antonio": one to three words after the type.
                        let kind = &infos[i + 1].kind;
                        for last in i + 2..(i + 5).min(count) {
                            if last > i + 2 && folded[words[last - 1].1..words[last].0].contains(&b',') {
                                break;
                            }
                            if infos[last].flags & K_UNIT != 0 || infos[last].number.is_some() {
                                break;
                            }
                            if infos[last].flags & W_PARTICLE != 0 {
                                continue;
                            }
                            let tokens = infos[i + 2..last + 1].iter().flat_map(|x| x.tokens.iter());
                            if street_core(tokens, &mut core) {
                                found(number, &core, kind, offset + word_start, offset + words[last].1);
                            }
                        }
                    }
                }
            }
            let eje = info.flags & K_EJE != 0;
            if info.flags & K_ES_TYPE != 0 || (eje && i + 1 < count && infos[i + 1].flags & K_VLAL != 0) {
                let first_name_word = i + if eje { 2 } else { 1 };
                for j in first_name_word + 1..(first_name_word + 7).min(count) {
                    if let Some(later_number) = &infos[j].number {
                        if infos[j].flags & W_DIGIT == 0 {
                            continue;
                        }
                        let tokens = (first_name_word..j)
                            .filter(|&k| infos[k].flags & W_MARKER == 0)
                            .flat_map(|k| infos[k].tokens.iter());
                        if street_core(tokens, &mut core) {
                            found(later_number, &core, &info.kind, offset + word_start, offset + words[j].1);
                        }
                        break;
                    }
                }
            }
        }
        infos.clear(); // the memo owns the infos; do not keep old ones alive
    }

    /// The words of `folded[start..end]` (runs of `class`) and their infos.
    fn read_words(
        &self,
        folded: &[u8],
        start: usize,
        end: usize,
        class: &[bool; 256],
        words: &mut Vec<(usize, usize)>,
        infos: &mut Vec<Rc<WordInfo>>,
    ) {
        word_runs(folded, start, end, class, words);
        infos.clear();
        infos.extend(words.iter().map(|&(s, e)| self.info(&folded[s..e])));
    }

    /// `iter_streets(folded, start, end)`: words of `folded[start..end]` (end
    /// clamped to the length), offsets into `folded`. Returns ("core type", start, end).
    pub fn iter_streets(&self, folded: &[u8], start: usize, end: usize) -> Vec<(Vec<u8>, usize, usize)> {
        let mut scratch = self.street_scratch.borrow_mut();
        let (words, infos) = &mut *scratch;
        word_runs(folded, start, end, &self.street_word, words);
        let count = words.len();
        // Word infos are looked up only for street-type words and the (at most
        // four) words beside them: most words of a window are neither.
        infos.clear();
        infos.resize(count, None);
        let mut info = |i: usize| -> Rc<WordInfo> {
            let (s, e) = words[i];
            infos[i].get_or_insert_with(|| self.info(&folded[s..e])).clone()
        };
        let mut out = Vec::new();
        let mut core = Vec::new();
        for i in 0..count {
            let (s, e) = words[i];
            if !self.may_be_type(&folded[s..e]) {
                continue;
            }
            let this = info(i);
            if this.flags & K_TYPE != 0 && i > 0 {
                let kind = &this.kind;
                // "lives on Maple Ave": the name is the one to three words before.
                for length in 1..=i.min(3) {
                    let first = i - length;
                    if info(first).flags & W_STOP != 0 {
                        break;
                    }
                    let before: Vec<Rc<WordInfo>> = (first..i).map(&mut info).collect();
                    if street_core(before.iter().flat_map(|x| x.tokens.iter()), &mut core) {
                        out.push((street_key(&core, kind), words[first].0, words[i].1));
                    }
                }
            }
            if this.flags & K_ES_TYPE != 0 && i + 1 < count {
                let kind = &this.kind;
                // "en la calle Hidalgo": the name is the one to three words after.
                for length in 1..=(count - i - 1).min(4) {
                    let last = i + length;
                    let last_info = info(last);
                    if last_info.flags & W_STOP != 0 {
                        if length > 1 && last_info.flags & W_PARTICLE != 0 {
                            continue;
                        }
                        break;
                    }
                    let after: Vec<Rc<WordInfo>> = (i + 1..last + 1).map(&mut info).collect();
                    if street_core(after.iter().flat_map(|x| x.tokens.iter()), &mut core) {
                        out.push((street_key(&core, kind), words[i].0, words[last].1));
                    }
                }
            }
        }
        out
    }

    /// Could this word's key be a street type? True for every word whose key
    /// is one (its letters view holds the type as a token, perhaps with "rn"
    /// for "m"), and for few others: a cheap filter before the word's info.
    fn may_be_type(&self, word: &[u8]) -> bool {
        let mut token = [0u8; 16];
        let mut length = 0usize;
        let mut found = false;
        let mut check = |token: &[u8]| {
            if token.len() >= 2 {
                let canonical = crate::text::canonical_name_token(token);
                if let Some(key) = crate::ShortKey::<2>::new(&canonical) {
                    found |= self.type_tokens.contains_key(&key);
                }
            }
        };
        let mut too_long = false;
        for &b in word {
            let letter = crate::text::LETTERS[crate::text::ASCII_LOWER[b as usize] as usize];
            if letter == b' ' {
                if !too_long {
                    check(&token[..length]);
                }
                length = 0;
                too_long = false;
            } else if length < token.len() {
                token[length] = letter;
                length += 1;
            } else {
                too_long = true; // longer than any street type
            }
        }
        if !too_long {
            check(&token[..length]);
        }
        found
    }
}

/// "core type", the street key.
fn street_key(core: &[u8], kind: &[u8]) -> Vec<u8> {
    let mut key = Vec::with_capacity(core.len() + 1 + kind.len());
    key.extend_from_slice(core);
    key.push(b' ');
    key.extend_from_slice(kind);
    key
}
