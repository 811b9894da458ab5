//! QR codes as inline SVG, for paper: a phone's camera opens the page the sheet came from.

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

/// An inline SVG QR code of `url`, named `label` for screen readers; empty if the URL is too
/// long for a QR code (over about 2 KB), which no page address of a site is.
pub fn svg(url: &str, label: &str) -> String {
    let Ok(code) = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M) else {
        return String::new();
    };
    let image = code
        .render::<svg::Color>()
        .quiet_zone(true)
        .module_dimensions(4, 4)
        .build();
    // The renderer writes a standalone file: inline, the XML declaration goes, and the image
    // gets its name and a size set by the page's style.
    let image = image
        .split_once("?>")
        .map_or(image.as_str(), |(_, svg)| svg);
    let label = label
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('"', "&quot;");
    image.replacen(
        "<svg ",
        &format!("<svg class=\"qr\" role=\"img\" aria-label=\"{label}\" "),
        1,
    )
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
}
