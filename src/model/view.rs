//! A dataset seen at a view date: each table's series resolved into its columns, values not
//! yet known withheld (check stage, and again per date for `thesis history`).

use std::sync::{Arc, OnceLock};

use super::series::{Observation, latest_publication, published, resolve_with};
use super::{Dataset, Date, EntityTable, Provenance, Row};

impl EntityTable {
    /// A copy of the table as written, to resolve at another date.
    pub(crate) fn duplicate(&self) -> EntityTable {
        EntityTable {
            kind: self.kind,
            ids: self.ids.clone(),
            names: self.names.clone(),
            columns: self.columns.clone(),
            provenance: self.provenance.clone(),
            wide: self.wide.clone(),
            withheld: self.withheld.clone(),
            series: self.series.clone(),
            superseded: self.superseded.clone(),
            view: self.view,
            exposure: self.exposure.clone(),
            headquarters: self.headquarters.clone(),
            origins: self.origins.clone(),
            index: OnceLock::new(),
        }
    }

    /// Resolves the table at `view` in place: single values dated after it are withheld,
    /// and each series puts the observation in effect into its cell (see [`super::series`]).
    pub(crate) fn resolve_at(&mut self, view: Option<Date>) {
        self.resolve_with(view, false);
    }

    /// [`Self::resolve_at`]; `projected`: with every scheduled fact known at `view` in effect.
    fn resolve_with(&mut self, view: Option<Date>, projected: bool) {
        self.view = view;
        let late = |p: &Provenance, cutoff: Date| match projected {
            true => published(p).is_some_and(|d| d > cutoff),
            false => p.is_after(cutoff),
        };
        if let Some(cutoff) = view {
            let values: Vec<_> = self
                .provenance
                .iter()
                .filter(|(k, p)| late(p, cutoff) && !self.series.contains_key(k))
                .map(|(k, p)| (*k, Arc::clone(p)))
                .collect();
            for ((row, attr), prov) in values {
                self.withhold(row, attr, prov);
            }
            let (map, series) = (&self.provenance, &self.series);
            let own = |r: Row, a: u32| map.contains_key(&(r, a)) || series.contains_key(&(r, a));
            self.wide.withhold(&mut self.columns, |p| late(p, cutoff), own);
        }
        let mut keys: Vec<(Row, u32)> = self.series.keys().copied().collect();
        keys.sort_unstable();
        for key in keys {
            let obs = Arc::clone(&self.series[&key]);
            self.resolve_series(key, &obs, (view, if projected { None } else { view }));
        }
    }

    fn resolve_series(
        &mut self,
        (row, attr): (Row, u32),
        obs: &[Observation],
        (known, begun): (Option<Date>, Option<Date>),
    ) {
        let r = resolve_with(obs.iter().map(|o| &*o.prov), known, begun);
        let note = |i: usize| (obs[i].cell.display(), Arc::clone(&obs[i].prov));
        match r.used {
            Some(u) => {
                obs[u].cell.clone().store(&mut self.columns[attr as usize], row as usize);
                if obs[u].prov.is_empty() {
                    self.provenance.remove(&(row, attr));
                } else {
                    self.provenance.insert((row, attr), Arc::clone(&obs[u].prov));
                }
            }
            None => {
                self.columns[attr as usize].clear(row as usize);
                self.provenance.remove(&(row, attr));
            }
        }
        match r.superseded.first() {
            Some(&i) => self.superseded.insert((row, attr), note(i)),
            None => self.superseded.remove(&(row, attr)),
        };
        match r.withheld.first().or(r.scheduled.first()) {
            Some(&i) => self.withheld.insert((row, attr), note(i)),
            None => self.withheld.remove(&(row, attr)),
        };
    }

    /// Every observation's provenance: single values and series alike.
    pub(crate) fn all_provenance(&self) -> impl Iterator<Item = &Provenance> {
        let singles = self.provenance.iter().filter(|(k, _)| !self.series.contains_key(k)).map(|(_, p)| &**p);
        let series = self.series.values().flat_map(|obs| obs.iter().map(|o| &*o.prov));
        singles.chain(series).chain(self.wide.pool.iter().map(|p| &**p))
    }
}

/// The view date of "everything known": the latest date any fact of `tables` became public.
pub(crate) fn derived_view(tables: &[EntityTable]) -> Option<Date> {
    latest_publication(tables.iter().flat_map(EntityTable::all_provenance))
}

impl Dataset {
    /// The same dataset seen at `view`, resolved from the observations as written (kept when
    /// the run was loaded for several dates); `None` if they were not kept.
    pub(crate) fn at(&self, view: Date) -> Option<Dataset> {
        self.resolved(view, false)
    }

    /// The dataset at `view` with every scheduled fact known then already in effect: what the
    /// rating will be once the listings and deadlines the data announces have happened.
    pub(crate) fn projected(&self, view: Date) -> Option<Dataset> {
        self.resolved(view, true)
    }

    fn resolved(&self, view: Date, projected: bool) -> Option<Dataset> {
        let raw = self.raw.as_ref()?;
        let tables = raw.each_ref().map(|t| {
            let mut t = t.duplicate();
            t.resolve_with(Some(view), projected);
            Arc::new(t)
        });
        Some(Dataset {
            schemas: self.schemas.clone(),
            tables,
            files: self.files.clone(),
            sources: Arc::clone(&self.sources),
            as_of: Some(view),
            derived: false,
            raw: None,
            unloaded: self.unloaded.clone(),
        })
    }
}
