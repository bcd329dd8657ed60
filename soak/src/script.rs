//! The soak's script: which operation each call makes, which fault the server plays on each
//! request, and what the client must therefore return. All of it is a pure function of the seed,
//! the call number and the attempt number, so a run can be repeated exactly and every call's
//! outcome is known before it is made.

use std::time::Duration;

/// The operation a call makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `GET /contacts/{id}` (`show_contact`).
    ShowContact,
    /// `POST /contacts` (`create_contact`).
    CreateContact,
    /// `POST /contacts/{id}/notes` (`create_note`).
    CreateNote,
}

impl Op {
    /// Every operation, in the order the report lists them.
    pub const ALL: [Op; 3] = [Op::ShowContact, Op::CreateContact, Op::CreateNote];

    /// The operation of call number `call`: eight calls in ten read a contact, one creates a
    /// contact and one writes a note.
    pub fn of_call(call: u64) -> Op {
        match call % 10 {
            3 => Op::CreateContact,
            7 => Op::CreateNote,
            _ => Op::ShowContact,
        }
    }

    /// Whether the operation is a `POST`, which the client must not repeat once the server may
    /// have acted on it.
    pub fn is_post(self) -> bool {
        !matches!(self, Op::ShowContact)
    }

    /// The client method's name and its HTTP method, for the report.
    pub fn label(self) -> &'static str {
        match self {
            Op::ShowContact => "show_contact (GET)",
            Op::CreateContact => "create_contact (POST)",
            Op::CreateNote => "create_note (POST)",
        }
    }

    /// Position in [`Op::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

/// What the server does with one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Answers as the API would.
    None,
    /// 429 with `X-RateLimit-Limit`, `X-RateLimit-Remaining: 0` and `X-RateLimit-Reset` one to
    /// two seconds ahead, and on every other such answer `Retry-After: 1` too.
    RateLimited,
    /// 503 with Intercom's error body (`server_error`).
    Unavailable,
    /// Reads the request and resets the connection (a zero linger, then close) without
    /// answering.
    Reset,
    /// Answers only after [`SLOW_DELAY`], longer than the client's timeout.
    Slow,
}

impl Fault {
    /// Every fault, in the order the report lists them.
    pub const ALL: [Fault; 5] = [
        Fault::None,
        Fault::RateLimited,
        Fault::Unavailable,
        Fault::Reset,
        Fault::Slow,
    ];

    /// Position in [`Fault::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// A short name for the report.
    pub fn label(self) -> &'static str {
        match self {
            Fault::None => "none",
            Fault::RateLimited => "429",
            Fault::Unavailable => "503",
            Fault::Reset => "reset",
            Fault::Slow => "slow",
        }
    }

    /// Whether the client's policy repeats a request of `op` that met this fault: a 429 for
    /// any method (the server did not act on it), a 503, a reset or a timeout only for a `GET`.
    pub fn is_retried(self, op: Op) -> bool {
        match self {
            Fault::None => false,
            Fault::RateLimited => true,
            Fault::Unavailable | Fault::Reset | Fault::Slow => !op.is_post(),
        }
    }

    /// The outcome of a call whose last attempt met this fault.
    pub fn outcome(self) -> Outcome {
        match self {
            Fault::None => Outcome::Ok,
            Fault::RateLimited => Outcome::RateLimited,
            Fault::Unavailable => Outcome::ServerError,
            Fault::Reset => Outcome::Transport,
            Fault::Slow => Outcome::Timeout,
        }
    }
}

/// How a call ended, as the client reported it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The decoded value.
    Ok,
    /// `Error::Api` with status 429, `rate_limit_exceeded`, the rate-limit headers and a
    /// `retry_after`.
    RateLimited,
    /// `Error::Api` with status 503 and `server_error`.
    ServerError,
    /// `Error::Transport`.
    Transport,
    /// `Error::Timeout`.
    Timeout,
}

impl Outcome {
    /// Every outcome, in the order the report lists them.
    pub const ALL: [Outcome; 5] = [
        Outcome::Ok,
        Outcome::RateLimited,
        Outcome::ServerError,
        Outcome::Transport,
        Outcome::Timeout,
    ];

    /// Position in [`Outcome::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// The name the report gives it.
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::RateLimited => "rate limited (429, retry_after set)",
            Outcome::ServerError => "server error (503)",
            Outcome::Transport => "transport error (reset)",
            Outcome::Timeout => "timeout",
        }
    }
}

/// Out of 10,000 requests, how many meet each fault: 10 % 429, 5 % 503, 1 % reset, 1 % slow.
const PER_10K: [(Fault, u64); 4] = [
    (Fault::RateLimited, 1000),
    (Fault::Unavailable, 500),
    (Fault::Reset, 100),
    (Fault::Slow, 100),
];

/// The share of requests that meet `fault`, in percent.
pub fn percent(fault: Fault) -> f64 {
    let n = match fault {
        Fault::None => 10_000 - PER_10K.iter().map(|(_, n)| n).sum::<u64>(),
        other => PER_10K
            .iter()
            .find(|(f, _)| *f == other)
            .map_or(0, |(_, n)| *n),
    };
    n as f64 / 100.0
}

/// The client's time allowed for one attempt.
pub const TIMEOUT: Duration = Duration::from_millis(250);

/// The client's retries after the first attempt.
pub const MAX_RETRIES: u32 = 2;

/// The client's backoff before the first retry (doubled for each further one, with jitter).
pub const INITIAL_BACKOFF: Duration = Duration::from_millis(5);

