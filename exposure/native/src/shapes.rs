//! Phones, e-mails, SSNs, plates and addresses (exposure/scanner/candidates.py
//! `ShapeFinder.find` and the key functions of identifiers.py it calls).

use std::cell::RefCell;
use std::collections::HashMap;

use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use regex::bytes::{NoExpand, Regex};

use crate::address::Addresses;
use crate::hs;
use crate::text::fold_digit;
use crate::{cfg_item, cfg_str, cfg_strings, cfg_usize, regex, Doc, Hit, Lookup};

const CACHE_LIMIT: usize = 200_000;

/// The pattern ids of candidates.py (`PHONE_US`, ...).
struct Ids {
    phone_us: u32,
    phone_intl: u32,
    phone_long: u32,
    email: u32,
    address_en: u32,
    address_es: u32,
    address_number_es: u32,
    ssn: u32,
    digit_token: u32,
    plate_word: u32,
    street_type: u32,
}

pub struct Shapes {
    ids: Ids,
    /// Every shape but DIGIT_TOKEN and STREET_TYPE, over `doc.lower`.
    main: hs::Database,
    /// DIGIT_TOKEN over the case-keeping view.
    plates: hs::Database,
    /// `_WINDOW` and `_PYTHON` by pattern id (None: no span pass).
    windows: Vec<usize>,
    patterns: Vec<Option<Regex>>,
    min_phone_digits: usize,
    max_plate: usize,
    max_backup: usize,
    name_after_type: usize,
    address_words_back: usize,
    plate_context_skip: Vec<Vec<u8>>,
    plate_context_reach: usize,
    plate_group: usize,
    /// identifiers._AT / _DOT (e-mail "at" and "dot" spellings).
    at: Regex,
    dot: Regex,
    /// identifiers.phone_key, for international numbers (libphonenumber).
    phone_key: PyObject,
    phone_memo: RefCell<crate::FastMap<Vec<u8>, Option<Vec<u8>>>>,
    matches: RefCell<Vec<(u32, usize)>>,
    plate_matches: RefCell<Vec<(u32, usize)>>,
    ends: RefCell<Vec<Vec<usize>>>,
}

fn int_map<T: for<'a> FromPyObject<'a>>(cfg: &PyDict, key: &str) -> PyResult<HashMap<u32, T>> {
    cfg_item(cfg, key)?.extract()
}

#[inline]
fn alnum(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

/// Python's `str.isspace` on one ASCII character.
#[inline]
fn py_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | 0x1c..=0x1f)
}

/// `str.strip()` of ASCII text.
fn strip(value: &[u8]) -> &[u8] {
    let start = value.iter().position(|&b| !py_space(b)).unwrap_or(value.len());
    let end = value.iter().rposition(|&b| !py_space(b)).map_or(start, |i| i + 1);
    &value[start..end.max(start)]
}

