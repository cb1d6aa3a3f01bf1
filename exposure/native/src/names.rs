//! Names and relatives' names (exposure/scanner/names.py `NameFinder.find`).
//!
//! Only capitalised words can start a name; each is looked up by keyed digest
//! (memoised), and only around a token the index flags as the start of a roster
//! name are name n-grams hashed. See names.py for the reasons behind each rule.

use std::collections::{HashMap, HashSet};

use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::text::canonical_name_token;
use crate::{cfg_str, cfg_strings, cfg_usize, regex, Doc, Hit, Lookup, NAME, RELATIVE_GIVEN};

const OCR_LETTER_DIGITS: &[u8] = b"0158"; // read as o, l, s, b in the letters view

pub struct Names {
    particles: HashSet<Vec<u8>>,
    relation_words: regex::bytes::Regex,
    max_gap: usize,
    after_reach: usize,
    before_reach: usize,
    right_reach: usize,
    left_reach: usize,
    relative_window: usize,
    relation_distance: usize,
}

/// (start, end) of each run of [a-z] of two or more letters in letters[from..to]
/// (runs cut at the range ends count as they are, like `re.finditer(s, from, to)`).
fn words(letters: &[u8], from: usize, to: usize) -> Words<'_> {
    let to = to.min(letters.len());
    Words { letters: &letters[..to], at: from.min(to) }
}

/// The iterator of `words`: nothing is collected, callers take what they need.
struct Words<'a> {
    letters: &'a [u8],
    at: usize,
}

impl Iterator for Words<'_> {
    type Item = (usize, usize);

    fn next(&mut self) -> Option<(usize, usize)> {
        let letters = self.letters;
        let mut i = self.at;
        while i < letters.len() {
            if letters[i].is_ascii_lowercase() {
                let start = i;
                while i < letters.len() && letters[i].is_ascii_lowercase() {
                    i += 1;
                }
                if i - start >= 2 {
                    self.at = i;
                    return Some((start, i));
                }
            } else {
                i += 1;
            }
        }
        self.at = i;
        None
    }
}

/// Offsets of the capitals of the cased letters view, in order. That view holds
/// only a space, `A-Z` or `a-z` (asserted in text.rs), so a capital is a byte
/// with bit 0x20 clear: eight bytes are tested at once, and most hold none.
struct Capitals<'a> {
    view: &'a [u8],
    /// Offset of the eight bytes `mask` was taken from.
    base: usize,
    /// Bit 5 of each byte of those eight that is a capital.
    mask: u64,
}

impl<'a> Capitals<'a> {
    fn new(view: &'a [u8]) -> Capitals<'a> {
        Capitals { view, base: 0, mask: Self::load(view, 0) }
    }

    fn load(view: &[u8], base: usize) -> u64 {
        let mut chunk = [b' '; 8]; // a space is no capital
        let rest = &view[base.min(view.len())..];
        let width = rest.len().min(8);
        chunk[..width].copy_from_slice(&rest[..width]);
        !u64::from_le_bytes(chunk) & 0x2020_2020_2020_2020
    }
}

impl Iterator for Capitals<'_> {
    type Item = usize;

    #[inline]
    fn next(&mut self) -> Option<usize> {
        while self.mask == 0 {
            self.base += 8;
            if self.base >= self.view.len() {
                return None;
            }
            self.mask = if self.base + 8 <= self.view.len() {
                let mut chunk = [0u8; 8];
                chunk.copy_from_slice(&self.view[self.base..self.base + 8]);
                !u64::from_le_bytes(chunk) & 0x2020_2020_2020_2020
            } else {
                Self::load(self.view, self.base)
            };
        }
        let offset = self.base + (self.mask.trailing_zeros() / 8) as usize;
        self.mask &= self.mask - 1;
        Some(offset)
    }
}

/// One candidate name n-gram: word spans in reading order (at most four:
/// the given name and three words after it).
#[derive(Clone, Copy)]
struct Sequence {
    words: [(usize, usize); 4],
    len: usize,
}

impl Sequence {
    fn new(words: &[(usize, usize)]) -> Sequence {
        let mut sequence = Sequence { words: [(0, 0); 4], len: words.len() };
        sequence.words[..words.len()].copy_from_slice(words);
        sequence
    }

    fn words(&self) -> &[(usize, usize)] {
        &self.words[..self.len]
    }
}

/// Tokens of `letters[from..to]` split on spaces, longer than one letter.
fn split_tokens(letters: &[u8], from: usize, to: usize) -> impl DoubleEndedIterator<Item = &[u8]> {
    let to = to.min(letters.len());
    letters[from.min(to)..to].split(|&b| b == b' ').filter(|w| w.len() > 1)
}

