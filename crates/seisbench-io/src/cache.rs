//! A byte-bounded least-recently-used cache of decoded traces, shared between threads.

use ndarray::Array2;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

#[derive(Default)]
struct State {
    map: HashMap<usize, (Arc<Array2<f64>>, u64)>,
    order: BTreeMap<u64, usize>,
    bytes: usize,
    tick: u64,
}

/// LRU cache of traces keyed by dataset row, holding at most `capacity` bytes of samples.
pub(crate) struct TraceCache {
    capacity: usize,
    state: Mutex<State>,
}

impl TraceCache {
    pub(crate) fn new(capacity: usize) -> Self {
        Self { capacity, state: Mutex::new(State::default()) }
    }

    fn size(a: &Array2<f64>) -> usize {
        a.len() * std::mem::size_of::<f64>()
    }

    pub(crate) fn get(&self, key: usize) -> Option<Arc<Array2<f64>>> {
        if self.capacity == 0 {
            return None;
        }
        let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        st.tick += 1;
        let tick = st.tick;
        let (arr, old) = {
            let entry = st.map.get_mut(&key)?;
            let old = entry.1;
            entry.1 = tick;
            (entry.0.clone(), old)
        };
        st.order.remove(&old);
        st.order.insert(tick, key);
        Some(arr)
    }

    pub(crate) fn insert(&self, key: usize, value: Arc<Array2<f64>>) {
        let size = Self::size(&value);
        if size > self.capacity {
            return;
        }
        let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        st.tick += 1;
        let tick = st.tick;
        if let Some((old, t)) = st.map.remove(&key) {
            st.order.remove(&t);
            st.bytes -= Self::size(&old);
        }
        while st.bytes + size > self.capacity {
            let Some((&t, &k)) = st.order.iter().next() else { break };
            st.order.remove(&t);
            if let Some((a, _)) = st.map.remove(&k) {
                st.bytes -= Self::size(&a);
            }
        }
        st.bytes += size;
        st.map.insert(key, (value, tick));
        st.order.insert(tick, key);
    }

    /// Bytes currently held.
    pub(crate) fn bytes(&self) -> usize {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).bytes
    }

    pub(crate) fn capacity(&self) -> usize {
        self.capacity
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evicts_least_recent_and_stays_bounded() {
        let c = TraceCache::new(3 * 8 * 10);
        for k in 0..5 {
            c.insert(k, Arc::new(Array2::zeros((1, 10))));
            assert!(c.bytes() <= 240);
        }
        assert!(c.get(0).is_none());
        assert!(c.get(4).is_some());
        assert!(c.get(2).is_some());
        c.insert(5, Arc::new(Array2::zeros((1, 10))));
        assert!(c.get(3).is_none()); // 3 was least recent after touching 2 and 4
        assert!(c.get(2).is_some());
    }
}
