//! The rule for exposure weights, shared by the dataset check and rule-test entities: each
//! weight is a share in (0, 1], and one entity's shares of one kind add up to 1.

use crate::diag::{Code, Problem};
use crate::fmt::number;
use crate::model::Kind;

/// Tolerance on exposure weights adding up to 1.
pub(crate) const TOLERANCE: f64 = 1e-6;

/// Where an exposure problem belongs: at one weight (by its index), or at the whole group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum At {
    /// The weight at this index of the group.
    Weight(usize),
    /// The group of one entity's exposures to one kind.
    Group,
}

/// Whether a weight is a share in (0, 1]; a target whose weight is not is not resolved.
pub(crate) fn weight_ok(w: f64) -> bool {
    w > 0.0 && w <= 1.0
}

/// The problems of entity `from`'s exposures to `kind`, given as `(target id, weight)`: a
/// weight outside (0, 1] each, and, only when every weight is in range, a sum other than 1.
pub(crate) fn problems(from: &str, kind: Kind, weights: &[(&str, f64)]) -> Vec<(At, Problem)> {
    let bad: Vec<(At, Problem)> = weights
        .iter()
        .enumerate()
        .filter(|(_, (_, w))| !weight_ok(*w))
        .map(|(i, (target, w))| {
            let p = Problem::new(
                Code::BadExposure,
                format!("exposure of `{from}` to `{target}` is {w}; weights lie in (0, 1]"),
            );
            (At::Weight(i), p.hint("give each exposure as a share of the whole, e.g. 0.25; leave out exposures of 0"))
        })
        .collect();
    let sum: f64 = weights.iter().map(|(_, w)| w).sum();
    if !bad.is_empty() || (sum - 1.0).abs() <= TOLERANCE {
        return bad;
    }
    let p =
        Problem::new(Code::ExposureSum, format!("exposures of `{from}` to {kind} add up to {}, not 1", number(sum)));
    vec![(At::Group, p.hint("exposure weights of one kind are shares that add up to 1"))]
}

#[cfg(test)]
mod tests {
    use super::{At, problems};
    use crate::diag::Code;
    use crate::model::Kind;

    fn found(weights: &[(&str, f64)]) -> Vec<(At, Code)> {
        problems("c1", Kind::Segment, weights).into_iter().map(|(at, p)| (at, p.code)).collect()
    }

    #[test]
    fn shares_that_add_up_to_one_are_fine() {
        assert!(found(&[("s1", 0.25), ("s2", 0.75)]).is_empty());
        assert!(found(&[("s1", 1.0 / 3.0), ("s2", 1.0 / 3.0), ("s3", 1.0 / 3.0)]).is_empty());
    }

    #[test]
    fn a_weight_out_of_range_is_reported_alone_not_with_the_sum() {
        assert_eq!(found(&[("s1", 1.5)]), [(At::Weight(0), Code::BadExposure)]);
        assert_eq!(found(&[("s1", 0.5), ("s2", 0.0)]), [(At::Weight(1), Code::BadExposure)]);
        assert_eq!(found(&[("s1", 0.5), ("s2", f64::NAN)]), [(At::Weight(1), Code::BadExposure)]);
    }

    #[test]
    fn a_sum_other_than_one_is_reported_at_the_group() {
        assert_eq!(found(&[("s1", 0.5), ("s2", 0.6)]), [(At::Group, Code::ExposureSum)]);
        let p = &problems("c1", Kind::Segment, &[("s1", 0.5)])[0].1;
        assert_eq!(p.message, "exposures of `c1` to segment add up to 0.5, not 1");
    }
}
