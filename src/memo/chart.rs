//! Chart geometry for the HTML memos (memo stage): a contribution waterfall per entity and a
//! ranking bar chart per kind. Coordinates are fixed-decimal text so output is byte-stable;
//! the templates draw them as inline SVG.

use serde::Serialize;

use super::model::{IndexEntry, Memo};
use crate::fmt::{fixed, number};
use crate::model::RuleSet;

const LABEL_WIDTH: f64 = 200.0;
const PLOT_WIDTH: f64 = 420.0;
const VALUE_WIDTH: f64 = 70.0;
const ROW: f64 = 22.0;
const BAR: f64 = 14.0;
const TOP: f64 = 26.0;
const BOTTOM: f64 = 22.0;
/// The height of each further row of band labels under a chart.
const BAND_ROW: f64 = 13.0;
/// Colour classes for categories cycle through this many.
const PALETTE: usize = 6;
/// Chart labels longer than this are shortened (the full text is in the bar's title).
const LABEL_CHARS: usize = 30;

/// A vertical guide: an axis tick or a rating band's lower bound.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Guide {
    pub x: String,
    pub label: String,
    /// The baseline of the label: each band label has a row of its own, so none overlaps.
    pub y: String,
}

/// A dashed line joining one waterfall step to the next.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Connector {
    pub x: String,
    pub y1: String,
    pub y2: String,
}

/// One row of a chart.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Bar {
    pub label: String,
    pub title: String,
    /// CSS class: `cat-N` (factor of category N), `up`, `down`, `clamp`, `total`, `band-N`.
    pub class: String,
    pub x: String,
    pub y: String,
    pub width: String,
    pub height: String,
    /// Baseline of the row's texts.
    pub text_y: String,
    pub value: String,
    /// The running total after this step (waterfalls) or the score (rankings).
    pub running: String,
    pub value_x: String,
    /// The memo to link to (`kind/id`), for ranking bars.
    pub path: Option<String>,
    pub connector: Option<Connector>,
}

/// A category's colour class, for the legend.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Legend {
    pub class: String,
    pub label: String,
}

/// A horizontal bar chart on a 0..100 axis (wider when a running total leaves that range).
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Chart {
    pub title: String,
    pub width: String,
    pub height: String,
    pub label_x: String,
    pub plot_top: String,
    pub plot_bottom: String,
    /// Baselines of the tick labels (above the plot) and band labels (below it).
    pub tick_y: String,
    pub band_y: String,
    pub ticks: Vec<Guide>,
    pub bands: Vec<Guide>,
    pub legend: Vec<Legend>,
    pub bars: Vec<Bar>,
}

/// Maps scores to x coordinates.
struct Axis {
    lo: f64,
    hi: f64,
}

impl Axis {
    fn covering(values: impl IntoIterator<Item = f64>) -> Axis {
        let (lo, hi) = values.into_iter().fold((0.0f64, 100.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
        Axis { lo, hi }
    }

    fn x(&self, v: f64) -> f64 {
        LABEL_WIDTH + (v - self.lo) / (self.hi - self.lo) * PLOT_WIDTH
    }
}

fn px(v: f64) -> String {
    fixed(v, 1)
}

fn shorten(s: &str) -> String {
    if s.chars().count() <= LABEL_CHARS {
        return s.to_string();
    }
    let head: String = s.chars().take(LABEL_CHARS - 1).collect();
    format!("{}…", head.trim_end())
}

/// One step of a waterfall, before layout.
struct Step {
    label: String,
    title: String,
    class: String,
    from: f64,
    to: f64,
    value: String,
}

/// How each factor and adjustment builds the memo's score, ending at the total.
pub(super) fn waterfall(memo: &Memo, rules: &RuleSet) -> Chart {
    let steps = steps(memo);
    let axis = Axis::covering(steps.iter().flat_map(|s| [s.from, s.to]));
    let n = steps.len();
    let bars = steps
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let mut bar = bar(&axis, i, s.from.min(s.to), s.from.max(s.to), &s.label, &s.title, &s.class, &s.value);
            bar.running = fixed(s.to, 2);
            if i + 2 < n {
                let y = TOP + i as f64 * ROW;
                bar.connector = Some(Connector {
                    x: px(axis.x(s.to)),
                    y1: px(y + (ROW + BAR) / 2.0),
                    y2: px(y + ROW + (ROW - BAR) / 2.0),
                });
            }
            bar
        })
        .collect();
    let legend = memo
        .categories
        .iter()
        .enumerate()
        .filter(|(_, c)| c.score.is_some())
        .map(|(i, c)| Legend { class: format!("cat-{}", i % PALETTE), label: c.name.clone() })
        .collect();
    let title = format!("How the score of {} builds up to {}", memo.name, fixed(memo.score, 2));
    chart(title, &axis, n, rules, legend, bars)
}

