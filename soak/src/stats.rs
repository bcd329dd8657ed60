//! Measuring without growing: a fixed-size latency histogram, the process's resident memory,
//! and the heap in use as the global allocator counts it.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// Sub-buckets per power of two: values are kept to within 1/16 (about 6 %).
const SUB: usize = 16;

/// Latencies in microseconds in log-linear buckets: a fixed 8 KiB whatever the number of
/// values, so that recording them does not change the memory the soak measures.
#[derive(Clone)]
pub struct Histogram {
    /// Values per bucket ([`bucket`]).
    counts: Box<[u64; 64 * SUB]>,
    /// Values recorded.
    total: u64,
    /// The largest value, exactly.
    max: Duration,
}

impl Default for Histogram {
    fn default() -> Self {
        Self {
            counts: Box::new([0; 64 * SUB]),
            total: 0,
            max: Duration::ZERO,
        }
    }
}

/// The bucket of `us` microseconds: below 16 one per value, above that 16 per power of two.
fn bucket(us: u64) -> usize {
    if us < SUB as u64 {
        return us as usize;
    }
    let magnitude = 63 - us.leading_zeros() as usize;
    let shift = magnitude - 4;
    let sub = ((us >> shift) as usize) & (SUB - 1);
    (shift + 1) * SUB + sub
}

/// The smallest value of bucket `index`.
fn lower_bound(index: usize) -> u64 {
    if index < SUB {
        return index as u64;
    }
    let shift = index / SUB - 1;
    ((SUB + index % SUB) as u64) << shift
}

impl Histogram {
    /// Adds one value.
    pub fn record(&mut self, d: Duration) {
        let us = u64::try_from(d.as_micros()).unwrap_or(u64::MAX);
        self.counts[bucket(us)] += 1;
        self.total += 1;
        self.max = self.max.max(d);
    }

    /// The value below which a share `q` of the values lie, to within its bucket.
    pub fn quantile(&self, q: f64) -> Duration {
        let rank = ((self.total as f64 * q).ceil() as u64).max(1);
        let mut seen = 0;
        for (i, n) in self.counts.iter().enumerate() {
            seen += n;
            if seen >= rank {
                return Duration::from_micros(lower_bound(i));
            }
        }
        self.max
    }

    /// The largest value.
    pub fn max(&self) -> Duration {
        self.max
    }
}

/// Bytes allocated and not yet freed.
static HEAP_BYTES: AtomicUsize = AtomicUsize::new(0);
/// Blocks allocated and not yet freed.
static HEAP_BLOCKS: AtomicUsize = AtomicUsize::new(0);

/// The system allocator, counting the bytes and blocks in use: the soak's global allocator, so
/// that a leak can be told from memory the allocator keeps.
pub struct CountingAlloc;

// SAFETY: every call is forwarded to `System` with the caller's arguments unchanged; the
// counters are plain atomics and never touch the memory.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller upholds `alloc`'s contract, which is `System.alloc`'s.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            HEAP_BYTES.fetch_add(layout.size(), Ordering::Relaxed);
            HEAP_BLOCKS.fetch_add(1, Ordering::Relaxed);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            HEAP_BYTES.fetch_add(layout.size(), Ordering::Relaxed);
            HEAP_BLOCKS.fetch_add(1, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from this allocator, so from `System`, with `layout`.
        unsafe { System.dealloc(ptr, layout) };
        HEAP_BYTES.fetch_sub(layout.size(), Ordering::Relaxed);
        HEAP_BLOCKS.fetch_sub(1, Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `ptr` came from `System` with `layout`; the caller upholds the rest.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            HEAP_BYTES.fetch_add(new_size, Ordering::Relaxed);
            HEAP_BYTES.fetch_sub(layout.size(), Ordering::Relaxed);
        }
        p
    }
}

/// Bytes and blocks of heap in use now, as [`CountingAlloc`] counts them (zero when it is not
/// the global allocator).
pub fn heap_in_use() -> (u64, u64) {
    (
        HEAP_BYTES.load(Ordering::Relaxed) as u64,
        HEAP_BLOCKS.load(Ordering::Relaxed) as u64,
    )
}

/// Asks the allocator to give the operating system back the pages it holds free (glibc's
/// `malloc_trim`), so that resident memory counts memory in use rather than the allocator's
/// high-water mark; does nothing with another C library.
pub fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // glibc's `int malloc_trim(size_t pad)`: it only returns free memory of the
        // allocator's own arenas, and may be called at any time from any thread.
        unsafe extern "C" {
            safe fn malloc_trim(pad: usize) -> std::ffi::c_int;
        }
        malloc_trim(0);
    }
}

/// The process's resident memory in bytes (`VmRSS` of `/proc/self/status`), or `None` where
/// there is no such file.
pub fn rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: u64 = line
        .trim_start_matches("VmRSS:")
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kib * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_keep_values_within_a_sixteenth() {
        for us in [
            0, 1, 15, 16, 17, 31, 32, 100, 999, 1000, 123_456, 10_000_000,
        ] {
            let low = lower_bound(bucket(us));
            assert!(low <= us, "{us}: {low}");
            assert!(us - low <= us / 16, "{us}: {low}");
        }
        assert!(bucket(u64::MAX) < 64 * SUB);
    }

    #[test]
    fn quantiles_come_from_the_recorded_values() {
        let mut h = Histogram::default();
        for ms in 1..=100 {
            h.record(Duration::from_millis(ms));
        }
        let median = h.quantile(0.5).as_millis();
        assert!((47..=50).contains(&median), "{median}");
        let p99 = h.quantile(0.99).as_millis();
        assert!((93..=99).contains(&p99), "{p99}");
        assert_eq!(h.max(), Duration::from_millis(100));
    }

    #[test]
    fn resident_memory_is_read_on_linux() {
        if cfg!(target_os = "linux") {
            assert!(rss_bytes().is_some_and(|b| b > 0));
        }
    }

    #[test]
    fn freed_memory_goes_back_to_the_system() {
        let Some(before) = rss_bytes() else { return };
        // 64 MiB in small blocks, touched so they are resident, then freed.
        let blocks: Vec<Vec<u8>> = (0..16_384).map(|_| vec![1u8; 4096]).collect();
        let full = rss_bytes().expect("read before");
        drop(blocks);
        release_free_memory();
        let after = rss_bytes().expect("read before");
        assert!(full > before + 32 * 1024 * 1024, "{before} {full}");
        if cfg!(all(target_os = "linux", target_env = "gnu")) {
            assert!(after < full - 32 * 1024 * 1024, "{full} {after}");
        }
    }
}