impl Shapes {
    pub fn new(cfg: &PyDict) -> PyResult<Shapes> {
        let names: HashMap<String, u32> = cfg_item(cfg, "shape_ids")?.extract()?;
        let id = |name: &str| {
            names
                .get(name)
                .copied()
                .ok_or_else(|| PyValueError::new_err(format!("shape_ids lacks {name}")))
        };
        let ids = Ids {
            phone_us: id("PHONE_US")?,
            phone_intl: id("PHONE_INTL")?,
            phone_long: id("PHONE_LONG")?,
            email: id("EMAIL")?,
            address_en: id("ADDRESS_EN")?,
            address_es: id("ADDRESS_ES")?,
            address_number_es: id("ADDRESS_NUMBER_ES")?,
            ssn: id("SSN")?,
            digit_token: id("DIGIT_TOKEN")?,
            plate_word: id("PLATE_WORD")?,
            street_type: id("STREET_TYPE")?,
        };
        let shapes: HashMap<u32, String> = int_map(cfg, "shapes")?;
        let windows_map: HashMap<u32, usize> = int_map(cfg, "windows")?;
        let window_patterns: HashMap<u32, String> = int_map(cfg, "window_patterns")?;
        let size = shapes.keys().copied().max().unwrap_or(0) as usize + 1;
        let mut sorted: Vec<u32> = shapes.keys().copied().collect();
        sorted.sort_unstable();
        let main: Vec<(u32, String)> = sorted
            .iter()
            .filter(|&&i| i != ids.digit_token && i != ids.street_type)
            .map(|&i| (i, shapes[&i].clone()))
            .collect();
        let main = hs::Database::compile(&main).map_err(PyValueError::new_err)?;
        let plates = hs::Database::compile(&[(ids.digit_token, shapes[&ids.digit_token].clone())])
            .map_err(PyValueError::new_err)?;
        let mut windows = vec![0; size];
        let mut patterns: Vec<Option<Regex>> = (0..size).map(|_| None).collect();
        for &i in &sorted {
            windows[i as usize] = windows_map.get(&i).copied().unwrap_or(0);
            let spanned = i != ids.address_en
                && i != ids.address_es
                && i != ids.address_number_es
                && i != ids.street_type;
            if spanned {
                let pattern = window_patterns
                    .get(&i)
                    .ok_or_else(|| PyValueError::new_err(format!("window_patterns lacks {i}")))?;
                patterns[i as usize] = Some(regex(pattern)?);
            }
        }
        let phone_key: PyObject = cfg_item(cfg, "phone_key")?.into();
        Ok(Shapes {
            ids,
            main,
            plates,
            windows,
            patterns,
            min_phone_digits: cfg_usize(cfg, "min_phone_digits")?,
            max_plate: cfg_usize(cfg, "max_plate")?,
            max_backup: cfg_usize(cfg, "max_backup")?,
            name_after_type: cfg_usize(cfg, "name_after_type")?,
            address_words_back: cfg_usize(cfg, "address_words_back")?,
            plate_context_skip: cfg_strings(cfg, "plate_context_skip")?.into_iter().map(String::into_bytes).collect(),
            plate_context_reach: cfg_usize(cfg, "plate_context_reach")?,
            plate_group: cfg_usize(cfg, "plate_group")?,
            at: regex(&cfg_str(cfg, "email_at_pattern")?)?,
            dot: regex(&cfg_str(cfg, "email_dot_pattern")?)?,
            phone_key,
            phone_memo: RefCell::new(crate::FastMap::default()),
            matches: RefCell::new(Vec::new()),
            plate_matches: RefCell::new(Vec::new()),
            ends: RefCell::new((0..size).map(|_| Vec::new()).collect()),
        })
    }

    /// Append every roster identifier other than names found in the document.
    pub fn find(&self, doc: &Doc, lookup: &Lookup, addresses: &Addresses, hits: &mut Vec<Hit>) -> PyResult<()> {
        let mut matches = self.matches.borrow_mut();
        let mut plate_matches = self.plate_matches.borrow_mut();
        self.main.scan(&doc.lower, &mut matches).map_err(PyRuntimeError::new_err)?;
        self.plates.scan(&doc.cased, &mut plate_matches).map_err(PyRuntimeError::new_err)?;
        if matches.is_empty() && plate_matches.is_empty() {
            return Ok(());
        }
        let mut ends = self.ends.borrow_mut();
        for list in ends.iter_mut() {
            list.clear();
        }
        for &(pattern, end) in matches.iter().chain(plate_matches.iter()) {
            if let Some(list) = ends.get_mut(pattern as usize) {
                list.push(end);
            }
        }
        let ids = &self.ids;
        let lower = &doc.lower[..];
        let mut spans: Vec<(usize, usize)> = Vec::new();
        for (pattern, pattern_ends) in ends.iter().enumerate() {
            let pattern = pattern as u32;
            if pattern_ends.is_empty() {
                continue;
            }
            let view = if pattern == ids.digit_token { &doc.cased[..] } else { lower };
            let expression = match &self.patterns[pattern as usize] {
                Some(expression) => expression,
                None => continue,
            };
            self.spans(view, expression, self.windows[pattern as usize], pattern_ends, &mut spans);
            if pattern == ids.phone_us || pattern == ids.phone_intl || pattern == ids.phone_long {
                self.phones(lower, &spans, lookup, hits)?;
            } else if pattern == ids.email {
                self.emails(lower, &spans, lookup, hits);
            } else if pattern == ids.ssn {
                for &(start, end) in &spans {
                    let digits: Vec<u8> = lower[start..end].iter().copied().filter(u8::is_ascii_digit).collect();
                    lookup.emit(hits, "ssn", &digits, start, end);
                }
            } else if pattern == ids.digit_token {
                self.plates_around(doc, &spans, lookup, hits);
            } else if pattern == ids.plate_word {
                self.plates_after_context(lower, &spans, lookup, hits);
            }
        }
        // The address parser re-reads the windows itself; no span pass needed. A number
        // and a Spanish type ("1234 Calle") are followed by the name: read three words on.
        let at = |i: u32| ends.get(i as usize).map_or(&[][..], |v| &v[..]);
        let mut windows: Vec<(usize, usize)> = at(ids.address_en)
            .iter()
            .chain(at(ids.address_es))
            .map(|&end| (end, end))
            .chain(at(ids.address_number_es).iter().map(|&end| (end, lower.len().min(end + self.name_after_type))))
            .collect();
        if windows.is_empty() {
            return Ok(());
        }
        windows.sort_unstable();
        // `reports[ADDRESS_EN]` (start -> largest end), then `_merge`.
        let mut starts: Vec<(usize, usize)> =
            windows.iter().map(|&(end, window_end)| (self.address_window_start(lower, end), window_end)).collect();
        starts.sort_unstable();
        let mut regions: Vec<(usize, usize)> = Vec::new();
        for (start, end) in starts {
            match regions.last_mut() {
                Some(last) if start <= last.1 => last.1 = last.1.max(end),
                _ => regions.push((start, end)),
            }
        }
        let (mut street, mut full) = (Vec::new(), Vec::new());
        for (region_start, region_end) in regions {
            let region_end = region_end.min(lower.len());
            let region_start = region_start.min(region_end);
            let region = &lower[region_start..region_end];
            addresses.for_each_address(region, region_start, |number, core, kind, start, end| {
                // Every roster address is indexed under its street key too, so a
                // street with no roster entry needs no address lookup.
                street.clear();
                street.extend_from_slice(core);
                street.push(b' ');
                street.extend_from_slice(kind);
                if lookup.emit(hits, "street", &street, start, end) {
                    full.clear();
                    full.extend_from_slice(number);
                    full.push(b' ');
                    full.extend_from_slice(&street);
                    lookup.emit(hits, "addr", &full, start, end);
                }
            });
        }
        Ok(())
    }

