//! Rendered pages and cards kept by a fingerprint of everything they were made from, so that the
//! preview server renders again only what an edit changed. `viikko build` keeps none: each build
//! starts from scratch, which is what a preview must equal.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hasher};
use std::sync::{Arc, Mutex};

use serde_json::Value;
use tera::Tera;

#[derive(Default)]
pub struct Memo {
    previous: HashMap<u64, Arc<str>>,
    made: Mutex<HashMap<u64, Arc<str>>>,
    /// The theme's compiled templates, by the fingerprint of their text.
    templates: Mutex<Option<(u64, Tera)>>,
}

impl Memo {
    /// The text made from inputs with this fingerprint by the previous build, else `make()`.
    pub fn get_or<E>(
        &self,
        fingerprint: u64,
        make: impl FnOnce() -> Result<String, E>,
    ) -> Result<Arc<str>, E> {
        let text = match self.previous.get(&fingerprint) {
            Some(text) => text.clone(),
            None => Arc::from(make()?),
        };
        if let Ok(mut made) = self.made.lock() {
            made.insert(fingerprint, text.clone());
        }
        Ok(text)
    }

    pub fn templates(&self, fingerprint: u64) -> Option<Tera> {
        let kept = self.templates.lock().ok()?;
        kept.as_ref()
            .filter(|(f, _)| *f == fingerprint)
            .map(|(_, tera)| tera.clone())
    }

    pub fn keep_templates(&self, fingerprint: u64, tera: &Tera) {
        if let Ok(mut kept) = self.templates.lock() {
            *kept = Some((fingerprint, tera.clone()));
        }
    }

    /// The memo for the next build: what this build made, and nothing older once a build has
    /// completed; after a failed one, what the last good build made too.
    pub fn next(self, completed: bool) -> Memo {
        let made = self.made.into_inner().unwrap_or_default();
        let previous = match completed {
            true => made,
            false => self.previous.into_iter().chain(made).collect(),
        };
        Memo {
            previous,
            made: Mutex::default(),
            templates: self.templates,
        }
    }
}

/// `make()`, or what it made before from the same inputs when there is a memo.
pub fn or_make(
    memo: Option<&Memo>,
    inputs: impl FnOnce(Fingerprint) -> Fingerprint,
    make: impl FnOnce() -> String,
) -> String {
    match memo {
        Some(memo) => {
            let fingerprint = inputs(Fingerprint::default()).finish();
            let made = memo.get_or(fingerprint, || Ok::<_, std::convert::Infallible>(make()));
            made.map(|text| text.to_string()).unwrap_or_default()
        }
        None => make(),
    }
}

/// A hash of the values a page is made from: equal values give equal fingerprints.
#[derive(Default)]
pub struct Fingerprint(DefaultHasher);

impl Fingerprint {
    pub fn text(mut self, text: &str) -> Fingerprint {
        self.0.write_usize(text.len());
        self.0.write(text.as_bytes());
        self
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
                h.write_usize(s.len());
                h.write(s.as_bytes());
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
                    self.0.write_usize(key.len());
                    self.0.write(key.as_bytes());
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
        let memo = Memo::default();
        let made = memo.get_or(fingerprint(&a), || Ok::<_, ()>("page A".into()));
        assert_eq!(made.unwrap().as_ref(), "page A");
        let memo = memo.next(true);
        let again = memo.get_or(fingerprint(&a), || Err("rendered again"));
        assert_eq!(again.unwrap().as_ref(), "page A");
        let other = memo.get_or(fingerprint(&b), || Ok::<_, ()>("page B".into()));
        assert_eq!(other.unwrap().as_ref(), "page B");
        // A failed build keeps what the last good one made; a completed one only its own.
        let memo = memo.next(false);
        assert!(
            memo.get_or(fingerprint(&a), || Err("rendered again"))
                .is_ok()
        );
        let memo = memo.next(true).next(true);
        assert!(memo.get_or(fingerprint(&a), || Err("gone")).is_err());
    }
}
