//! Short import names between a wasm-bindgen module and its JS glue (issue 16).
//!
//! wasm-bindgen names every function the wasm imports from its glue after the JS function
//! plus a 16-hex-digit hash (`__wbg_setAttribute_3c9f6b0a1e2d4c5f`), written twice: in the
//! wasm's import section and as a key of the glue's import object. Hex digits hardly compress,
//! so some 120 imports cost about 4 KB (gzip) per module. The names are private to the pair —
//! nothing else sees them — so both files get the same short names (`a`, `b`, …, `ba`, …),
//! which changes nothing at run time. Of the exports, only the closure shims the glue alone
//! calls (`wasm_bindgen__convert__closures_…_invoke__h<hash>`) are renamed (`$a`, …); what the
//! loader or the page call (`mount`, `unmount`, memory, the allocator) keeps its name.
//!
//! An import is only renamed where the glue spells it exactly once, as an object key at the
//! start of a line (`        __wbg_…: function`), a shim wherever the glue names it as a whole
//! identifier: anything else is left as wasm-bindgen wrote it.

use anyhow::{bail, Context, Result};

/// Part of the packaging cache key: a change to how names are shortened re-packages.
pub const SCHEME: &str = "short-imports-2";

/// The wasm import section's id.
const IMPORT_SECTION: u8 = 2;
/// The wasm export section's id.
const EXPORT_SECTION: u8 = 7;
/// How wasm-bindgen names the exported shims through which JS calls a Rust closure.
const CLOSURE_SHIM: &str = "wasm_bindgen__convert__closures_";

/// `wasm` and `js` with the glue's imports and closure shims renamed to short names in both.
pub fn shorten(wasm: &[u8], js: &str) -> Result<(Vec<u8>, String)> {
    if wasm.len() < 8 || &wasm[..4] != b"\0asm" {
        bail!("not a wasm module");
    }
    let mut out = wasm[..8].to_vec();
    let mut js = js.to_string();
    let mut at = 8;
    while at < wasm.len() {
        let id = wasm[at];
        let (size, body_start) = read_u32(wasm, at + 1)?;
        let end = body_start + size as usize;
        let body = wasm.get(body_start..end).context("section past the end")?;
        if id == IMPORT_SECTION || id == EXPORT_SECTION {
            let section = if id == IMPORT_SECTION {
                rename_imports(body, &mut js)?
            } else {
                rename_closure_shims(body, &mut js)?
            };
            out.push(id);
            write_u32(&mut out, section.len() as u32);
            out.extend(section);
        } else {
            out.extend(&wasm[at..end]);
        }
        at = end;
    }
    Ok((out, js))
}

/// The import section with every renamable name replaced (and the glue's key with it).
fn rename_imports(body: &[u8], js: &mut String) -> Result<Vec<u8>> {
    let (count, mut at) = read_u32(body, 0)?;
    let mut out = Vec::with_capacity(body.len());
    write_u32(&mut out, count);
    let mut renamed = 0;
    for _ in 0..count {
        let (module, next) = read_name(body, at)?;
        let (name, next) = read_name(body, next)?;
        let description_end = skip_description(body, next)?;
        let name = std::str::from_utf8(name).context("import name is not UTF-8")?;
        let short = match key_position(js, name) {
            Some(position) => {
                let short = short_name(renamed);
                renamed += 1;
                js.replace_range(position..position + name.len(), &short);
                short
            }
            None => name.to_string(),
        };
        write_name(&mut out, module);
        write_name(&mut out, short.as_bytes());
        out.extend(&body[next..description_end]);
        at = description_end;
    }
    Ok(out)
}

/// The export section with the closure shims renamed, in the glue wherever it names them.
fn rename_closure_shims(body: &[u8], js: &mut String) -> Result<Vec<u8>> {
    let (count, mut at) = read_u32(body, 0)?;
    let mut out = Vec::with_capacity(body.len());
    write_u32(&mut out, count);
    let mut renamed = 0;
    for _ in 0..count {
        let (name, next) = read_name(body, at)?;
        // Kind (one byte) and index.
        let (_, end) = read_u32(body, next + 1)?;
        let name = std::str::from_utf8(name).context("export name is not UTF-8")?;
        let mut new_name = name.to_string();
        if name.starts_with(CLOSURE_SHIM) {
            let short = format!("${}", short_name(renamed));
            if identifier_positions(js, &short).is_empty() {
                let positions = identifier_positions(js, name);
                if !positions.is_empty() {
                    for position in positions.into_iter().rev() {
                        js.replace_range(position..position + name.len(), &short);
                    }
                    renamed += 1;
                    new_name = short;
                }
            }
        }
        write_name(&mut out, new_name.as_bytes());
        out.extend(&body[next..end]);
        at = end;
    }
    Ok(out)
}

/// Where `js` names `name` as a whole identifier (`…_h1234` is not in `…_h1234_15`).
fn identifier_positions(js: &str, name: &str) -> Vec<usize> {
    let part_of_identifier = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '$';
    js.match_indices(name)
        .map(|(position, _)| position)
        .filter(|&position| {
            let before = js[..position].chars().next_back();
            let after = js[position + name.len()..].chars().next();
            !before.is_some_and(part_of_identifier) && !after.is_some_and(part_of_identifier)
        })
        .collect()
}

/// Where `name` is the glue's import-object key, if it is spelled there once and only there.
fn key_position(js: &str, name: &str) -> Option<usize> {
    let mut found = js.match_indices(name);
    let (position, _) = found.next()?;
    if found.next().is_some() {
        return None;
    }
    let line_start = js[..position].rfind('\n').map_or(0, |n| n + 1);
    let indented = js[line_start..position].chars().all(|c| c == ' ') && position > line_start;
    let keyed = js[position + name.len()..].starts_with(": ");
    (indented && keyed).then_some(position)
}