    /// `_spans`: re-run a shape regex before each reported end; (start, largest end)
    /// pairs, one per start (sorted by start; the order only changes hit order).
    fn spans(&self, view: &[u8], expression: &Regex, window: usize, ends: &[usize], out: &mut Vec<(usize, usize)>) {
        out.clear();
        let mut regions: Vec<(usize, usize)> = Vec::new();
        for &end in ends {
            let end = end.min(view.len());
            let mut start = end.saturating_sub(window);
            // Back up to a word start, not past the previous window (merged
            // anyway): linear in a long run of letters and digits.
            // At most `max_backup` characters (candidates.py `_MAX_BACKUP`).
            let limit = regions.last().map_or(0, |last| last.1).max(start.saturating_sub(self.max_backup));
            while start > limit && alnum(view[start - 1]) {
                start -= 1;
            }
            match regions.last_mut() {
                Some(last) if start <= last.1 => last.1 = last.1.max(end),
                _ => regions.push((start, end)),
            }
        }
        for (start, end) in regions {
            let haystack = &view[..end];
            let mut position = start;
            while position <= haystack.len() {
                let found = match expression.find_at(haystack, position) {
                    Some(found) => found,
                    None => break,
                };
                out.push((found.start(), found.end()));
                position = if found.end() > found.start() { found.end() } else { found.end() + 1 };
            }
        }
        out.sort_unstable();
        // Keep the largest end per start (the last of each run after sorting).
        let mut kept = 0;
        for i in 0..out.len() {
            if kept > 0 && out[kept - 1].0 == out[i].0 {
                out[kept - 1] = out[i];
            } else {
                out[kept] = out[i];
                kept += 1;
            }
        }
        out.truncate(kept);
    }

    fn phones(&self, lower: &[u8], spans: &[(usize, usize)], lookup: &Lookup, hits: &mut Vec<Hit>) -> PyResult<()> {
        let n = lower.len();
        for &(start, end) in spans {
            // Hyperscan has no look-around: check the boundaries here.
            if start > 0 && alnum(lower[start - 1]) {
                continue;
            }
            // An extension ("x5178", "ext 12") may follow directly; another digit may not.
            if end < n
                && (lower[end].is_ascii_digit()
                    || (lower[end].is_ascii_alphabetic()
                        && lower[end] != b'x'
                        && &lower[end..(end + 3).min(n)] != b"ext"))
            {
                continue;
            }
            let raw = &lower[start..end];
            if raw.iter().filter(|b| b.is_ascii_digit()).count() < self.min_phone_digits {
                continue;
            }
            if let Some(key) = self.phone_key(raw)? {
                lookup.emit(hits, "phone", &key, start, end);
            }
        }
        Ok(())
    }

