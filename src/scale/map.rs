//! `map {value: points}`: text values mapped to points; an unlisted value counts as missing.

use indexmap::IndexMap;

use super::{Expect, Issue, Part, RawValue, ScaleKind, Scorer, UniverseStats};
use crate::diag::{Code, Problem};

/// A `map` scale: each listed text value with its points, in the order written.
#[derive(Clone, Debug, PartialEq)]
pub struct Map(pub IndexMap<String, f64>);

impl Map {
    /// The listed values, which need at least one, each with points in 0..100.
    pub(crate) fn check(values: IndexMap<String, f64>) -> Result<Map, Vec<Issue>> {
        if values.is_empty() {
            return Err(vec![Issue::at(Problem::new(Code::BadScale, "a map scale needs at least one value"), &[])]);
        }
        if let Some((k, p)) = values.iter().find(|(_, p)| !super::points_ok(**p)) {
            return Err(vec![Issue::at(super::bad_points(*p), &["map", k])]);
        }
        Ok(Map(values))
    }
}

impl ScaleKind for Map {
    fn name(&self) -> &'static str {
        "map"
    }
    fn expects(&self) -> Expect {
        Expect::Text
    }
    fn is_relative(&self) -> bool {
        false
    }
    fn bounds(&self) -> (f64, f64) {
        super::bands::min_max(self.0.values().copied())
    }
    fn describe(&self) -> String {
        format!("map ({} values)", self.0.len())
    }
    fn resolve(&self, _: &mut dyn Iterator<Item = f64>) -> (Scorer, Option<UniverseStats>) {
        (Scorer::Map(self.0.clone()), None)
    }
    fn parts(&self) -> Vec<Part> {
        self.0.keys().map(|k| Part { what: "value", label: k.clone() }).collect()
    }
    fn part_of(&self, raw: &serde_json::Value) -> Option<Part> {
        raw.as_str().map(|s| Part { what: "value", label: s.to_string() })
    }
    /// The first listed value with these points.
    fn invert(&self, points: f64) -> Option<RawValue> {
        self.0.iter().find(|(_, p)| **p == points).map(|(k, _)| RawValue::Text(k.clone()))
    }
    fn levels(&self) -> Option<Vec<f64>> {
        Some(super::ascending(self.0.values().copied()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invert_gives_the_first_value_listed_with_the_points() {
        let s = Map([("a", 10.0), ("b", 80.0), ("c", 80.0)].into_iter().map(|(k, p)| (k.to_string(), p)).collect());
        assert_eq!(s.invert(80.0), Some(RawValue::Text("b".into())));
        assert_eq!(s.invert(50.0), None);
        let (scorer, _) = s.resolve(&mut std::iter::empty());
        assert_eq!(scorer.text("a"), Some(10.0));
    }

    #[test]
    fn check_wants_a_value_and_points_in_range_and_names_the_first_bad_one() {
        let map = |v: &[(&str, f64)]| v.iter().map(|(k, p)| (k.to_string(), *p)).collect::<IndexMap<_, _>>();
        assert!(Map::check(map(&[("a", 0.0), ("b", 100.0)])).is_ok());
        assert_eq!(Map::check(map(&[])).expect_err("empty")[0].at, Vec::new());
        let issues = Map::check(map(&[("a", 10.0), ("b", 120.0), ("c", -1.0)])).expect_err("out of range");
        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0].at, [super::super::Step::Key("map".into()), super::super::Step::Key("b".into())]);
        assert_eq!(issues[0].problem.message, "120 points is outside 0..100");
    }
}
