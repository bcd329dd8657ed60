//! What the soak prints: the setup before the calls, the figures after them, and the checks
//! that failed.

use crate::Args;
use crate::load::{self, Tally};
use crate::script::{self, Fault, Op, Outcome};
use crate::server::Server;

/// The most the resident memory may grow from the checkpoint to the end, in percent.
pub const MEMORY_GROWTH_LIMIT: f64 = 10.0;

/// The soak's measured figures.
pub struct Figures {
    /// What the calls came to.
    pub tally: Tally,
    /// Time the calls took, both phases.
    pub seconds: f64,
    /// Calls made when the memory baseline was taken.
    pub checkpoint: u64,
    /// Memory then.
    pub at_checkpoint: Memory,
    /// Memory after the last call.
    pub at_end: Memory,
}

/// Resident memory at a moment with no call in flight, in bytes.
#[derive(Clone, Copy)]
pub struct Memory {
    /// As the load left it: it includes the idle connections of the pool and the pages the
    /// allocator keeps free, its high-water mark.
    pub loaded: u64,
    /// After the server has closed every idle connection and the allocator has returned its
    /// free pages: what the process keeps from call to call.
    pub settled: u64,
    /// Heap bytes in use then.
    pub heap_bytes: u64,
    /// Heap blocks in use then.
    pub heap_blocks: u64,
}

/// Prints what the run is about to do: its size, the client's settings, the faults.
pub fn setup(args: &Args) {
    let profile = if cfg!(debug_assertions) {
        "dev profile"
    } else {
        "release profile"
    };
    println!(
        "soak: {} calls, {} in flight, seed {}, {profile}",
        count(args.calls),
        args.in_flight,
        args.seed
    );
    println!(
        "  client: timeout {} ms per attempt, {} retries, backoff {}-{} ms, waits the server asks for capped at {} ms",
        script::TIMEOUT.as_millis(),
        script::MAX_RETRIES,
        script::INITIAL_BACKOFF.as_millis(),
        script::MAX_BACKOFF.as_millis(),
        script::MAX_WAIT.as_millis()
    );
    println!(
        "  deadline per call: {} ms = {} attempts x {} ms + {} waits x {} ms + {} ms allowance",
        script::deadline().as_millis(),
        script::MAX_RETRIES + 1,
        script::TIMEOUT.as_millis(),
        script::MAX_RETRIES,
        script::MAX_BACKOFF.max(script::MAX_WAIT).as_millis(),
        script::ALLOWANCE.as_millis()
    );
    let faults: Vec<String> = Fault::ALL[1..]
        .iter()
        .map(|f| format!("{} {} %", f.label(), script::percent(*f)))
        .collect();
    println!(
        "  faults per request, drawn from seed, call and attempt: {}; slow = {} ms",
        faults.join(", "),
        script::SLOW_DELAY.as_millis()
    );
}