    /// identifiers.phone_key: digit work here, international numbers in Python.
    pub(crate) fn phone_key(&self, raw: &[u8]) -> PyResult<Option<Vec<u8>>> {
        let number = &raw[..extension_start(raw)];
        let international = number.iter().find(|&&b| !py_space(b)) == Some(&b'+');
        let mut digits: Vec<u8> = number.iter().map(|&b| fold_digit(b)).filter(u8::is_ascii_digit).collect();
        if international {
            // Python parses "+" + digits with libphonenumber. "+1" and ten digits
            // (North America) is always a possible number, E.164 "+1" + the ten
            // digits (checked against libphonenumber in test_native_core.py);
            // other numbers go to Python, memoised by their digits.
            if digits.len() == 11 && digits[0] == b'1' {
                let mut key = b"+".to_vec();
                key.extend_from_slice(&digits);
                return Ok(Some(key));
            }
            return self.international_phone_key(&digits);
        }
        // North American numbers: 10 digits, 11 with the trunk prefix 1, or 13
        // with the international prefix 001. Other lengths keep their digits.
        if digits.len() == 13 && digits.starts_with(b"001") {
            digits.drain(..3);
        }
        if digits.len() == 11 && digits[0] == b'1' {
            digits.remove(0);
        }
        if digits.len() == 10 {
            let mut key = b"+1".to_vec();
            key.extend_from_slice(&digits);
            return Ok(Some(key));
        }
        if (11..=13).contains(&digits.len()) {
            let mut key = b"digits:".to_vec();
            key.extend_from_slice(&digits);
            return Ok(Some(key));
        }
        Ok(None)
    }

    /// identifiers.phone_key("+" + digits) in Python (libphonenumber), memoised;
    /// its errors are raised, not cached.
    fn international_phone_key(&self, digits: &[u8]) -> PyResult<Option<Vec<u8>>> {
        if let Some(found) = self.phone_memo.borrow().get(digits) {
            return Ok(found.clone());
        }
        let text = format!("+{}", String::from_utf8_lossy(digits));
        let found = Python::with_gil(|py| -> PyResult<Option<Vec<u8>>> {
            let result = self.phone_key.call1(py, (text,))?;
            if result.is_none(py) {
                return Ok(None);
            }
            Ok(Some(result.extract::<String>(py)?.into_bytes()))
        })?;
        let mut memo = self.phone_memo.borrow_mut();
        if memo.len() >= CACHE_LIMIT {
            memo.clear();
        }
        memo.insert(digits.to_vec(), found.clone());
        Ok(found)
    }

    fn emails(&self, lower: &[u8], spans: &[(usize, usize)], lookup: &Lookup, hits: &mut Vec<Hit>) {
        let mut candidates: Vec<usize> = Vec::new();
        for &(start, end) in spans {
            if start > 0 && (alnum(lower[start - 1]) || b"._%+-".contains(&lower[start - 1])) {
                continue;
            }
            // The longest end may run into the next sentence ("x@y.com. Then");
            // try the dotted prefixes from the longest down.
            let raw = &lower[start..end];
            candidates.clear();
            candidates.push(end);
            // re.finditer(r"(?:\.| dot | punto |[)\]}>])", raw)
            let mut i = 0;
            while i < raw.len() {
                let length = match raw[i] {
                    b'.' | b')' | b']' | b'}' | b'>' => 1,
                    b' ' if raw[i..].starts_with(b" dot ") => 5,
                    b' ' if raw[i..].starts_with(b" punto ") => 7,
                    _ => 0,
                };
                if length > 0 {
                    candidates.push(start + i);
                    i += length;
                } else {
                    i += 1;
                }
            }
            candidates.sort_unstable_by(|a, b| b.cmp(a));
            candidates.dedup();
            for &candidate_end in &candidates {
                if let Some(canonical) = self.email_key(&lower[start..candidate_end]) {
                    if lookup.emit(hits, "email", &canonical, start, candidate_end) {
                        break;
                    }
                }
            }
        }
    }

