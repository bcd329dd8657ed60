//! Where one generation's time goes, phase by phase, summed over its rounds (a round that finds
//! a component's type name taken renames it and generates again).

use std::time::{Duration, Instant};

/// The wall time of each phase of one generation, summed over its rounds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Timings {
    /// Reading the spec's files and applying patches.
    pub load: Duration,
    /// The spec passes.
    pub passes: Duration,
    /// Type generation, the type engine's runs included.
    pub types: Duration,
    /// Building the operation model and the `types` module.
    pub model: Duration,
    /// Emitting the client's code, its surface, the mock and the wire test.
    pub emit: Duration,
    /// Printing the code as formatted Rust.
    pub print: Duration,
    /// How many times the type engine ran: once per round, and more while narrowing a failure
    /// down to the operations or schemas that cause it.
    pub engine_runs: usize,
    /// The time of all the type engine's runs, part of [`Timings::types`].
    pub engine: Duration,
    /// The type engine's own time on the description as finally generated: its last run that
    /// succeeded. The baseline the generator's total is compared with.
    pub engine_final: Duration,
    /// How many rounds generation took.
    pub rounds: usize,
}

impl Timings {
    /// The time of every phase together.
    pub fn total(&self) -> Duration {
        self.load + self.passes + self.types + self.model + self.emit + self.print
    }

    /// Adds one round's timings to these.
    pub(crate) fn add_round(&mut self, round: &Timings) {
        self.load += round.load;
        self.passes += round.passes;
        self.types += round.types;
        self.model += round.model;
        self.emit += round.emit;
        self.print += round.print;
        self.engine_runs += round.engine_runs;
        self.engine += round.engine;
        if round.engine_final > Duration::ZERO {
            self.engine_final = round.engine_final;
        }
        self.rounds += 1;
    }

    /// Adds the time since `started` to `slot` and returns the time now, for the next phase.
    pub(crate) fn lap(slot: &mut Duration, started: Instant) -> Instant {
        let now = Instant::now();
        *slot += now - started;
        now
    }
}

impl std::fmt::Display for Timings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        write!(
            f,
            "{:.0} ms: load {:.0}, passes {:.0}, types {:.0} (type engine {:.0} in {} runs, {:.0} for the last), model {:.0}, emit {:.0}, print {:.0}; {} round{}",
            ms(self.total()),
            ms(self.load),
            ms(self.passes),
            ms(self.types),
            ms(self.engine),
            self.engine_runs,
            ms(self.engine_final),
            ms(self.model),
            ms(self.emit),
            ms(self.print),
            self.rounds,
            if self.rounds == 1 { "" } else { "s" }
        )
    }
}
