//! What a build made (rendered pages and cards, parsed files, compiled templates) kept by a
//! fingerprint of everything it was made from, so that the preview server makes again only what
//! an edit changed. `viikko build` keeps none in memory: what it keeps between runs is the
//! output's manifest (`write.rs`).

use std::any::Any;
use std::convert::Infallible;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use serde_json::Value;

// The keys are fingerprints already: SipHash would only hash them again, slowly.
use foldhash::HashMap;

/// Something a build made: page text, a card, a parsed file, compiled templates.
type Kept = Arc<dyn Any + Send + Sync>;

/// Anything a build made, by fingerprint.
type Made = HashMap<u64, Kept>;

const SHARDS: usize = 16;

/// Builds a thing may go unused before it is forgotten: the preview makes a page only when it
/// is asked for, so a page not looked at since the last edit is kept a while.
const IDLE_BUILDS: u32 = 3;

#[derive(Default)]
pub struct Cache {
    /// What earlier builds made, each with the number of the build that last used it. A build
    /// only reads the map: what it takes is marked, not moved (tens of thousands of things a
    /// save in the preview).
    previous: RwLock<HashMap<u64, (AtomicU32, Kept)>>,
    /// This build's number.
    build: u32,
    /// What this build made anew, in shards by fingerprint: both cores add to it at once.
    made: [Mutex<Made>; SHARDS],
    /// How many times this build took something from the previous one.
    reused: AtomicUsize,
}

impl Cache {
    /// What the previous build made from inputs with this fingerprint, else `make()`.
    pub fn get_or<T, E>(
        &self,
        fingerprint: u64,
        make: impl FnOnce() -> Result<T, E>,
    ) -> Result<T, E>
    where
        T: Clone + Send + Sync + 'static,
    {
        let kept = self.previous.read().ok().and_then(|previous| {
            let (used, kept) = previous.get(&fingerprint)?;
            let value = kept.downcast_ref::<T>()?.clone();
            used.store(self.build, Ordering::Relaxed);
            Some(value)
        });
        if let Some(value) = kept {
            self.reused.fetch_add(1, Ordering::Relaxed);
            return Ok(value);
        }
        let value = make()?;
        let shard = &self.made[fingerprint as usize % SHARDS];
        if let Ok(mut made) = shard.lock() {
            made.insert(fingerprint, Arc::new(value.clone()));
        }
        Ok(value)
    }

    pub fn reused(&self) -> usize {
        self.reused.load(Ordering::Relaxed)
    }

    /// The cache for the next build: what this build made, and what earlier builds made that
    /// has not gone unused for `IDLE_BUILDS` builds. Moved, not copied: this cache is left
    /// empty, and what it is still asked for (pages of the site the preview shows until the
    /// next one passed) is made anew.
    pub fn successor(&self) -> Cache {
        let mut previous = self
            .previous
            .write()
            .map(|mut p| std::mem::take(&mut *p))
            .unwrap_or_default();
        let build = self.build.wrapping_add(1);
        previous
            .retain(|_, (used, _)| build.wrapping_sub(used.load(Ordering::Relaxed)) <= IDLE_BUILDS);
        for shard in &self.made {
            let made = shard.lock().map(|mut m| std::mem::take(&mut *m));
            let made = made.into_iter().flatten();
            previous.extend(made.map(|(key, kept)| (key, (AtomicU32::new(self.build), kept))));
        }
        Cache {
            previous: RwLock::new(previous),
            build,
            made: Default::default(),
            reused: AtomicUsize::new(0),
        }
    }
}

/// `make()`, or what the previous build made from the same inputs; `key` is the cache and the
/// fingerprint of the inputs, when there is a cache.
pub fn cached<T, E>(key: Option<(&Cache, u64)>, make: impl FnOnce() -> Result<T, E>) -> Result<T, E>
where
    T: Clone + Send + Sync + 'static,
{
    match key {
        Some((cache, fingerprint)) => cache.get_or(fingerprint, make),
        None => make(),
    }
}

/// `make()`, or what it made before from the same inputs when there is a cache.
pub fn remember<T: Clone + Send + Sync + 'static>(
    cache: Option<&Cache>,
    inputs: impl FnOnce(Fingerprint) -> Fingerprint,
    make: impl FnOnce() -> T,
) -> T {
    let key = cache.map(|cache| (cache, inputs(Fingerprint::default()).finish()));
    cached(key, || Ok::<_, Infallible>(make())).unwrap_or_else(|never| match never {})
}

/// A hash of the values a page is made from: equal values give equal fingerprints, in every
/// run of the same program (the output's manifest keeps them between builds).
pub struct Fingerprint(foldhash::quality::FoldHasher<'static>);

impl Default for Fingerprint {
    fn default() -> Fingerprint {
        Fingerprint(foldhash::quality::FixedState::with_seed(0x7669_696b_6b6f).build_hasher())
    }
}

impl Fingerprint {
    pub fn text(mut self, text: &str) -> Fingerprint {
        self.bytes(text);
        self
    }

    // With its length first, so that ("ab", "c") and ("a", "bc") differ.
    fn bytes(&mut self, text: &str) {
        self.0.write_usize(text.len());
        self.0.write(text.as_bytes());
    }

    pub fn number(mut self, number: u64) -> Fingerprint {
        self.0.write_u64(number);
        self
    }

    pub fn value(mut self, value: &Value) -> Fingerprint {
        self.walk(value);
        self
    }

    // A walk rather than hashing the value's JSON, which would escape every string first.
    fn walk(&mut self, value: &Value) {
        let h = &mut self.0;
        match value {
            Value::Null => h.write_u8(0),
            Value::Bool(b) => h.write_u8(1 + u8::from(*b)),
            Value::Number(n) => {
                h.write_u8(3);
                h.write(n.to_string().as_bytes());
            }
            Value::String(s) => {
                h.write_u8(4);
                self.bytes(s);
            }
            Value::Array(items) => {
                h.write_u8(5);
                h.write_usize(items.len());
                items.iter().for_each(|item| self.walk(item));
            }
            Value::Object(map) => {
                h.write_u8(6);
                h.write_usize(map.len());
                for (key, item) in map {
                    self.bytes(key);
                    self.walk(item);
                }
            }
        }
    }

    pub fn finish(&self) -> u64 {
        self.0.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn takes_what_the_previous_build_made_from_the_same_inputs() {
        let fingerprint = |v: &Value| Fingerprint::default().value(v).finish();
        let (a, b) = (json!({"title": "A"}), json!({"title": "B"}));
        assert_ne!(fingerprint(&a), fingerprint(&b));
        assert_ne!(
            fingerprint(&json!(["ab", "c"])),
            fingerprint(&json!(["a", "bc"]))
        );
        let cache = Cache::default();
        let made = cache.get_or(fingerprint(&a), || Ok::<_, ()>("page A".to_string()));
        assert_eq!(made.unwrap(), "page A");
        let cache = cache.successor();
        let again = cache.get_or(fingerprint(&a), || Err::<String, _>("rendered again"));
        assert_eq!(again.unwrap(), "page A");
        let other = cache.get_or(fingerprint(&b), || Ok::<_, ()>("page B".to_string()));
        assert_eq!(other.unwrap(), "page B");
        // Kept while unused for fewer than `IDLE_BUILDS` builds, then forgotten.
        let mut cache = cache.successor();
        for _ in 0..IDLE_BUILDS {
            cache = cache.successor();
        }
        assert!(
            cache
                .get_or(fingerprint(&b), || Err::<String, _>("gone"))
                .is_err()
        );
    }
}