    /// identifiers.email_key: undo "at"/"dot" spellings, then canonical_email.
    fn email_key(&self, raw: &[u8]) -> Option<Vec<u8>> {
        let mut padded = Vec::with_capacity(raw.len() + 2);
        padded.push(b' ');
        padded.extend_from_slice(strip(raw));
        padded.push(b' ');
        let replaced = self.at.replacen(&padded, 1, NoExpand(b"@"));
        let text = strip(&replaced);
        let at = text.iter().position(|&b| b == b'@')?;
        if text[at + 1..].contains(&b'@') {
            return None;
        }
        let (local, domain) = (&text[..at], &text[at + 1..]);
        let mut spaced = Vec::with_capacity(domain.len() + 2);
        spaced.push(b' ');
        spaced.extend_from_slice(domain);
        spaced.push(b' ');
        let domain = self.dot.replace_all(&spaced, NoExpand(b"."));
        let domain = strip(&domain);
        let local = strip(local);
        if local.is_empty() || !domain.contains(&b'.') || local.contains(&b' ') || domain.contains(&b' ') {
            return None;
        }
        let mut value = Vec::with_capacity(local.len() + 1 + domain.len());
        value.extend_from_slice(local);
        value.push(b'@');
        value.extend_from_slice(domain);
        Some(canonical_email(&value))
    }

    fn plates_around(&self, doc: &Doc, spans: &[(usize, usize)], lookup: &Lookup, hits: &mut Vec<Hit>) {
        let (lower, original) = (&doc.lower[..], &doc.cased[..]);
        let mut canonical = Vec::new();
        for &(start, end) in spans {
            if end - start > self.max_plate {
                continue;
            }
            let mut pieces: [(usize, usize); 6] = [(0, 0); 6];
            let mut count = 0;
            let mut push = |piece: (usize, usize)| {
                pieces[count] = piece;
                count += 1;
            };
            push((start, end));
            // Plates are written "ABC 1234" or "ABC-1234": join a short neighbour.
            let before = neighbour(lower, original, start, -1, self.plate_group);
            let after = neighbour(lower, original, end, 1, self.plate_group);
            if let Some(b) = before {
                push((b.0, end));
            }
            if let Some(a) = after {
                push((start, a.1));
            }
            if let (Some(b), Some(a)) = (before, after) {
                push((b.0, a.1));
            }
            // Three groups: "7 ABC 123".
            if let Some(fb) = before.and_then(|b| neighbour(lower, original, b.0, -1, self.plate_group)) {
                push((fb.0, end));
            }
            if let Some(fa) = after.and_then(|a| neighbour(lower, original, a.1, 1, self.plate_group)) {
                push((start, fa.1));
            }
            for &(piece_start, piece_end) in &pieces[..count] {
                // A bare number ("47082", a ZIP code) is no plate outside a "plate ..." context.
                if !original[piece_start..piece_end].iter().any(u8::is_ascii_alphabetic) {
                    continue;
                }
                canonical_plate(&lower[piece_start..piece_end], &mut canonical);
                if 2 <= canonical.len() && canonical.len() <= self.max_plate {
                    lookup.emit(hits, "plate", &canonical, piece_start, piece_end);
                }
            }
        }
    }

    fn plates_after_context(&self, lower: &[u8], spans: &[(usize, usize)], lookup: &Lookup, hits: &mut Vec<Hit>) {
        let mut canonical = Vec::new();
        for &(_start, end) in spans {
            // An all-letter vanity plate looks like a word; look it up only right
            // after a word that announces a plate.
            let segment_end = (end + self.plate_context_reach).min(lower.len());
            let mut tokens: [(usize, usize); 3] = [(0, 0); 3];
            let mut count = 0;
            let mut i = end.min(segment_end);
            while i < segment_end && count < 3 {
                let token_char = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
                if !token_char(lower[i]) {
                    i += 1;
                    continue;
                }
                let token_start = i;
                while i < segment_end && token_char(lower[i]) {
                    i += 1;
                }
                let token = &lower[token_start..i];
                if !self.plate_context_skip.iter().any(|skip| skip.as_slice() == token) {
                    tokens[count] = (token_start, i);
                    count += 1;
                }
            }
            for i in 0..count {
                let token_start = tokens[i].0;
                for j in i..(i + 3).min(count) {
                    let piece_end = tokens[j].1;
                    canonical_plate(&lower[token_start..piece_end], &mut canonical);
                    if 2 <= canonical.len() && canonical.len() <= self.max_plate {
                        lookup.emit(hits, "plate", &canonical, token_start, piece_end);
                    }
                }
            }
        }
    }

