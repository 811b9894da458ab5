//! An organiser's profile: `content/programme/<organiser>/_index.md`.

use super::*;

pub(super) const PROFILE_KEYS: [&str; 5] = ["name", "website", "email", "phone", "municipality"];

/// Reads an organiser's profile; `unreadable` when it is there but could not be read (and that
/// was reported).
pub(super) fn read_organiser(
    folder: &crate::load::OrganiserSources,
    unreadable: bool,
    config: &Config,
    problems: &mut Diagnostics,
) -> Option<Draft<Organiser>> {
    let rel = format!("content/programme/{}/_index.md", folder.folder);
    let Some(file) = &folder.profile else {
        if unreadable {
            return None;
        }
        problems.push(
            Diagnostic::error(&rel, text!("organiser_no_profile", folder = folder.folder))
                .with_help(text!("organiser_no_profile_help", file = rel)),
        );
        return None;
    };
    let mut found = Vec::new();
    let parsed = parse(file, config.lang, &mut found);
    problems.extend(found);
    let (mut fields, body_offset) = parsed?;
    let name = fields.required_text("name", "Organisaation nimi");
    let organiser = Organiser {
        folder: folder.folder.clone(),
        slug: slugify(&folder.folder),
        name: name.clone().unwrap_or_default(),
        website: fields.url("website"),
        email: fields.email("email"),
        phone: fields.text("phone"),
        municipality: fields.text("municipality"),
        body_html: "".into(),
        entries: Vec::new(),
        source: file.rel.clone(),
    };
    problems.extend(fields.finish(&PROFILE_KEYS));
    if organiser.slug.is_empty() {
        problems.push(
            Diagnostic::error(&rel, text!("organiser_empty_address"))
                .with_help(text!("organiser_empty_address_help")),
        );
    }
    name.map(|_| Draft {
        value: organiser,
        file: file.clone(),
        body_offset,
        ok: true,
    })
}
