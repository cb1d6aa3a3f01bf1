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
    relative_window: usize,
    relation_distance: usize,
}

/// (start, end) of each run of [a-z] of two or more letters in letters[from..to]
/// (runs cut at the range ends count as they are, like `re.finditer(s, from, to)`).
fn words(letters: &[u8], from: usize, to: usize) -> Vec<(usize, usize)> {
    let to = to.min(letters.len());
    let mut found = Vec::new();
    let mut i = from.min(to);
    while i < to {
        if letters[i].is_ascii_lowercase() {
            let start = i;
            while i < to && letters[i].is_ascii_lowercase() {
                i += 1;
            }
            if i - start >= 2 {
                found.push((start, i));
            }
        } else {
            i += 1;
        }
    }
    found
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
        let mut i = 0;
        let n = cased.len();
        let mut key = Vec::new();
        while i < n {
            if !cased[i].is_ascii_alphabetic() {
                i += 1;
                continue;
            }
            let start = i;
            while i < n && cased[i].is_ascii_alphabetic() {
                i += 1;
            }
            let end = i;
            // `(?<![A-Za-z])[A-Z][A-Za-z]*`: a run of letters that starts with a capital.
            if !cased[start].is_ascii_uppercase() || end - start < 2 {
                continue;
            }
            match lookup.token(&canonical_name_token(&letters[start..end])) {
                Some(token) if token.starts_name => {}
                _ => continue,
            }
            if !self.neighbour_is_roster(letters, start, end, lookup) {
                continue;
            }
            for sequence in self.sequences(letters, start, end) {
                let canonical: Vec<std::borrow::Cow<[u8]>> =
                    sequence.iter().map(|&(s, e)| canonical_name_token(&letters[s..e])).collect();
                if canonical.iter().any(|word| lookup.token(word).is_none()) {
                    continue;
                }
                let (span_start, span_end) = (sequence[0].0, sequence[sequence.len() - 1].1);
                if !self.written_as_name(&doc.cased, span_start, span_end) {
                    continue;
                }
                key.clear();
                for (position, word) in canonical.iter().enumerate() {
                    if position > 0 {
                        key.push(b' ');
                    }
                    key.extend_from_slice(word);
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
        let after = split_tokens(letters, end, end + 48).take(2);
        let before = split_tokens(letters, start.saturating_sub(40), start).next_back();
        after
            .chain(before)
            .any(|word| lookup.token(&canonical_name_token(word)).is_some())
    }

    /// The candidate name n-grams around a given-name token (`_sequences`).
    fn sequences(&self, letters: &[u8], start: usize, end: usize) -> Vec<Vec<(usize, usize)>> {
        let given = (start, end);
        let mut right: Vec<(usize, usize)> = Vec::new();
        let mut previous_end = end;
        for word in words(letters, end, end + 80) {
            if word.0 - previous_end > self.max_gap || right.len() == 3 {
                break;
            }
            right.push(word);
            previous_end = word.1;
        }
        let left = words(letters, start.saturating_sub(60), start);
        let left = &left[left.len().saturating_sub(2)..];
        let mut kept_left: Vec<(usize, usize)> = Vec::new();
        let mut boundary = start;
        for &item in left.iter().rev() {
            if boundary - item.1 > self.max_gap {
                break;
            }
            kept_left.insert(0, item);
            boundary = item.0;
        }
        let mut sequences = Vec::new();
        for length in 1..=right.len() {
            let mut sequence = vec![given];
            sequence.extend_from_slice(&right[..length]);
            sequences.push(sequence);
        }
        if right.len() >= 2 {
            // Skip an unknown middle name: "John Henry Smith" for roster "John Smith".
            sequences.push(vec![given, right[1]]);
            if right.len() == 3 {
                sequences.push(vec![given, right[1], right[2]]);
            }
        }
        for length in 1..=kept_left.len() {
            // "SMITH, John" and "GARCIA LOPEZ, Juan".
            let mut sequence = kept_left[kept_left.len() - length..].to_vec();
            sequence.push(given);
            sequences.push(sequence);
        }
        sequences
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
