//! QR codes as inline SVG, for paper: a phone's camera opens the page the sheet came from.
//!
//! A poster per entry makes this the hottest code of a large build. The symbol is encoded by
//! `qrcodegen` with the first mask; the mask is then chosen here by the penalty rules of
//! ISO/IEC 18004 (§7.8.3), which keep a code easy to scan from paper, scored on rows of bits:
//! scored a module at a time, the eight masks were most of a code's cost. The drawing is ours
//! too: one path of horizontal runs, a third of a module-per-rectangle drawing's bytes.

use std::sync::OnceLock;

use qrcodegen::{DataTooLong, Mask, QrCode, QrCodeEcc, QrSegment, Version};

/// The site's address as a QR code, in a file of its own, for the footer of every printed page.
pub const SITE_FILE: &str = "assets/osoite-qr.svg";

/// Light modules around the code, as the standard asks, so a camera finds its edges.
const QUIET_ZONE: usize = 4;

/// The largest version made: its rows, shifted past the quiet zone, fit in a `u128`. Version
/// 25 holds an address of over 900 bytes, longer than any page address of a site.
const MAX_VERSION: u8 = 25;

/// An inline SVG QR code of `url`, named `label` for screen readers, or unnamed for a file
/// that the page's `<img>` names; empty if the URL is too long for a QR code of
/// [`MAX_VERSION`].
pub fn svg(url: &str, label: Option<&str>) -> String {
    let Some(rows) = symbol(url) else {
        return String::new();
    };
    let mut path = String::new();
    for (y, &row) in rows.iter().enumerate() {
        let mut dark = row;
        while dark != 0 {
            let start = dark.trailing_zeros() as usize;
            let run = (!(dark >> start)).trailing_zeros() as usize;
            dark &= !(((1 << run) - 1) << start);
            path.push('M');
            push_number(&mut path, start + QUIET_ZONE);
            path.push(',');
            push_number(&mut path, y + QUIET_ZONE);
            path.push('h');
            push_number(&mut path, run);
            path.push_str("v1h-");
            push_number(&mut path, run);
            path.push('z');
        }
    }
    let side = rows.len() + 2 * QUIET_ZONE;
    let named = label.map_or_else(String::new, |label| {
        format!(
            " role=\"img\" aria-label=\"{}\"",
            crate::theme::escape_html(label)
        )
    });
    format!(
        "<svg class=\"qr\"{named} xmlns=\"http://www.w3.org/2000/svg\" \
         viewBox=\"0 0 {side} {side}\" shape-rendering=\"crispEdges\"><rect width=\"{side}\" \
         height=\"{side}\" fill=\"#fff\"/><path fill=\"#000\" d=\"{path}\"/></svg>"
    )
}

/// The rows of `url`'s symbol ([`Symbol`]) with the mask of the lowest penalty: at error
/// correction level M, or a higher one when it fits in the same size; `None` if the URL is
/// too long.
fn symbol(url: &str) -> Option<Vec<u128>> {
    let first = encode(url, Mask::new(0)).ok()?;
    let symbol = Symbol::of(&first);
    Some(symbol.masked(symbol.best_mask()))
}

/// `url` as a QR code with mask `mask`.
fn encode(url: &str, mask: Mask) -> Result<QrCode, DataTooLong> {
    QrCode::encode_segments_advanced(
        &[QrSegment::make_bytes(url.as_bytes())],
        QrCodeEcc::Medium,
        Version::MIN,
        Version::new(MAX_VERSION),
        Some(mask),
        true,
    )
}

/// A symbol as bits: bit `x` of `rows[y]` is the module at column `x` of row `y`, dark 1.
struct Symbol {
    ecl: QrCodeEcc,
    rows: Vec<u128>,
    /// What putting each mask in place of mask 0 turns over, in symbols of this size.
    changes: &'static [Vec<u128>; 8],
}

impl Symbol {
    /// `code`, encoded with mask 0, as bits.
    fn of(code: &QrCode) -> Symbol {
        debug_assert_eq!(code.mask().value(), 0);
        let size = code.size() as usize;
        let rows = (0..size)
            .map(|y| row_bits(size, |x| code.get_module(x as i32, y as i32)))
            .collect();
        Symbol {
            ecl: code.error_correction_level(),
            rows,
            changes: changes(code.version().value()),
        }
    }

