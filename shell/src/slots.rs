//! Slots: the places on a page where micro-frontends are mounted, and the state machine that
//! keeps each slot in step with the URL and the manifest.
//!
//! On every navigation the shell fetches the manifest and, for each slot, keeps the mounted
//! MFE if the same build should stay (it follows the URL itself), or unmounts it and mounts
//! the right one in a fresh host element. A build is known by its content hash, not by its
//! version string: a rebuilt MFE with an unchanged version still replaces the old one. An
//! MFE built against a contract version the shell cannot host is refused before it loads. A
//! generation counter makes a slow load from an earlier navigation give way to a newer one.
//! Any failure shows a fallback in that slot only, and is counted.

use std::cell::{Cell, RefCell};

use contracts::events::{MfeCrashed, UserSummary};
use contracts::manifest::{Manifest, MfeEntry, SLOT_MAIN, SLOT_SECONDARY};
use contracts::mount::{is_compatible, CONTRACT_VERSION};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::{loader, manifest};

/// Every slot the shell renders, in page order.
pub const SLOTS: [&str; 2] = [SLOT_MAIN, SLOT_SECONDARY];

/// Where a slot is in its life cycle (rendered as `data-state`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SlotState {
    /// Nothing mounted (a shell page, or no MFE for this route).
    #[default]
    Idle,
    /// Fetching or instantiating an MFE.
    Loading,
    /// An MFE is mounted.
    Mounted,
    /// Loading or mounting failed; a fallback with retry is shown.
    Failed,
}

impl SlotState {
    /// The `data-state` value.
    pub fn as_str(self) -> &'static str {
        match self {
            SlotState::Idle => "idle",
            SlotState::Loading => "loading",
            SlotState::Mounted => "mounted",
            SlotState::Failed => "failed",
        }
    }
}

/// What a slot shows, as reactive state.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SlotView {
    /// Life-cycle state.
    pub state: SlotState,
    /// The MFE in (or loading into) the slot.
    pub mfe: Option<Shown>,
    /// Why it failed, for the console and the fallback's details.
    pub error: Option<String>,
    /// The main slot has nothing for this path and no shell page claims it.
    pub not_found: bool,
    /// How many times an MFE failed in this slot since the page loaded.
    pub failures: u32,
}

/// Which build a slot shows (rendered as `data-mfe`, `data-mfe-version`, `data-mfe-build`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shown {
    /// The MFE's name.
    pub name: String,
    /// Its version string, for people.
    pub version: String,
    /// Its build (content hash), what the shell tells builds apart by.
    pub build: String,
}

impl Shown {
    fn of(entry: &MfeEntry) -> Shown {
        Shown {
            name: entry.name.clone(),
            version: entry.version.clone(),
            build: entry.build.clone(),
        }
    }
}

/// The reactive views of all slots plus the retry trigger, shared through context.
#[derive(Clone, Copy)]
pub struct Slots {
    views: [RwSignal<SlotView>; 2],
    /// Bumped by "Try again"; the resolver re-runs when it changes.
    pub retry: RwSignal<u32>,
}

impl Slots {
    /// Creates the slot signals and provides them as context.
    pub fn provide() -> Slots {
        let slots = Slots {
            views: [
                RwSignal::new(SlotView::default()),
                RwSignal::new(SlotView::default()),
            ],
            retry: RwSignal::new(0),
        };
        provide_context(slots);
        slots
    }

    /// The view signal of `slot`.
    pub fn view(&self, slot: &str) -> RwSignal<SlotView> {
        self.views[index(slot)]
    }
}

/// `slot`'s place in [`SLOTS`] (an unknown name is the main slot).
fn index(slot: &str) -> usize {
    usize::from(slot == SLOT_SECONDARY)
}

/// A mounted MFE: what to call to unmount it and the host element to remove.
struct Mounted {
    entry: MfeEntry,
    handle: wasm_bindgen::JsValue,
    host: web_sys::HtmlElement,
}

thread_local! {
    /// What is mounted in each slot, by [`index`].
    static MOUNTED: RefCell<[Option<Mounted>; 2]> = const { RefCell::new([None, None]) };
    static GENERATION: Cell<u64> = const { Cell::new(0) };
}

fn is_current(generation: u64) -> bool {
    GENERATION.with(|g| g.get()) == generation
}

/// Brings every slot in line with `path`; `shell_page` means the shell itself renders the
/// main content (no MFE in the main slot).
pub async fn resolve(slots: Slots, path: String, shell_page: bool, user: Option<UserSummary>) {
    let generation = GENERATION.with(|g| {
        g.set(g.get() + 1);
        g.get()
    });
    let manifest = manifest::fetch_manifest().await;
    if !is_current(generation) {
        return;
    }
    for slot in SLOTS {
        let view = slots.view(slot);
        let wanted = match &manifest {
            Ok(manifest) => wanted(manifest, slot, &path, shell_page).cloned(),
            // A shell page needs no manifest for its main content.
            Err(_) if shell_page && slot == SLOT_MAIN => None,
            Err(error) if slot == SLOT_MAIN => {
                unmount_slot(slot);
                fail(view, None, error.clone());
                continue;
            }
            Err(_) => None,
        };
        let not_found = slot == SLOT_MAIN && wanted.is_none() && !shell_page;
        apply(slot, view, wanted, not_found, generation, &user).await;
    }
}

