//! Many sequential tests at once: a candidates x tasks matrix of streams
//! (1,000 x 60 in the benchmark) updated from per-stream counts in one call.
//!
//! Each stream is an independent [`SequentialState`] without a confidence
//! grid (decisions need only the e-process at Δ = 0 and the capital at the
//! margin, O(1) per update). Streams are updated on rayon in fixed chunks;
//! nothing is random and every stream's arithmetic is sequential, so the
//! answer does not depend on the thread count. Per candidate, the suite
//! e-process is the average of its tasks' e-values (`combine.rs`), with its
//! running maximum kept after every call.

use rayon::prelude::*;

use super::combine::ln_mean;
use super::state::{Decision, SequentialState, Settings};
use crate::control::Checkpoint;
use crate::error::{Error, Result};

/// Streams per parallel chunk (and per cancellation check).
const CHUNK: usize = 4096;

/// The states of `rows` candidates x `cols` tasks, row-major.
#[derive(Debug, Clone)]
pub struct StreamBatch {
    rows: usize,
    cols: usize,
    streams: Vec<SequentialState>,
    suite_ln_max: Vec<f64>,
}

fn check_counts(name: &'static str, values: &[i64]) -> Result<()> {
    match values.iter().position(|&v| v < 0) {
        Some(index) => Err(Error::NegativeCount {
            what: name,
            index,
            value: values[index],
        }),
        None => Ok(()),
    }
}

impl StreamBatch {
    /// `rows` x `cols` fresh tests with the same settings (no grid, no
    /// population: counts carry no order).
    pub fn new(rows: usize, cols: usize, settings: Settings) -> Result<Self> {
        if rows == 0 || cols == 0 {
            return Err(Error::EmptyInput { what: "streams" });
        }
        let settings = Settings {
            grid_points: 0,
            ..settings
        };
        if settings.population.is_some() {
            return Err(Error::InvalidArgument(
                "a batch of streams is updated from counts, which carry no order; \
                 the without-replacement version needs per-sample updates"
                    .into(),
            ));
        }
        let one = SequentialState::new(settings)?;
        Ok(StreamBatch {
            rows,
            cols,
            streams: vec![one; rows * cols],
            suite_ln_max: vec![0.0; rows],
        })
    }

    /// (candidates, tasks).
    pub fn shape(&self) -> (usize, usize) {
        (self.rows, self.cols)
    }

    /// The states, row-major.
    pub fn streams(&self) -> &[SequentialState] {
        &self.streams
    }

    /// Adds per-stream counts (row-major, one entry per stream).
    pub fn update_counts(
        &mut self,
        b: &[i64],
        c: &[i64],
        n: &[i64],
        checkpoint: &dyn Checkpoint,
    ) -> Result<()> {
        let total = self.streams.len();
        for (name, values) in [("b", b), ("c", c), ("n", n)] {
            if values.len() != total {
                return Err(Error::InvalidArgument(format!(
                    "{name} has {} entries but the batch has {} x {} = {total} streams",
                    values.len(),
                    self.rows,
                    self.cols
                )));
            }
            check_counts(name, values)?;
        }
        if let Some(i) = (0..total).find(|&i| b[i] + c[i] > n[i]) {
            return Err(Error::InvalidArgument(format!(
                "stream {i} (candidate {}, task {}): b + c = {} + {} exceeds n = {}",
                i / self.cols,
                i % self.cols,
                b[i],
                c[i],
                n[i]
            )));
        }
        self.streams
            .par_chunks_mut(CHUNK)
            .enumerate()
            .try_for_each(|(k, chunk)| -> Result<()> {
                checkpoint.check()?;
                let start = k * CHUNK;
                for (j, state) in chunk.iter_mut().enumerate() {
                    let i = start + j;
                    state.update_counts(b[i] as u64, c[i] as u64, n[i] as u64)?;
                }
                Ok(())
            })?;
        let cols = self.cols;
        let streams = &self.streams;
        self.suite_ln_max
            .par_iter_mut()
            .enumerate()
            .for_each(|(row, best)| {
                let ln_e: Vec<f64> = streams[row * cols..(row + 1) * cols]
                    .iter()
                    .map(SequentialState::ln_evalue)
                    .collect();
                *best = best.max(ln_mean(&ln_e));
            });
        Ok(())
    }

    /// Per candidate: ln of the running maximum of the suite e-process
    /// (average of task e-values).
    pub fn suite_ln_evalue_max(&self) -> &[f64] {
        &self.suite_ln_max
    }