    /// The symbol with mask `mask` in place of mask 0, and its format information.
    fn masked(&self, mask: u8) -> Vec<u128> {
        let change = &self.changes[usize::from(mask)];
        let mut rows: Vec<u128> = self
            .rows
            .iter()
            .zip(change)
            .map(|(row, c)| row ^ c)
            .collect();
        let bits = format_bits(self.ecl, mask);
        for copy in format_positions(self.rows.len()) {
            for (i, (x, y)) in copy.into_iter().enumerate() {
                match bits >> i & 1 {
                    1 => rows[y] |= 1 << x,
                    _ => rows[y] &= !(1 << x),
                }
            }
        }
        rows
    }

    /// The mask of the lowest penalty, the first of them on a tie.
    fn best_mask(&self) -> u8 {
        (0..8)
            .min_by_key(|&mask| penalty(&self.masked(mask)))
            .unwrap_or(0)
    }
}

/// For each mask, the modules of a symbol of `version` that putting it in place of mask 0
/// turns over, by row: made once for each version a build meets.
fn changes(version: u8) -> &'static [Vec<u128>; 8] {
    static MADE: [OnceLock<[Vec<u128>; 8]>; MAX_VERSION as usize + 1] =
        [const { OnceLock::new() }; MAX_VERSION as usize + 1];
    MADE[usize::from(version)].get_or_init(|| {
        let size = usize::from(version) * 4 + 17;
        let data = data_modules(usize::from(version));
        std::array::from_fn(|mask| {
            (0..size)
                .map(|y| (pattern(0, y, size) ^ pattern(mask as u8, y, size)) & data[y])
                .collect()
        })
    })
}

/// The modules of row `y` that mask `mask` turns over.
fn pattern(mask: u8, y: usize, size: usize) -> u128 {
    let turned = |x: usize| match mask {
        0 => (x + y) % 2 == 0,
        1 => y % 2 == 0,
        2 => x % 3 == 0,
        3 => (x + y) % 3 == 0,
        4 => (x / 3 + y / 2) % 2 == 0,
        5 => x * y % 2 + x * y % 3 == 0,
        6 => (x * y % 2 + x * y % 3) % 2 == 0,
        _ => ((x + y) % 2 + x * y % 3) % 2 == 0,
    };
    row_bits(size, turned)
}

/// A row of `size` modules as bits, bit `x` set where `set(x)`.
fn row_bits(size: usize, set: impl Fn(usize) -> bool) -> u128 {
    (0..size).filter(|&x| set(x)).fold(0, |row, x| row | 1 << x)
}

/// The modules a mask applies to in a symbol of `version`, by row: all but the finder patterns
/// with their separators and format information, the timing patterns, the alignment patterns
/// and the version information.
fn data_modules(version: usize) -> Vec<u128> {
    let size = version * 4 + 17;
    let mut function = vec![0u128; size];
    let mut mark = |x: usize, y: usize| function[y] |= 1 << x;
    let corner = |x: usize, y: usize| (x < 9 || x >= size - 8) && y < 9 || x < 9 && y >= size - 8;
    for y in 0..size {
        for x in 0..size {
            if corner(x, y) || x == 6 || y == 6 {
                mark(x, y);
            }
        }
    }
    let centres = alignment_centres(version);
    for &cy in &centres {
        for &cx in &centres {
            // Not where a finder pattern is.
            if corner(cx, cy) {
                continue;
            }
            for y in cy - 2..=cy + 2 {
                for x in cx - 2..=cx + 2 {
                    mark(x, y);
                }
            }
        }
    }
    if version >= 7 {
        for a in 0..6 {
            for b in size - 11..size - 8 {
                mark(a, b);
                mark(b, a);
            }
        }
    }
    let all = (1u128 << size) - 1;
    function.into_iter().map(|row| !row & all).collect()
}

