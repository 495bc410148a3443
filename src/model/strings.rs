//! Many short strings in one buffer: the ids and names of millions of entities (model).

/// Many short strings in one buffer (ids and names of millions of entities).
#[derive(Clone, Debug, Default)]
pub struct Strings {
    bytes: String,
    ends: Vec<usize>,
}

impl Strings {
    pub fn with_capacity(n: usize, bytes: usize) -> Strings {
        Strings { bytes: String::with_capacity(bytes), ends: Vec::with_capacity(n) }
    }

    pub fn push(&mut self, s: &str) {
        self.bytes.push_str(s);
        self.ends.push(self.bytes.len());
    }

    pub fn get(&self, i: usize) -> &str {
        let (start, end) = self.span(i);
        &self.bytes[start..end]
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Gives back the room grown past the strings held.
    pub fn shrink_to_fit(&mut self) {
        self.bytes.shrink_to_fit();
        self.ends.shrink_to_fit();
    }

    /// Keeps the first `n` strings.
    pub fn truncate(&mut self, n: usize) {
        if n < self.ends.len() {
            self.bytes.truncate(if n == 0 { 0 } else { self.ends[n - 1] });
            self.ends.truncate(n);
        }
    }

    /// Where string `i` sits in the buffer.
    fn span(&self, i: usize) -> (usize, usize) {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        (start, self.ends[i])
    }

    /// Appends the strings of `src` at `rows`, in that order (see [`Strings::each_at`]).
    pub fn gather(&mut self, src: &Strings, rows: impl IntoIterator<Item = usize>) {
        src.each_at(rows, |s| self.push(s));
    }

    /// Calls `f` with the strings at `rows`, in that order. Rows at random places (a ranking's
    /// order) are read a block at a time: the block's bounds first, then a byte of each string,
    /// each in a tight loop of independent reads, so their cache misses are in flight together
    /// before the strings are handed out.
    pub fn each_at(&self, rows: impl IntoIterator<Item = usize>, mut f: impl FnMut(&str)) {
        const BLOCK: usize = 32;
        let mut spans = [(0usize, 0usize); BLOCK];
        let mut rows = rows.into_iter();
        let bytes = self.bytes.as_bytes();
        loop {
            let mut n = 0;
            for (slot, row) in spans.iter_mut().zip(&mut rows) {
                *slot = self.span(row);
                n += 1;
            }
            if n == 0 {
                return;
            }
            std::hint::black_box(spans[..n].iter().fold(0u8, |acc, &(s, _)| acc ^ bytes.get(s).copied().unwrap_or(0)));
            for &(s, e) in &spans[..n] {
                f(&self.bytes[s..e]);
            }
        }
    }

    pub fn append(&mut self, other: &Strings) {
        let base = self.bytes.len();
        self.bytes.push_str(&other.bytes);
        self.ends.extend(other.ends.iter().map(|e| e + base));
    }
}

#[cfg(test)]
mod tests {
    use super::Strings;

    #[test]
    fn gathered_strings_come_in_the_order_asked_across_blocks() {
        let mut src = Strings::default();
        for i in 0..100 {
            src.push(&if i % 9 == 0 { String::new() } else { format!("s{i}") });
        }
        let rows: Vec<usize> = (0..100).map(|i| (i * 37) % 100).collect();
        let mut out = Strings::default();
        out.gather(&src, rows.iter().copied());
        assert_eq!(out.len(), 100);
        for (i, &r) in rows.iter().enumerate() {
            assert_eq!(out.get(i), src.get(r), "entry {i}, row {r}");
        }
    }
}
