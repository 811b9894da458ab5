//! QR codes as inline SVG, for paper: a phone's camera opens the page the sheet came from.
//!
//! A poster per entry makes this the hottest code of a large build, so the encoder is the fast
//! one and the drawing is ours: one path of horizontal runs, a third of a module-per-rectangle
//! drawing's bytes.

use fast_qr::ECL;
use fast_qr::qr::QRBuilder;

/// The site's address as a QR code, in a file of its own, for the footer of every printed page.
pub const SITE_FILE: &str = "assets/osoite-qr.svg";

/// Light modules around the code, as the standard asks, so a camera finds its edges.
const QUIET_ZONE: usize = 4;

/// An inline SVG QR code of `url`, named `label` for screen readers; empty if the URL is too
/// long for a QR code (over about 2 KB), which no page address of a site is.
pub fn svg(url: &str, label: &str) -> String {
    let Ok(code) = QRBuilder::new(url.as_bytes()).ecl(ECL::M).build() else {
        return String::new();
    };
    let size = code.size;
    let mut path = String::new();
    for y in 0..size {
        let row = &code[y];
        let mut x = 0;
        while x < size {
            if !row[x].value() {
                x += 1;
                continue;
            }
            let start = x;
            while x < size && row[x].value() {
                x += 1;
            }
            let (run, left, top) = (x - start, start + QUIET_ZONE, y + QUIET_ZONE);
            path.push('M');
            push_number(&mut path, left);
            path.push(',');
            push_number(&mut path, top);
            path.push('h');
            push_number(&mut path, run);
            path.push_str("v1h-");
            push_number(&mut path, run);
            path.push('z');
        }
    }
    let side = size + 2 * QUIET_ZONE;
    let label = label
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('"', "&quot;");
    format!(
        "<svg class=\"qr\" role=\"img\" aria-label=\"{label}\" xmlns=\"http://www.w3.org/2000/svg\" \
         viewBox=\"0 0 {side} {side}\" shape-rendering=\"crispEdges\"><rect width=\"{side}\" \
         height=\"{side}\" fill=\"#fff\"/><path fill=\"#000\" d=\"{path}\"/></svg>"
    )
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
    #[test]
    fn an_address_makes_an_inline_named_svg() {
        let svg = super::svg("https://satakunta.example.fi/rsv/", "QR <koodi>");
        assert!(svg.starts_with("<svg class=\"qr\" role=\"img\" aria-label=\"QR &lt;koodi>\""));
        assert!(svg.contains("<path") && svg.ends_with("</svg>"));
        assert!(super::svg(&"x".repeat(4000), "").is_empty());
    }

    #[test]
    fn numbers_are_written_as_format_writes_them() {
        for n in [0, 1, 9, 10, 99, 100, 177, 185, 1000] {
            let mut out = String::from("x");
            super::push_number(&mut out, n);
            assert_eq!(out, format!("x{n}"));
        }
    }
}
