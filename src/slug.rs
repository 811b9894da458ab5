//! URL slugs from folder, file and theme names.

/// Lower-case ASCII slug: Finnish and Swedish letters lose their dots and rings (ä→a, ö→o, å→a),
/// other Latin letters their accents, and every run of anything else becomes one `-`.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    let mut dash = false;
    for c in text.chars().flat_map(char::to_lowercase) {
        let c = fold_latin(c);
        if c.is_ascii_alphanumeric() {
            if dash && !slug.is_empty() {
                slug.push('-');
            }
            dash = false;
            slug.push(c);
        } else {
            dash = true;
        }
    }
    slug
}

pub fn fold_latin(c: char) -> char {
    match c {
        'ä' | 'å' | 'á' | 'à' | 'â' | 'ã' | 'ā' => 'a',
        'ö' | 'ø' | 'ó' | 'ò' | 'ô' | 'õ' => 'o',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'ü' | 'ú' | 'ù' | 'û' => 'u',
        'í' | 'ì' | 'î' | 'ï' => 'i',
        'š' => 's',
        'ž' => 'z',
        'ç' => 'c',
        'ñ' => 'n',
        'ý' | 'ÿ' => 'y',
        _ => c,
    }
}

/// `%XX` escapes decoded; `None` for a broken escape or bytes that are not UTF-8.
pub fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::slugify;

    #[test]
    fn folds_nordic_letters_and_punctuation() {
        assert_eq!(slugify("Kahvila"), "kahvila");
        assert_eq!(slugify("Äänestä ja Öljyä"), "aanesta-ja-oljya");
        assert_eq!(slugify("Åbo — Turku!"), "abo-turku");
        assert_eq!(slugify("  SO sotessa: 2026  "), "so-sotessa-2026");
        assert_eq!(slugify("café_Šibenik"), "cafe-sibenik");
    }

    #[test]
    fn case_variants_collide() {
        assert_eq!(slugify("Kahvila"), slugify("kahvila"));
    }

    #[test]
    fn nothing_sluggable_gives_empty() {
        assert_eq!(slugify("—!?"), "");
        assert_eq!(slugify("日本"), "");
    }
}
