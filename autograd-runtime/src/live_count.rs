//! Counts of live objects (graph nodes, element buffers) for leak tests, without a shared
//! atomic on the hot path.
//!
//! A process-wide `fetch_add` per node and per buffer is a locked instruction on every op
//! (and a contended cache line when several threads record graphs). Instead each thread keeps
//! its own count, which only it writes (a plain load and store), and reading the total sums
//! every thread's count. An object freed on another thread than the one that made it moves one
//! unit between the two counts; the sum stays exact.

use parking_lot::Mutex;
use std::sync::atomic::{AtomicIsize, Ordering};
use std::sync::Arc;

/// One kind of live object, counted per thread.
pub(crate) struct LiveCount {
    /// Every thread's count (kept after the thread exits: its objects may outlive it).
    threads: Mutex<Vec<Arc<AtomicIsize>>>,
    /// Changes made while a thread's count was unavailable (during thread teardown).
    orphans: AtomicIsize,
}

impl LiveCount {
    pub(crate) const fn new() -> LiveCount {
        LiveCount {
            threads: Mutex::new(Vec::new()),
            orphans: AtomicIsize::new(0),
        }
    }

    /// A new count for the calling thread, registered for [`LiveCount::total`].
    pub(crate) fn register(&self) -> Arc<AtomicIsize> {
        let count = Arc::new(AtomicIsize::new(0));
        self.threads.lock().push(count.clone());
        count
    }

    /// Adds `delta` to `local` (the calling thread's count) or, when the thread's count is
    /// already gone, to the orphans.
    #[inline]
    pub(crate) fn add(&self, local: Option<&AtomicIsize>, delta: isize) {
        match local {
            // Only this thread writes its count: no read-modify-write needed.
            Some(count) => count.store(count.load(Ordering::Relaxed) + delta, Ordering::Relaxed),
            None => {
                self.orphans.fetch_add(delta, Ordering::Relaxed);
            }
        }
    }

    /// The number of live objects in the process.
    pub(crate) fn total(&self) -> usize {
        let threads: isize = self
            .threads
            .lock()
            .iter()
            .map(|c| c.load(Ordering::Relaxed))
            .sum();
        (threads + self.orphans.load(Ordering::Relaxed)).max(0) as usize
    }
}

/// Declares a per-thread counter `$name` of `$count`, with `inc`/`dec` helpers.
macro_rules! live_counter {
    ($count:ident, $local:ident, $inc:ident, $dec:ident) => {
        static $count: $crate::live_count::LiveCount = $crate::live_count::LiveCount::new();
        thread_local! {
            static $local: std::sync::Arc<std::sync::atomic::AtomicIsize> = $count.register();
        }
        #[inline]
        fn $inc() {
            if $local.try_with(|c| $count.add(Some(c), 1)).is_err() {
                $count.add(None, 1);
            }
        }
        #[inline]
        fn $dec() {
            if $local.try_with(|c| $count.add(Some(c), -1)).is_err() {
                $count.add(None, -1);
            }
        }
    };
}
pub(crate) use live_counter;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_moved_between_threads_sum_exactly() {
        static COUNT: LiveCount = LiveCount::new();
        let here = COUNT.register();
        COUNT.add(Some(&here), 3);
        let there = std::thread::spawn(|| {
            let there = COUNT.register();
            COUNT.add(Some(&there), -2);
        });
        there.join().unwrap();
        COUNT.add(None, 1);
        assert_eq!(COUNT.total(), 2);
    }
}
