//! Independent, I/O-bound work spread over a few threads, results in input order.
//!
//! Reading a Go tree is some twenty system calls spent mostly in the kernel's path lookup; a
//! machine with many installations (`groot list`, `groot doctor`) waits on them one after
//! another unless they overlap. [`map_ordered`] overlaps them on scoped threads and returns
//! exactly what a sequential `map` would, in the same order. Short lists stay on the calling
//! thread: starting a thread costs more than reading a handful of trees.

use std::num::NonZeroUsize;
use std::sync::{Mutex, PoisonError};

/// Items per extra thread before one is worth starting (a thread start costs about what
/// reading ten Go trees does).
const ITEMS_PER_THREAD: usize = 16;

/// Threads at most, the calling one included: past a few, the kernel's directory cache and the
/// allocator are the bottleneck, not waiting.
const MAX_THREADS: usize = 8;

/// `items.into_iter().map(f).collect()`, with `f` run on up to [`MAX_THREADS`] threads when
/// there are enough items to pay for them. Order is kept; a panic in `f` reaches the caller.
/// When the OS refuses a thread, the threads it did start (at least the calling one) do all
/// the work.
pub fn map_ordered<T, R, F>(items: Vec<T>, f: F) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync,
{
    let wanted = (items.len() / ITEMS_PER_THREAD).min(MAX_THREADS);
    if wanted < 2 {
        return items.into_iter().map(f).collect();
    }
    let threads = std::thread::available_parallelism()
        .map_or(1, NonZeroUsize::get)
        .min(wanted);
    if threads < 2 {
        return items.into_iter().map(f).collect();
    }
    let n = items.len();
    let queue = Mutex::new(items.into_iter().enumerate());
    let work = || {
        let mut done = Vec::new();
        loop {
            // The lock is held only to take the next item, never while `f` runs.
            let next = queue.lock().unwrap_or_else(PoisonError::into_inner).next();
            match next {
                Some((i, item)) => done.push((i, f(item))),
                None => return done,
            }
        }
    };
    let mut slots: Vec<Option<R>> = std::iter::repeat_with(|| None).take(n).collect();
    std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads)
            .filter_map(|_| std::thread::Builder::new().spawn_scoped(scope, work).ok())
            .collect();
        let mut place = |done: Vec<(usize, R)>| {
            for (i, r) in done {
                slots[i] = Some(r);
            }
        };
        place(work());
        for h in helpers {
            match h.join() {
                Ok(done) => place(done),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
    });
    debug_assert!(slots.iter().all(Option::is_some));
    slots.into_iter().flatten().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn keeps_order_for_every_length() {
        for n in [0, 1, 15, 16, 31, 32, 33, 100, 1000] {
            let items: Vec<usize> = (0..n).collect();
            let got = map_ordered(items, |i| i * 3);
            assert_eq!(got, (0..n).map(|i| i * 3).collect::<Vec<_>>(), "n = {n}");
        }
    }

    /// Enough items run on more than one thread (when the machine has more than one CPU), and
    /// every item is mapped exactly once.
    #[test]
    fn spreads_long_lists_and_maps_each_item_once() {
        let calls = AtomicUsize::new(0);
        let threads = Mutex::new(HashSet::new());
        let got = map_ordered((0..400).collect(), |i: usize| {
            calls.fetch_add(1, Ordering::Relaxed);
            threads
                .lock()
                .expect("lock")
                .insert(std::thread::current().id());
            // Long enough that a second thread gets items before the first drains the queue.
            std::thread::sleep(std::time::Duration::from_micros(200));
            i
        });
        assert_eq!(got, (0..400).collect::<Vec<_>>());
        assert_eq!(calls.load(Ordering::Relaxed), 400);
        let cpus = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
        let used = threads.lock().expect("lock").len();
        assert_eq!(used, cpus.min(MAX_THREADS), "threads used");
    }

    #[test]
    fn short_lists_stay_on_the_calling_thread() {
        let me = std::thread::current().id();
        let got = map_ordered((0..31).collect(), |i: usize| {
            assert_eq!(std::thread::current().id(), me);
            i
        });
        assert_eq!(got.len(), 31);
    }

    #[test]
    fn a_panic_reaches_the_caller() {
        let r = std::panic::catch_unwind(|| {
            map_ordered((0..200).collect(), |i: usize| {
                assert_ne!(i, 150, "boom");
                i
            })
        });
        assert!(r.is_err());
    }
}
