//! Ctrl-C while a progress bar is drawn: clear its line, then exit 130 as the default action
//! would. The handler is installed the first time a bar is drawn, so commands without one keep
//! the default SIGINT behaviour.

use std::sync::{Mutex, Once};

static HOOKS: Mutex<Vec<fn()>> = Mutex::new(Vec::new());

/// Runs `hook` on Ctrl-C (each distinct hook once), then exits with status 130.
pub fn on_interrupt(hook: fn()) {
    if let Ok(mut hooks) = HOOKS.lock() {
        if !hooks.contains(&hook) {
            hooks.push(hook);
        }
    }
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        // Failure (another handler exists) only means the line may stay on screen.
        let _ = ctrlc::set_handler(|| {
            if let Ok(hooks) = HOOKS.lock() {
                for h in hooks.iter() {
                    h();
                }
            }
            #[allow(clippy::exit)] // the default SIGINT action, after clearing the bar
            std::process::exit(130);
        });
    });
}