/// The rows and columns of the alignment patterns' centres in a symbol of `version`.
fn alignment_centres(version: usize) -> Vec<usize> {
    if version == 1 {
        return Vec::new();
    }
    let size = version * 4 + 17;
    let count = version / 7 + 2;
    let step = (version * 8 + count * 3 + 5) / (count * 4 - 4) * 2;
    let mut centres: Vec<usize> = (0..count - 1).map(|i| size - 7 - i * step).collect();
    centres.push(6);
    centres.reverse();
    centres
}

/// The 15 bits of format information: the error correction level and the mask, with their
/// BCH check, as the standard gives them.
fn format_bits(ecl: QrCodeEcc, mask: u8) -> u32 {
    let level = match ecl {
        QrCodeEcc::Low => 1,
        QrCodeEcc::Medium => 0,
        QrCodeEcc::Quartile => 3,
        QrCodeEcc::High => 2,
    };
    let data = level << 3 | u32::from(mask);
    let check = (0..10).fold(data, |rem, _| (rem << 1) ^ ((rem >> 9) * 0x537));
    (data << 10 | check) ^ 0x5412
}

/// Where the format information's bits 0 to 14 go, `(x, y)`: one copy beside the top-left
/// finder, the other split between the two other finders.
fn format_positions(size: usize) -> [[(usize, usize); 15]; 2] {
    let beside_top_left = std::array::from_fn(|i| match i {
        0..6 => (8, i),
        6 => (8, 7),
        7 => (8, 8),
        8 => (7, 8),
        _ => (14 - i, 8),
    });
    let split = std::array::from_fn(|i| match i {
        0..8 => (size - 1 - i, 8),
        _ => (8, size - 15 + i),
    });
    [beside_top_left, split]
}

/// The penalty of a symbol by the four rules of ISO/IEC 18004 §7.8.3, counted on whole rows of
/// bits, and on up to 128 columns at once: runs of five or more modules of a colour (3, and 1
/// for each module past five), 2 × 2 blocks of a colour (3), finder-like patterns with four
/// light modules on a side, outside the symbol being light (40), and the dark modules' share
/// away from half (10 for each 5 %). A finder-like pattern is read as ZXing reads it: the seven
/// modules 1011101 themselves, whatever lies beyond them on the other side, and not scaled up.
fn penalty(rows: &[u128]) -> u32 {
    let size = rows.len();
    let all = (1u128 << size) - 1;
    // Bit x: the modules at x and x + 1 of a row are alike.
    let across = |row: u128| !(row ^ row >> 1) & all >> 1;
    // Bit x: the modules at x of rows y and y + 1 are alike.
    let down = |y: usize| !(rows[y] ^ rows[y + 1]) & all;
    // Rows above and below the symbol are the quiet zone's: light.
    let at = |y: isize| {
        usize::try_from(y)
            .ok()
            .and_then(|y| rows.get(y))
            .copied()
            .unwrap_or(0)
    };
    let mut score = 0;
    let mut five_above = 0;
    for (y, &line) in rows.iter().enumerate() {
        let alike = across(line);
        let five = alike & alike >> 1 & alike >> 2 & alike >> 3;
        score += runs_of_five(five, five << 1);
        let padded = line << QUIET_ZONE;
        score += 40 * finder_like(|k| padded >> k, (1 << (size - 2)) - 1);
        if y + 1 < size {
            let alike = down(y);
            score += 3 * (alike & alike >> 1 & across(line)).count_ones();
        }
        if y + 5 <= size {
            let five = down(y) & down(y + 1) & down(y + 2) & down(y + 3);
            score += runs_of_five(five, five_above);
            five_above = five;
        }
    }
    for top in -(QUIET_ZONE as isize)..=size as isize - 7 {
        score += 40 * finder_like(|k| at(top + k as isize), all);
    }
    let dark: u32 = rows.iter().map(|row| row.count_ones()).sum();
    let total = (size * size) as u32;
    let steps = (dark * 20).abs_diff(total * 10).div_ceil(total);
    score + 10 * steps.saturating_sub(1)
}

/// The penalty of runs of five or more alike modules, given `five`, whose bits start five
/// alike modules, and `before`, those of the line's previous place: 1 for each five (a run
/// of n holds n - 4 of them), and 2 more where a run starts.
fn runs_of_five(five: u128, before: u128) -> u32 {
    five.count_ones() + 2 * (five & !before).count_ones()
}