/// The client's cap on backoff.
pub const MAX_BACKOFF: Duration = Duration::from_millis(20);

/// The client's cap on a wait the server asks for (`Retry-After`, `X-RateLimit-Reset`).
pub const MAX_WAIT: Duration = Duration::from_millis(20);

/// Time a call may take beyond its attempts and waits: scheduling of 64 calls in flight on a
/// busy machine, reading and decoding.
pub const ALLOWANCE: Duration = Duration::from_millis(250);

/// The longest a call may take: every attempt timing out, every wait at its cap, and the
/// allowance.
pub fn deadline() -> Duration {
    TIMEOUT * (MAX_RETRIES + 1) + MAX_BACKOFF.max(MAX_WAIT) * MAX_RETRIES + ALLOWANCE
}

/// How long the server holds a slow answer: twice the client's timeout.
pub const SLOW_DELAY: Duration = Duration::from_millis(500);

/// SplitMix64's output function: a well-mixed 64-bit value from any input.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// The fault played on attempt `attempt` (1 for the first request) of call `call`.
pub fn fault_for(seed: u64, call: u64, attempt: u32) -> Fault {
    let draw = mix(mix(seed ^ mix(call)) ^ u64::from(attempt)) % 10_000;
    let mut bound = 0;
    for (fault, n) in PER_10K {
        bound += n;
        if draw < bound {
            return fault;
        }
    }
    Fault::None
}

/// Whether a 429 answer to this attempt carries `Retry-After` as well as the rate-limit
/// headers (every other one does, so both ways of asking for a wait are exercised).
pub fn sends_retry_after(call: u64, attempt: u32) -> bool {
    (call + u64::from(attempt)) % 2 == 1
}

/// What a call must end with, and how many requests the server must see for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Expected {
    /// The outcome.
    pub outcome: Outcome,
    /// Requests sent, retries included.
    pub attempts: u32,
}

/// The outcome and attempt count of call `call` under a policy of `max_retries` retries: the
/// attempts go on while the fault met is one the policy retries and retries remain.
pub fn expected(seed: u64, call: u64, max_retries: u32) -> Expected {
    let op = Op::of_call(call);
    let mut attempt = 1;
    loop {
        let fault = fault_for(seed, call, attempt);
        if !fault.is_retried(op) || attempt > max_retries {
            return Expected {
                outcome: fault.outcome(),
                attempts: attempt,
            };
        }
        attempt += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_deadline_covers_every_attempt_and_wait() {
        assert_eq!(deadline(), Duration::from_millis(3 * 250 + 2 * 20 + 250));
        assert!(SLOW_DELAY > TIMEOUT);
    }

    #[test]
    fn the_mix_is_eight_gets_in_ten() {
        let mut counts = [0; 3];
        for call in 0..1000 {
            counts[Op::of_call(call).index()] += 1;
        }
        assert_eq!(counts, [800, 100, 100]);
        assert!(!Op::ShowContact.is_post());
        assert!(Op::CreateContact.is_post() && Op::CreateNote.is_post());
    }

    #[test]
    fn faults_are_drawn_at_their_ratios_and_repeat_for_a_seed() {
        let mut counts = [0u64; 5];
        for call in 0..100_000 {
            counts[fault_for(7, call, 1).index()] += 1;
        }
        for fault in Fault::ALL {
            let share = counts[fault.index()] as f64 / 1000.0;
            assert!(
                (share - percent(fault)).abs() < 0.3,
                "{fault:?}: {share} % drawn, {} % asked",
                percent(fault)
            );
        }
        assert_eq!(fault_for(7, 12_345, 2), fault_for(7, 12_345, 2));
        let differs = (0..1000).any(|call| fault_for(7, call, 1) != fault_for(8, call, 1));
        assert!(differs, "the seed changes the script");
        let retry = (0..1000).any(|call| fault_for(7, call, 1) != fault_for(7, call, 2));
        assert!(retry, "a retry draws afresh");
    }

    #[test]
    fn the_percentages_add_up() {
        let total: f64 = Fault::ALL.into_iter().map(percent).sum();
        assert!((total - 100.0).abs() < 1e-9);
        assert_eq!(percent(Fault::RateLimited), 10.0);
        assert_eq!(percent(Fault::None), 83.0);
    }

    #[test]
    fn a_post_is_repeated_after_a_429_only() {
        for fault in [Fault::Unavailable, Fault::Reset, Fault::Slow] {
            assert!(fault.is_retried(Op::ShowContact));
            assert!(!fault.is_retried(Op::CreateNote));
        }
        assert!(Fault::RateLimited.is_retried(Op::CreateContact));
        assert!(!Fault::None.is_retried(Op::ShowContact));
    }

    #[test]
    fn expected_outcomes_follow_the_faults_and_the_retry_budget() {
        for call in 0..20_000 {
            let e = expected(3, call, 2);
            let op = Op::of_call(call);
            assert!((1..=3).contains(&e.attempts));
            let last = fault_for(3, call, e.attempts);
            assert_eq!(e.outcome, last.outcome());
            for earlier in 1..e.attempts {
                assert!(fault_for(3, call, earlier).is_retried(op), "call {call}");
            }
            if e.attempts < 3 {
                assert!(!last.is_retried(op), "call {call}");
            }
        }
        // Without retries the first fault decides.
        for call in 0..1000 {
            let e = expected(3, call, 0);
            assert_eq!(e.attempts, 1);
            assert_eq!(e.outcome, fault_for(3, call, 1).outcome());
        }
    }
}