/// `a`…`z`, `A`…`Z`, then two letters and more: never a name wasm-bindgen writes.
fn short_name(mut index: usize) -> String {
    const LETTERS: &[u8; 52] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut name = vec![LETTERS[index % 52]];
    index /= 52;
    while index > 0 {
        index -= 1;
        name.push(LETTERS[index % 52]);
        index /= 52;
    }
    name.reverse();
    String::from_utf8(name).unwrap_or_default()
}

/// The end of an import's description (what kind of thing it is, and its type).
fn skip_description(body: &[u8], at: usize) -> Result<usize> {
    let kind = *body.get(at).context("import without a kind")?;
    let at = at + 1;
    Ok(match kind {
        // A function: its type index.
        0 => read_u32(body, at)?.1,
        // A table: element type, then limits.
        1 => skip_limits(body, at + 1)?,
        // A memory: limits.
        2 => skip_limits(body, at)?,
        // A global: value type and mutability.
        3 => at + 2,
        // A tag: attribute and type index.
        4 => read_u32(body, at + 1)?.1,
        other => bail!("unknown import kind {other}"),
    })
}

fn skip_limits(body: &[u8], at: usize) -> Result<usize> {
    let flags = *body.get(at).context("limits without flags")?;
    let (_, at) = read_u32(body, at + 1)?;
    Ok(if flags & 1 == 1 { read_u32(body, at)?.1 } else { at })
}

fn read_name(body: &[u8], at: usize) -> Result<(&[u8], usize)> {
    let (len, start) = read_u32(body, at)?;
    let end = start + len as usize;
    Ok((body.get(start..end).context("name past the end")?, end))
}

fn write_name(out: &mut Vec<u8>, name: &[u8]) {
    write_u32(out, name.len() as u32);
    out.extend(name);
}

/// An unsigned LEB128 number at `at`, and where it ends.
fn read_u32(bytes: &[u8], mut at: usize) -> Result<(u32, usize)> {
    let mut value: u64 = 0;
    for shift in (0..35).step_by(7) {
        let byte = *bytes.get(at).context("number past the end")?;
        at += 1;
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return u32::try_from(value).map(|v| (v, at)).context("number too large");
        }
    }
    bail!("number too long")
}

fn write_u32(out: &mut Vec<u8>, mut value: u32) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A module importing `__wbg_f_0123` (a function) and `mem` (a memory) from `./m_bg.js`.
    fn module() -> Vec<u8> {
        let mut imports = Vec::new();
        write_u32(&mut imports, 2);
        write_name(&mut imports, b"./m_bg.js");
        write_name(&mut imports, b"__wbg_f_0123");
        imports.extend([0, 0]);
        write_name(&mut imports, b"./m_bg.js");
        write_name(&mut imports, b"mem");
        imports.extend([2, 1, 1, 2]);
        let mut wasm = b"\0asm\x01\0\0\0".to_vec();
        wasm.push(IMPORT_SECTION);
        write_u32(&mut wasm, imports.len() as u32);
        wasm.extend(imports);
        // A custom section after it, copied as it is.
        wasm.extend([0, 2, 1, b'x']);
        wasm
    }

    #[test]
    fn keys_spelled_once_are_renamed_in_both_files() {
        let js = "const import0 = {\n        __wbg_f_0123: function(arg0) {},\n        mem: 1,\n};\nmem;";
        let (wasm, js) = shorten(&module(), js).unwrap();
        assert_eq!(
            js,
            "const import0 = {\n        a: function(arg0) {},\n        mem: 1,\n};\nmem;"
        );
        let mut expected = module();
        let at = expected.windows(12).position(|w| w == b"__wbg_f_0123").unwrap();
        expected.splice(at - 1..at + 12, [1, b'a']);
        expected[9] -= 12 - 1;
        assert_eq!(wasm, expected);
    }

    #[test]
    fn closure_shims_are_renamed_wherever_the_glue_names_them() {
        let shim = "wasm_bindgen__convert__closures_____invoke__h0123";
        let longer = "wasm_bindgen__convert__closures_____invoke__h0123_15";
        let mut exports = Vec::new();
        write_u32(&mut exports, 3);
        for name in [shim, longer, "mount"] {
            write_name(&mut exports, name.as_bytes());
            exports.extend([0, 5]);
        }
        let mut wasm = b"\0asm\x01\0\0\0".to_vec();
        wasm.push(EXPORT_SECTION);
        write_u32(&mut wasm, exports.len() as u32);
        wasm.extend(exports);
        let js =
            format!("function {shim}(a) {{ wasm.{shim}(a); }}\nf({longer}); wasm.{longer}(); wasm.mount();");
        let (wasm, js) = shorten(&wasm, &js).unwrap();
        assert_eq!(
            js,
            "function $a(a) { wasm.$a(a); }\nf($b); wasm.$b(); wasm.mount();"
        );
        let mut expected = Vec::new();
        write_u32(&mut expected, 3);
        for name in ["$a", "$b", "mount"] {
            write_name(&mut expected, name.as_bytes());
            expected.extend([0, 5]);
        }
        assert_eq!(&wasm[10..], &expected[..]);
    }

    #[test]
    fn short_names_are_unique() {
        let names: std::collections::HashSet<_> = (0..3000).map(short_name).collect();
        assert_eq!(names.len(), 3000);
        assert_eq!(short_name(0), "a");
        assert_eq!(short_name(52), "aa");
    }

    #[test]
    fn large_numbers_round_trip() {
        let mut out = Vec::new();
        write_u32(&mut out, 300_000);
        assert_eq!(read_u32(&out, 0).unwrap(), (300_000, out.len()));
    }
}