    /// Per candidate: ln of the current suite e-value.
    pub fn suite_ln_evalue(&self) -> Vec<f64> {
        self.streams
            .chunks(self.cols)
            .map(|row| {
                ln_mean(
                    &row.iter()
                        .map(SequentialState::ln_evalue)
                        .collect::<Vec<_>>(),
                )
            })
            .collect()
    }

    /// Every stream's scalars (row-major, [`SequentialState::to_parts`] each)
    /// and the suite maxima, for pickling.
    pub fn to_parts(&self) -> (Vec<f64>, Vec<f64>) {
        let flat = self.streams.iter().flat_map(|s| s.to_parts().0).collect();
        (flat, self.suite_ln_max.clone())
    }

    /// Rebuilds a batch from [`StreamBatch::to_parts`].
    pub fn from_parts(
        rows: usize,
        cols: usize,
        settings: Settings,
        flat: &[f64],
        suite_ln_max: &[f64],
    ) -> Result<Self> {
        let mut batch = StreamBatch::new(rows, cols, settings)?;
        let total = rows * cols;
        if total == 0 || flat.len() % total != 0 || suite_ln_max.len() != rows {
            return Err(Error::InvalidArgument(
                "corrupt sequential batch state".into(),
            ));
        }
        let settings = *batch.streams[0].settings();
        for (state, parts) in batch
            .streams
            .iter_mut()
            .zip(flat.chunks_exact(flat.len() / total))
        {
            *state = SequentialState::from_parts(settings, parts, None)?;
        }
        batch.suite_ln_max.copy_from_slice(suite_ln_max);
        Ok(batch)
    }

    /// Decision codes per stream: 0 continue, 1 degraded, 2 equivalent.
    pub fn decision_codes(&self) -> Vec<u8> {
        self.streams
            .iter()
            .map(|s| match s.decision() {
                Decision::Continue => 0,
                Decision::Degraded => 1,
                Decision::Equivalent => 2,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::super::mixture::DEFAULT_PRIOR;
    use super::super::state::{Direction, Method};
    use super::*;
    use crate::control::NeverStop;

    fn settings() -> Settings {
        Settings {
            alpha: 0.05,
            margin: Some(0.02),
            direction: Direction::Greater,
            method: Method::Auto,
            population: None,
            prior: DEFAULT_PRIOR,
            grid_points: 0,
        }
    }

    #[test]
    fn each_stream_matches_a_single_test() {
        let mut batch = StreamBatch::new(3, 2, settings()).unwrap();
        let b = [5, 0, 9, 1, 30, 2];
        let c = [1, 0, 2, 1, 3, 2];
        let n = [50, 10, 60, 40, 100, 20];
        batch.update_counts(&b, &c, &n, &NeverStop).unwrap();
        batch.update_counts(&b, &c, &n, &NeverStop).unwrap();
        for i in 0..6 {
            let mut one = SequentialState::new(Settings {
                grid_points: 0,
                ..settings()
            })
            .unwrap();
            for _ in 0..2 {
                one.update_counts(b[i] as u64, c[i] as u64, n[i] as u64)
                    .unwrap();
            }
            assert_eq!(&one, &batch.streams()[i]);
        }
        assert_eq!(batch.decision_codes()[4], 1);
    }

    #[test]
    fn parts_round_trip() {
        let mut batch = StreamBatch::new(2, 3, settings()).unwrap();
        batch
            .update_counts(
                &[5, 0, 9, 1, 30, 2],
                &[1, 0, 2, 1, 3, 2],
                &[50, 10, 60, 40, 100, 20],
                &NeverStop,
            )
            .unwrap();
        let (flat, suite) = batch.to_parts();
        let back = StreamBatch::from_parts(2, 3, settings(), &flat, &suite).unwrap();
        assert_eq!(back.streams(), batch.streams());
        assert_eq!(back.suite_ln_evalue_max(), batch.suite_ln_evalue_max());
        assert!(StreamBatch::from_parts(2, 3, settings(), &flat[1..], &suite).is_err());
    }

    #[test]
    fn bad_counts_are_refused_before_anything_changes() {
        let mut batch = StreamBatch::new(1, 2, settings()).unwrap();
        let before = batch.streams().to_vec();
        assert!(
            batch
                .update_counts(&[1, 5], &[0, 1], &[3, 4], &NeverStop)
                .is_err()
        );
        assert!(
            batch
                .update_counts(&[1, -1], &[0, 1], &[3, 4], &NeverStop)
                .is_err()
        );
        assert_eq!(batch.streams(), before.as_slice());
    }
}