/// How many places among `valid` start a dark-light-dark-dark-dark-light-dark pattern with
/// four light modules before or after it, given `line(k)`: the k-th module from each place.
fn finder_like(line: impl Fn(usize) -> u128, valid: u128) -> u32 {
    const AFTER: [bool; 11] = [
        true, false, true, true, true, false, true, false, false, false, false,
    ];
    let mut before = AFTER;
    before.reverse();
    [AFTER, before]
        .iter()
        .map(|pattern| {
            let places = (0..11).fold(valid, |places, k| match pattern[k] {
                true => places & line(k),
                false => places & !line(k),
            });
            places.count_ones()
        })
        .sum()
}

/// `number` in decimal: a code's coordinates, which printed with `write!` took as long again
/// as the rest of the drawing.
fn push_number(out: &mut String, number: usize) {
    if number >= 10 {
        push_number(out, number / 10);
    }
    out.push(char::from(b'0' + (number % 10) as u8));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_makes_an_inline_named_svg() {
        let svg = svg("https://satakunta.example.fi/rsv/", Some("QR <koodi>"));
        assert!(svg.starts_with("<svg class=\"qr\" role=\"img\" aria-label=\"QR &lt;koodi&gt;\""));
        assert!(svg.contains("<path") && svg.ends_with("</svg>"));
        let hidden = super::svg("https://satakunta.example.fi/rsv/", None);
        assert!(hidden.starts_with("<svg class=\"qr\" xmlns="));
        assert!(super::svg(&"x".repeat(1000), None).is_empty());
    }

    #[test]
    fn numbers_are_written_as_format_writes_them() {
        for n in [0, 1, 9, 10, 99, 100, 177, 185, 1000] {
            let mut out = String::from("x");
            push_number(&mut out, n);
            assert_eq!(out, format!("x{n}"));
        }
    }

    /// Addresses from one byte to the 997 that version 25 holds, so that every version made is.
    fn addresses() -> Vec<String> {
        (1..1000)
            .step_by(6)
            .map(|n| {
                let path = "ohjelma/jarjestaja/tapahtuma-".repeat(n / 29 + 1);
                format!("https://esimerkki.fi/{path}")[..n].to_string()
            })
            .collect()
    }

    fn modules(code: &QrCode) -> Vec<Vec<bool>> {
        let size = code.size();
        (0..size)
            .map(|y| (0..size).map(|x| code.get_module(x, y)).collect())
            .collect()
    }

    fn as_bools(rows: &[u128], size: usize) -> Vec<Vec<bool>> {
        rows.iter()
            .map(|row| (0..size).map(|x| row >> x & 1 == 1).collect())
            .collect()
    }

    /// Each mask put in place of mask 0 gives, module for module, the symbol `qrcodegen` makes
    /// with that mask: the data modules, the mask patterns and the format information are
    /// where the standard puts them.
    #[test]
    fn each_mask_gives_the_symbol_qrcodegen_makes_with_it() {
        let mut versions = std::collections::BTreeSet::new();
        for url in addresses() {
            let Ok(first) = encode(&url, Mask::new(0)) else {
                continue;
            };
            versions.insert(first.version().value());
            let symbol = Symbol::of(&first);
            for mask in 0..8 {
                let expected = modules(&encode(&url, Mask::new(mask)).unwrap());
                assert_eq!(
                    as_bools(&symbol.masked(mask), symbol.rows.len()),
                    expected,
                    "{url} mask {mask}"
                );
            }
        }
        assert_eq!(versions.len(), 25, "every version up to 25: {versions:?}");
    }

    /// The four rules the slow way: module by module, a line at a time.
    fn reference_penalty(m: &[Vec<bool>]) -> u32 {
        let size = m.len();
        let column = |x: usize| -> Vec<bool> { m.iter().map(|row| row[x]).collect() };
        let lines: Vec<Vec<bool>> = m.iter().cloned().chain((0..size).map(column)).collect();
        let mut score = 0;
        for line in &lines {
            let mut run = 1;
            for x in 1..=size {
                if x < size && line[x] == line[x - 1] {
                    run += 1;
                    continue;
                }
                if run >= 5 {
                    score += 3 + (run - 5);
                }
                run = 1;
            }
            let padded: Vec<bool> = [false; 4]
                .into_iter()
                .chain(line.iter().copied())
                .chain([false; 4])
                .collect();
            let core = [true, false, true, true, true, false, true];
            for start in 0..padded.len() - 6 {
                if padded[start..start + 7] != core {
                    continue;
                }
                let light = |from: usize, to: usize| {
                    padded.get(from..to).is_some_and(|s| s.iter().all(|&d| !d))
                };
                if start >= 4 && light(start - 4, start) {
                    score += 40;
                }
                if light(start + 7, start + 11) {
                    score += 40;
                }
            }
        }
        for y in 0..size - 1 {
            for x in 0..size - 1 {
                let c = m[y][x];
                if m[y][x + 1] == c && m[y + 1][x] == c && m[y + 1][x + 1] == c {
                    score += 3;
                }
            }
        }
        let dark = m.iter().flatten().filter(|&&d| d).count() as u32;
        let total = (size * size) as u32;
        let k = (dark * 20)
            .abs_diff(total * 10)
            .div_ceil(total)
            .saturating_sub(1);
        score + 10 * k
    }

    #[test]
    fn the_penalty_on_bits_is_the_penalty_module_by_module() {
        for url in addresses().iter().step_by(7) {
            let Ok(first) = encode(url, Mask::new(0)) else {
                continue;
            };
            let symbol = Symbol::of(&first);
            for mask in 0..8 {
                let rows = symbol.masked(mask);
                let expected = reference_penalty(&as_bools(&rows, symbol.rows.len()));
                assert_eq!(penalty(&rows), expected, "{url} mask {mask}");
            }
        }
    }

    /// The symbol drawn is the masked one of the lowest penalty, counted the slow way, and the
    /// first of them on a tie.
    #[test]
    fn the_mask_chosen_has_the_lowest_penalty() {
        let mut chosen = std::collections::BTreeSet::new();
        for url in addresses().iter().step_by(5) {
            let Ok(first) = encode(url, Mask::new(0)) else {
                continue;
            };
            let symbol = Symbol::of(&first);
            let size = symbol.rows.len();
            let scores: Vec<u32> = (0..8)
                .map(|mask| reference_penalty(&as_bools(&symbol.masked(mask), size)))
                .collect();
            let lowest = (0..8)
                .find(|&m| scores[m] == *scores.iter().min().unwrap())
                .unwrap();
            assert_eq!(
                super::symbol(url).unwrap(),
                symbol.masked(lowest as u8),
                "{url}"
            );
            chosen.insert(lowest);
        }
        assert!(
            chosen.len() > 1,
            "more than one mask is ever chosen: {chosen:?}"
        );
    }

    /// Drawn as the symbol is: each dark module inside one of the path's runs, and no other.
    #[test]
    fn the_drawing_covers_the_dark_modules_exactly() {
        let url = "https://satakunta.example.fi/rsv/ohjelma/porin-kaupunki/asukaskahvila/";
        let rows = symbol(url).unwrap();
        let drawn = svg(url, None);
        let path = drawn
            .split(" d=\"")
            .nth(1)
            .unwrap()
            .trim_end_matches("\"/></svg>");
        let mut seen = vec![0u128; rows.len()];
        for run in path.split('z').filter(|r| !r.is_empty()) {
            let numbers: Vec<usize> = run
                .trim_start_matches('M')
                .split(|c: char| !c.is_ascii_digit())
                .filter(|n| !n.is_empty())
                .map(|n| n.parse().unwrap())
                .collect();
            let [left, top, width, ..] = numbers[..] else {
                panic!("{run}");
            };
            let (x, y) = (left - QUIET_ZONE, top - QUIET_ZONE);
            seen[y] |= ((1 << width) - 1) << x;
        }
        assert_eq!(seen, rows);
        assert!(drawn.contains(&format!("viewBox=\"0 0 {0} {0}\"", rows.len() + 8)));
    }
}