impl Names {
    pub fn new(cfg: &PyDict) -> PyResult<Names> {
        Ok(Names {
            particles: cfg_strings(cfg, "name_particles")?.into_iter().map(String::into_bytes).collect(),
            relation_words: regex(&cfg_str(cfg, "relation_words")?)?,
            max_gap: cfg_usize(cfg, "max_gap")?,
            after_reach: cfg_usize(cfg, "after_reach")?,
            before_reach: cfg_usize(cfg, "before_reach")?,
            right_reach: cfg_usize(cfg, "right_reach")?,
            left_reach: cfg_usize(cfg, "left_reach")?,
            relative_window: cfg_usize(cfg, "relative_window")?,
            relation_distance: cfg_usize(cfg, "relation_distance")?,
        })
    }

    /// Return name, relative-name and relative-given-name hits.
    pub fn find(&self, doc: &Doc, lookup: &Lookup) -> Vec<Hit> {
        let letters = &doc.letters;
        let cased = &doc.cased_letters;
        let mut hits = Vec::new();
        let mut seen: HashSet<(u32, usize, usize)> = HashSet::new();
        let mut key = Vec::new();
        let mut sequences = Vec::new();
        for start in Capitals::new(cased) {
            // `(?<![A-Za-z])[A-Z][A-Za-z]*`: a run of letters that starts with a
            // capital (any other byte of this view is a letter or a space).
            if start > 0 && cased[start - 1] != b' ' {
                continue;
            }
            let mut end = start + 1;
            while end < cased.len() && cased[end] != b' ' {
                end += 1;
            }
            if end - start < 2 {
                continue;
            }
            match lookup.token(&canonical_name_token(&letters[start..end])) {
                Some(token) if token.starts_name => {}
                _ => continue,
            }
            if !self.neighbour_is_roster(letters, start, end, lookup) {
                continue;
            }
            self.sequences(letters, start, end, &mut sequences);
            for sequence in &sequences {
                let sequence = sequence.words();
                // The key is the canonical words joined by spaces; every word
                // must be a roster token.
                key.clear();
                let mut known = true;
                for (position, &(s, e)) in sequence.iter().enumerate() {
                    let word = canonical_name_token(&letters[s..e]);
                    if lookup.token(&word).is_none() {
                        known = false;
                        break;
                    }
                    if position > 0 {
                        key.push(b' ');
                    }
                    key.extend_from_slice(&word);
                }
                if !known {
                    continue;
                }
                let (span_start, span_end) = (sequence[0].0, sequence[sequence.len() - 1].1);
                if !self.written_as_name(&doc.cased, span_start, span_end) {
                    continue;
                }
                for &(person, role) in lookup.lookup("name", &key).iter() {
                    if seen.insert((person, span_start, span_end)) {
                        hits.push(Hit { person, kind: role, start: span_start, end: span_end });
                    }
                }
            }
        }
        if !hits.is_empty() {
            let relatives = self.relative_given_names(doc, &hits, lookup);
            hits.extend(relatives);
        }
        hits
    }

    fn neighbour_is_roster(&self, letters: &[u8], start: usize, end: usize, lookup: &Lookup) -> bool {
        let after = split_tokens(letters, end, end + self.after_reach).take(2);
        let before = split_tokens(letters, start.saturating_sub(self.before_reach), start).next_back();
        after
            .chain(before)
            .any(|word| lookup.token(&canonical_name_token(word)).is_some())
    }

    /// The candidate name n-grams around a given-name token (`_sequences`),
    /// into `sequences` (cleared first; at most seven).
    fn sequences(&self, letters: &[u8], start: usize, end: usize, sequences: &mut Vec<Sequence>) {
        sequences.clear();
        let given = (start, end);
        let mut right = [(0, 0); 3];
        let mut right_len = 0;
        let mut previous_end = end;
        for word in words(letters, end, end + self.right_reach) {
            if word.0 - previous_end > self.max_gap || right_len == 3 {
                break;
            }
            right[right_len] = word;
            right_len += 1;
            previous_end = word.1;
        }
        let right = &right[..right_len];
        // The last two words before the given name.
        let mut left = [(0, 0); 2];
        let mut left_len = 0;
        for word in words(letters, start.saturating_sub(self.left_reach), start) {
            left = [left[1], word];
            left_len = (left_len + 1).min(2);
        }
        let left = &left[2 - left_len..];
        let mut kept = 0;
        let mut boundary = start;
        for &item in left.iter().rev() {
            if boundary - item.1 > self.max_gap {
                break;
            }
            kept += 1;
            boundary = item.0;
        }
        let kept_left = &left[left.len() - kept..];
        let mut sequence = [(0, 0); 4];
        sequence[0] = given;
        for length in 1..=right.len() {
            sequence[length] = right[length - 1];
            sequences.push(Sequence::new(&sequence[..=length]));
        }
        if right.len() >= 2 {
            // Skip an unknown middle name: "John Henry Smith" for roster "John Smith".
            sequences.push(Sequence::new(&[given, right[1]]));
            if right.len() == 3 {
                sequences.push(Sequence::new(&[given, right[1], right[2]]));
            }
        }
        for length in 1..=kept_left.len() {
            // "SMITH, John" and "GARCIA LOPEZ, Juan".
            let mut sequence = [(0, 0); 3];
            sequence[..length].copy_from_slice(&kept_left[kept_left.len() - length..]);
            sequence[length] = given;
            sequences.push(Sequence::new(&sequence[..=length]));
        }
    }