    /// `_address_window_start`: parse from the tenth space-separated word before the end.
    fn address_window_start(&self, lower: &[u8], end: usize) -> usize {
        let end = end.min(lower.len());
        let limit = end.saturating_sub(self.windows[self.ids.address_en as usize]);
        let mut position = end;
        for _ in 0..self.address_words_back {
            match lower[limit..position].iter().rposition(|&b| b == b' ') {
                None => return limit,
                Some(i) => position = limit + i,
            }
            while position > limit && lower[position - 1] == b' ' {
                position -= 1;
            }
        }
        position
    }
}

/// Where `identifiers._EXTENSION` (`\s*(?:x|ext\.?|extension)\s*[0-9]`) first
/// matches in `raw`, or its length: phone_key keeps what comes before.
fn extension_start(raw: &[u8]) -> usize {
    let n = raw.len();
    let digit_after = |mut k: usize| {
        while k < n && py_space(raw[k]) {
            k += 1;
        }
        k < n && raw[k].is_ascii_digit()
    };
    for i in 0..n {
        let mut j = i;
        while j < n && py_space(raw[j]) {
            j += 1;
        }
        let rest = &raw[j..];
        let found = (rest.starts_with(b"x") && digit_after(j + 1))
            || (rest.starts_with(b"ext.") && digit_after(j + 4))
            || (rest.starts_with(b"ext") && digit_after(j + 3))
            || (rest.starts_with(b"extension") && digit_after(j + 9));
        if found {
            return i;
        }
    }
    n
}

/// `_neighbour`: the short token one separator away from a digit token, if plate-like.
fn neighbour(lower: &[u8], original: &[u8], position: usize, direction: i32, group: usize) -> Option<(usize, usize)> {
    let n = lower.len();
    let (start, end);
    if direction < 0 {
        if position < 2 || position > n || !matches!(lower[position - 1], b' ' | b'-') {
            return None;
        }
        end = position - 1;
        let mut s = end;
        while s > 0 && alnum(lower[s - 1]) && end - s < group {
            s -= 1;
        }
        if s == end || (s > 0 && alnum(lower[s - 1])) {
            return None;
        }
        start = s;
    } else {
        if position + 1 >= n || !matches!(lower[position], b' ' | b'-') {
            return None;
        }
        start = position + 1;
        let mut e = start;
        while e < n && alnum(lower[e]) && e - start < group {
            e += 1;
        }
        if start == e || (e < n && alnum(lower[e])) {
            return None;
        }
        end = e;
    }
    let token = &original[start..end];
    // `any(isdigit) or token.isupper()` (ASCII: a capital and no small letter).
    let upper = token.iter().any(u8::is_ascii_uppercase) && !token.iter().any(u8::is_ascii_lowercase);
    if token.iter().any(u8::is_ascii_digit) || upper {
        Some((start, end))
    } else {
        None
    }
}

/// normalise.canonical_email of folded text: look-alikes to one member, "rn" as "m".
/// normalise._EMAIL_FOLDS: every confusable pair folded to one member.
pub(crate) fn email_fold(b: u8) -> u8 {
    match b {
        b'0' => b'o',
        b'1' | b'i' | b'|' => b'l',
        b'5' => b's',
        b'8' => b'b',
        other => other,
    }
}

/// normalise._PLATE_FOLDS: look-alike letters as digits.
pub(crate) fn plate_fold(b: u8) -> u8 {
    match b {
        b'o' | b'q' | b'd' => b'0',
        b'i' | b'l' | b'|' => b'1',
        b's' => b'5',
        b'b' => b'8',
        b'z' => b'2',
        other => other,
    }
}

fn canonical_email(value: &[u8]) -> Vec<u8> {
    let folded: Vec<u8> = strip(value).iter().map(|&b| email_fold(b)).collect();
    // "rn" read as "m", as in names (normalise.canonical_email).
    crate::text::canonical_name_token(&folded).into_owned()
}

/// normalise.canonical_plate of folded text: no separators, look-alike letters as digits.
fn canonical_plate(value: &[u8], out: &mut Vec<u8>) {
    out.clear();
    for &b in value {
        let folded = plate_fold(b);
        if alnum(folded) {
            out.push(folded);
        }
    }
}