/// Prints the soak's figures and returns the checks that failed.
pub fn figures(args: &Args, f: &Figures, server: &Server) -> Vec<String> {
    let t = &f.tally;
    let snapshot = server.snapshot();
    let mut failures = Vec::new();
    let calls = t.calls();
    println!(
        "calls: {} ({})",
        count(calls),
        Op::ALL
            .iter()
            .map(|op| format!("{} {}", op.label(), count(t.calls_of(*op))))
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!(
        "requests received: {} ({:.3} per call), on {} connections",
        count(t.requests),
        t.requests as f64 / calls.max(1) as f64,
        count(snapshot.connections)
    );
    let shares: Vec<String> = load::fault_shares(&snapshot.injected)
        .iter()
        .map(|(fault, n, pct)| format!("{} {} ({pct:.2} %)", fault.label(), count(*n)))
        .collect();
    println!("faults injected: {}", shares.join(", "));
    println!("outcomes:");
    println!(
        "  {:<36} {:>10} {:>10} {:>10} {:>10}",
        "", "GET show", "POST cont.", "POST note", "total"
    );
    for outcome in Outcome::ALL {
        let by_op = &t.outcomes;
        println!(
            "  {:<36} {:>10} {:>10} {:>10} {:>10}",
            outcome.label(),
            count(by_op[0][outcome.index()]),
            count(by_op[1][outcome.index()]),
            count(by_op[2][outcome.index()]),
            count(t.outcome(outcome))
        );
    }
    println!(
        "  {:<36} {:>43}",
        "error of another kind",
        count(t.unexpected)
    );
    println!(
        "  {:<36} {:>43}",
        "deadline missed",
        count(t.deadline_missed)
    );
    let predicted = calls - t.mismatched - t.unexpected - t.deadline_missed;
    println!(
        "outcomes and request counts as the script and the retry policy predict: {} of {}",
        count(predicted),
        count(calls)
    );
    let met = calls - t.deadline_missed;
    println!(
        "deadlines met: {} of {} (median {:.1} ms, p99 {:.1} ms, slowest {:.1} ms; deadline {} ms)",
        count(met),
        count(calls),
        ms(t.latency.quantile(0.5)),
        ms(t.latency.quantile(0.99)),
        ms(t.latency.max()),
        script::deadline().as_millis()
    );
    let resent_total: u64 = snapshot.resent_posts.iter().sum();
    println!(
        "POSTs sent again after a 503 / a reset / a timeout: {} / {} / {}",
        snapshot.resent_posts[Fault::Unavailable.index()],
        snapshot.resent_posts[Fault::Reset.index()],
        snapshot.resent_posts[Fault::Slow.index()],
    );
    let change = |a: u64, b: u64| 100.0 * (b as f64 - a as f64) / a as f64;
    let (start, end) = (f.at_checkpoint, f.at_end);
    let growth = change(start.settled, end.settled);
    println!(
        "RSS (VmRSS; server and client, one process, no call in flight): {} after {} calls, {} after {} calls ({growth:+.1} %, limit +{MEMORY_GROWTH_LIMIT} %), read with idle connections closed and free pages returned; as the load left it {} and {} ({:+.1} %)",
        mib(start.settled),
        count(f.checkpoint),
        mib(end.settled),
        count(args.calls),
        mib(start.loaded),
        mib(end.loaded),
        change(start.loaded, end.loaded),
    );
    println!(
        "heap in use then (counted by the soak's allocator): {} in {} blocks, {} in {} blocks",
        mib(start.heap_bytes),
        count(start.heap_blocks),
        mib(end.heap_bytes),
        count(end.heap_blocks),
    );
    println!(
        "throughput, faults on: {} calls/s ({} calls in {:.1} s, generated client, retries and waits included)",
        count((calls as f64 / f.seconds).round() as u64),
        count(calls),
        f.seconds
    );

    if calls != args.calls {
        failures.push(format!(
            "{} calls were counted, {} were asked for",
            count(calls),
            count(args.calls)
        ));
    }
    if t.deadline_missed > 0 {
        failures.push(format!(
            "{} call(s) missed the deadline of {} ms",
            count(t.deadline_missed),
            script::deadline().as_millis()
        ));
    }
    if t.unexpected > 0 {
        failures.push(format!(
            "{} call(s) ended with an error of the wrong type or without what its fault should give",
            count(t.unexpected)
        ));
    }
    if t.mismatched > 0 {
        failures.push(format!(
            "{} call(s) ended otherwise, or after another number of requests, than the script and the retry policy predict",
            count(t.mismatched)
        ));
    }
    if resent_total > 0 || t.resent_posts > 0 {
        failures.push(format!(
            "{} POST call(s) were sent again after a 503, a reset or a timeout",
            count(t.resent_posts.max(resent_total))
        ));
    }
    if snapshot.unknown > 0 {
        failures.push(format!(
            "the server received {} request(s) it has no route for",
            count(snapshot.unknown)
        ));
    }
    let late = server.calls_held();
    if late > 0 {
        failures.push(format!(
            "the server received requests of {late} call(s) after those calls had ended"
        ));
    }
    if growth > MEMORY_GROWTH_LIMIT {
        failures.push(format!(
            "resident memory grew {growth:.1} % from call {} to call {}, more than {MEMORY_GROWTH_LIMIT} %",
            count(f.checkpoint),
            count(args.calls)
        ));
    }
    for e in &t.examples {
        failures.push(format!("for instance, {e}"));
    }
    failures
}

/// `1234567` as `1,234,567`.
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `d` in milliseconds.
fn ms(d: std::time::Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// `bytes` in MiB, one decimal.
fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_grouped_by_thousands() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1000), "1,000");
        assert_eq!(count(100_000), "100,000");
        assert_eq!(count(1_234_567), "1,234,567");
    }
}