/// The entry `slot` should hold on `path` (`shell_page`: the shell renders the main content
/// itself). The one rule, for navigation and for prefetching.
pub fn wanted<'a>(manifest: &'a Manifest, slot: &str, path: &str, shell_page: bool) -> Option<&'a MfeEntry> {
    if shell_page && slot == SLOT_MAIN {
        return None;
    }
    manifest.mfe_for(slot, path)
}

async fn apply(
    slot: &'static str,
    view: RwSignal<SlotView>,
    wanted: Option<MfeEntry>,
    not_found: bool,
    generation: u64,
    user: &Option<UserSummary>,
) {
    let same = MOUNTED.with(|m| {
        m.borrow()[index(slot)]
            .as_ref()
            .zip(wanted.as_ref())
            .is_some_and(|(current, w)| current.entry.name == w.name && current.entry.build == w.build)
    });
    if same {
        return;
    }
    let mounted_here = MOUNTED.with(|m| m.borrow()[index(slot)].is_some());
    if mounted_here || wanted.is_some() || slot == SLOT_MAIN {
        // The slot changes hands, or the shell shows its own page: from here on the address
        // bar must say where we are (a new MFE reads its first route from it).
        crate::router::write_history();
    }
    unmount_slot(slot);
    let failures = view.with_untracked(|v| v.failures);
    let Some(entry) = wanted else {
        view.set(SlotView {
            not_found,
            failures,
            ..SlotView::default()
        });
        return;
    };
    let mfe = Some(Shown::of(&entry));
    if !is_compatible(CONTRACT_VERSION, &entry.contract) {
        let built = if entry.contract.is_empty() {
            "no contract version"
        } else {
            &entry.contract
        };
        let error = format!(
            "{} {} (build {}) was built against contract {built}; this shell speaks contract {CONTRACT_VERSION}",
            entry.name, entry.version, entry.build
        );
        return fail(view, mfe, error);
    }
    view.set(SlotView {
        state: SlotState::Loading,
        mfe: mfe.clone(),
        failures,
        ..SlotView::default()
    });
    let module = match loader::module_for(&entry).await {
        Ok(module) => module,
        Err(error) => {
            loader::evict(&entry);
            return fail(view, mfe, error);
        }
    };
    if !is_current(generation) {
        return;
    }
    let Some(host) = new_host(slot) else {
        return fail(view, mfe, "slot element missing".into());
    };
    match loader::mount(&module, &host, slot, user) {
        Ok(handle) => {
            MOUNTED.with(|m| m.borrow_mut()[index(slot)] = Some(Mounted { entry, handle, host }));
            view.set(SlotView {
                state: SlotState::Mounted,
                mfe,
                failures,
                ..SlotView::default()
            });
        }
        Err(error) => {
            host.remove();
            loader::evict(&entry);
            fail(view, mfe, error);
        }
    }
}

/// Shows the fallback, says why on the console and counts the failure.
fn fail(view: RwSignal<SlotView>, mfe: Option<Shown>, error: String) {
    web_sys::console::error_1(&format!("micro-frontend failed: {error}").into());
    let failures = view.with_untracked(|v| v.failures) + 1;
    view.set(SlotView {
        state: SlotState::Failed,
        mfe,
        error: Some(error),
        not_found: false,
        failures,
    });
}

/// Replaces an MFE that panicked after mounting (it reports itself as
/// `storefront:mfe-crashed`) with its slot's fallback. The dead instance is unmounted as far
/// as it still can be, its host removed, and its module evicted so "Try again" instantiates a
/// fresh one. A panic during `mount` is not handled here: nothing is mounted yet, and
/// [`apply`] shows the fallback from `mount`'s error.
pub fn contain_crashes(slots: Slots) {
    // The page lives as long as the shell: keep the listener with it.
    std::mem::forget(web_kit::events::listen_decoded::<MfeCrashed, _>(move |crash| {
        let Some(slot) = SLOTS.into_iter().find(|s| *s == crash.slot) else {
            return;
        };
        let Some(dead) = clear_slot(slot) else {
            return;
        };
        let error = format!("{} crashed: {}", dead.name, crash.message);
        fail(slots.view(slot), Some(Shown::of(&dead)), error);
    }));
}

/// Unmounts whatever is in `slot` and removes its host element; returns what was there.
fn unmount_slot(slot: &'static str) -> Option<MfeEntry> {
    let mounted = MOUNTED.with(|m| m.borrow_mut()[index(slot)].take())?;
    loader::unmount(&mounted.handle);
    mounted.host.remove();
    Some(mounted.entry)
}

/// Unmounts `slot` and forgets its module, so the next mount there is a fresh instance
/// (after a crash, or the devtools' Remount); returns what was there.
pub fn clear_slot(slot: &'static str) -> Option<MfeEntry> {
    let entry = unmount_slot(slot)?;
    loader::evict(&entry);
    Some(entry)
}

/// A fresh `<div class="mfe-host">` inside the slot's host container.
fn new_host(slot: &str) -> Option<web_sys::HtmlElement> {
    let document = web_sys::window()?.document()?;
    let container = document.get_element_by_id(&format!("slot-{slot}-hosts"))?;
    let host = document.create_element("div").ok()?;
    host.set_class_name("mfe-host");
    container.append_child(&host).ok()?;
    host.dyn_into().ok()
}