fn steps(memo: &Memo) -> Vec<Step> {
    let mut steps = Vec::new();
    let mut running = 0.0;
    let category = |name: &str| memo.categories.iter().position(|c| c.name == name).unwrap_or(0);
    for f in memo.factors.iter().filter(|f| f.points.is_some()) {
        let class = format!("cat-{}", category(&f.category) % PALETTE);
        steps.push(step(&mut running, f.contribution, &f.label, &f.description, class));
    }
    for a in memo.adjustments.iter().filter(|a| a.fired) {
        let points = a.points.unwrap_or(0.0);
        let class = if points < 0.0 { "down" } else { "up" };
        steps.push(step(&mut running, points, &a.id, &a.reason, class.to_string()));
    }
    if memo.clamp != 0.0 {
        steps.push(step(&mut running, memo.clamp, "clamp", "the total is kept within 0..100", "clamp".into()));
    }
    steps.push(Step {
        label: "total".into(),
        title: format!("total {}", fixed(memo.score, 2)),
        class: "total".into(),
        from: 0.0,
        to: memo.score,
        value: fixed(memo.score, 2),
    });
    steps
}

fn step(running: &mut f64, delta: f64, label: &str, title: &str, class: String) -> Step {
    let from = *running;
    *running += delta;
    let sign = if delta < 0.0 { "−" } else { "+" };
    Step {
        label: label.to_string(),
        title: title.to_string(),
        class,
        from,
        to: *running,
        value: format!("{sign}{}", fixed(delta.abs(), 2)),
    }
}

/// The ranked entities of a kind as bars, coloured by rating band, each linking to its memo.
pub(super) fn ranking(kind_title: &str, ranked: &[IndexEntry], rules: &RuleSet) -> Chart {
    let axis = Axis::covering([]);
    let band = |r: &Option<String>| {
        r.as_ref().and_then(|label| rules.ratings.iter().position(|b| &b.label == label)).unwrap_or(rules.ratings.len())
    };
    let bars = ranked
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let class = format!("band-{}", band(&e.rating).min(PALETTE - 1));
            let title = format!(
                "{}. {} — {} ({})",
                e.rank,
                e.name,
                fixed(e.score, 2),
                e.rating.as_deref().unwrap_or("no rating")
            );
            let label = format!("{}. {}", e.rank, e.name);
            let mut bar = bar(&axis, i, 0.0, e.score, &label, &title, &class, &fixed(e.score, 2));
            bar.path = Some(e.path.clone());
            bar.running = fixed(e.score, 2);
            bar
        })
        .collect();
    chart(format!("Ranking of the {kind_title} by score"), &axis, ranked.len(), rules, Vec::new(), bars)
}

#[allow(clippy::too_many_arguments)]
fn bar(axis: &Axis, row: usize, from: f64, to: f64, label: &str, title: &str, class: &str, value: &str) -> Bar {
    let y = TOP + row as f64 * ROW + (ROW - BAR) / 2.0;
    Bar {
        label: shorten(label),
        title: title.to_string(),
        class: class.to_string(),
        x: px(axis.x(from)),
        y: px(y),
        width: px(axis.x(to) - axis.x(from)),
        height: px(BAR),
        text_y: px(y + BAR - 3.0),
        value: value.to_string(),
        running: String::new(),
        value_x: px(LABEL_WIDTH + PLOT_WIDTH + 6.0),
        path: None,
        connector: None,
    }
}

fn chart(title: String, axis: &Axis, rows: usize, rules: &RuleSet, legend: Vec<Legend>, bars: Vec<Bar>) -> Chart {
    let bottom = TOP + rows as f64 * ROW;
    let ticks = (0..=4)
        .map(|i| f64::from(i) * 25.0)
        .map(|v| Guide { x: px(axis.x(v)), label: number(v), y: px(TOP - 9.0) })
        .collect();
    let bands: Vec<Guide> = rules
        .ratings
        .iter()
        .filter(|r| r.min > 0.0 && r.min < 100.0)
        .enumerate()
        .map(|(i, r)| Guide {
            x: px(axis.x(r.min)),
            label: format!("{} ≥ {}", r.label, number(r.min)),
            y: px(bottom + 14.0 + i as f64 * BAND_ROW),
        })
        .collect();
    let band_rows = bands.len().saturating_sub(1) as f64 * BAND_ROW;
    Chart {
        title,
        width: px(LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH),
        height: px(bottom + BOTTOM + band_rows),
        label_x: px(LABEL_WIDTH - 8.0),
        plot_top: px(TOP - 4.0),
        plot_bottom: px(bottom),
        tick_y: px(TOP - 9.0),
        band_y: px(bottom + 14.0),
        ticks,
        bands,
        legend,
        bars,
    }
}