    /// `_written_as_name` over the case-keeping view.
    fn written_as_name(&self, cased: &[u8], start: usize, end: usize) -> bool {
        let end = end.min(cased.len());
        let words: Vec<&[u8]> = cased[start.min(end)..end]
            .split(|b| !b.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        let last = words.len().saturating_sub(1);
        for (position, word) in words.iter().enumerate() {
            if word.len() == 1 {
                continue; // an initial
            }
            if 0 < position && position < last && self.particles.contains(*word) {
                continue;
            }
            if !(word[0].is_ascii_uppercase() || OCR_LETTER_DIGITS.contains(&word[0])) {
                return false;
            }
            let letters = word.iter().filter(|b| b.is_ascii_alphabetic()).count();
            let look_alikes = word.iter().filter(|b| OCR_LETTER_DIGITS.contains(b)).count();
            if letters + look_alikes < word.len() - 1 || look_alikes > letters {
                return false;
            }
        }
        true
    }

    /// A relative's given name alone, capitalised, near the officer's name.
    fn relative_given_names(&self, doc: &Doc, hits: &[Hit], lookup: &Lookup) -> Vec<Hit> {
        let mut found = Vec::new();
        // Persons in the order of their first name hit, as Python's dict keeps them.
        let mut order: Vec<u32> = Vec::new();
        let mut own_spans: HashMap<u32, Vec<(usize, usize)>> = HashMap::new();
        for hit in hits.iter().filter(|h| h.kind == NAME) {
            own_spans
                .entry(hit.person)
                .or_insert_with(|| {
                    order.push(hit.person);
                    Vec::new()
                })
                .push((hit.start, hit.end));
        }
        let reach = self.relative_window + self.relation_distance;
        let mut all: Vec<(usize, usize)> = own_spans.values().flat_map(|spans| spans.iter().copied()).collect();
        all.sort_unstable();
        let mut regions: Vec<(usize, usize)> = Vec::new();
        for (span_start, span_end) in all {
            let (start, end) = (span_start.saturating_sub(reach), span_end + reach);
            match regions.last_mut() {
                Some(last) if start <= last.1 => last.1 = last.1.max(end),
                _ => regions.push((start, end)),
            }
        }
        let lower = &doc.lower;
        let mut relations: Vec<(usize, usize)> = Vec::new();
        for (start, end) in regions {
            let end = end.min(lower.len());
            let haystack = &lower[..end];
            let mut at = start.min(end);
            while at <= end {
                match self.relation_words.find_at(haystack, at) {
                    Some(m) => {
                        relations.push((m.start(), m.end()));
                        at = m.end().max(m.start() + 1);
                    }
                    None => break,
                }
            }
        }
        if relations.is_empty() {
            return found;
        }
        let distance = self.relation_distance;
        // Is a relation word within `distance` of [start, end)? (binary search:
        // relations are sorted by start).
        let relation_near = |start: usize, end: usize| -> bool {
            let mut i = relations.partition_point(|&(rs, _)| rs + distance < start);
            let limit = end + distance;
            while i < relations.len() && relations[i].0 <= limit {
                if relations[i].1 <= limit {
                    return true;
                }
                i += 1;
            }
            false
        };
        let (letters, raw) = (&doc.letters, &doc.raw);
        for person in order {
            let spans = &own_spans[&person];
            let mut ordered = spans.clone();
            ordered.sort_unstable();
            let mut reach_ends = Vec::with_capacity(ordered.len());
            let mut furthest = 0;
            for &(_, span_end) in &ordered {
                furthest = furthest.max(span_end);
                reach_ends.push(furthest);
            }
            for &(span_start, span_end) in spans {
                let window_start = span_start.saturating_sub(self.relative_window);
                let window_end = span_end + self.relative_window;
                if !relation_near(window_start, window_end) {
                    continue;
                }
                for (start, end) in words(letters, window_start, window_end) {
                    // A given name alone is a weak signal: it must be capitalised.
                    if !raw[start].is_ascii_uppercase() {
                        continue;
                    }
                    let position = ordered.partition_point(|&(s, _)| s <= start);
                    if position > 0 && reach_ends[position - 1] > start {
                        continue; // part of the officer's own name
                    }
                    match lookup.token(&canonical_name_token(&letters[start..end])) {
                        Some(token) if token.relatives.contains(&person) => {}
                        _ => continue,
                    }
                    // "Brandon Wall" or "Brandon Lee" is another name or a street.
                    let mut next = end;
                    while next < raw.len() && (raw[next] == b' ' || raw[next] == b'\t') {
                        next += 1;
                    }
                    if next > end && next < raw.len() && raw[next].is_ascii_uppercase() {
                        continue;
                    }
                    // Count it only when a relation word stands next to it.
                    if !relation_near(start, end) {
                        continue;
                    }
                    found.push(Hit { person, kind: RELATIVE_GIVEN, start, end });
                }
            }
        }
        found
    }
}
