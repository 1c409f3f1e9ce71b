//! The HTML report in a real browser: Chromium (the distribution's
//! package, installed by `.ci/run`) renders the report over the examples
//! headless; the test checks that the screenshot is not blank, that the
//! page's script ran without errors and sorted a table, and that the
//! sections a reader looks for are in the rendered DOM.
//!
//! Without Chromium the test says so and passes, unless
//! `RISKGATE_REQUIRE_BROWSER=1` (set by `.ci/run` once it has installed
//! Chromium), where a missing browser fails it. With
//! `RISKGATE_UPDATE_SCREENSHOT=1` the screenshot is also written to
//! `docs/images/report.png` for the user guide.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[allow(dead_code)] // shared helpers; this test needs only one
mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use support::{ROOT, riskgate_in};

fn chromium() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("CHROMIUM").map(PathBuf::from),
        Some(PathBuf::from("/usr/bin/chromium")),
        Some(PathBuf::from("/usr/bin/chromium-browser")),
        Some(PathBuf::from("/usr/bin/google-chrome")),
    ];
    candidates.into_iter().flatten().find(|p| p.is_file())
}

/// Runs headless Chromium on `page` with `extra` arguments; returns
/// stdout and stderr.
fn headless(browser: &Path, profile: &Path, page: &Path, extra: &[&str]) -> (String, String) {
    let output = Command::new(browser)
        .args([
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--no-first-run",
            "--disable-extensions",
            "--enable-logging=stderr",
            "--v=0",
            "--window-size=1280,2000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("run chromium");
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn the_html_report_renders_in_chromium() {
    let Some(browser) = chromium() else {
        if std::env::var("RISKGATE_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
            panic!(
                "RISKGATE_REQUIRE_BROWSER=1 but no Chromium was found (apt-get install chromium)"
            );
        }
        eprintln!("skipped: Chromium is not installed (apt-get install chromium)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let examples = Path::new(ROOT).join("examples/manifests");
    let (code, _, stderr) = riskgate_in(
        dir.path(),
        &[
            "report",
            "--now",
            "2026-10-01T00:00:00Z",
            "--format",
            "html",
            "-o",
            "report.html",
            examples.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    // Sort the releases table by its first column on load, as a click
    // would, so the DOM shows the script works.
    let probe = html.replace(
        "</body>",
        "<script>document.querySelector('#releases th button').click();</script></body>",
    );
    let page = dir.path().join("probe.html");
    std::fs::write(&page, probe).unwrap();
    let profile = dir.path().join("profile");

    let (dom, log) = headless(&browser, &profile, &page, &["--dump-dom"]);
    assert!(
        !log.contains("Uncaught"),
        "the page's script failed:\n{log}"
    );
    for element in [
        "<h1>Model risk portfolio</h1>",
        "id=\"forecast-h\"",
        "id=\"waivers-h\"",
        "id=\"families-h\"",
        "<svg role=\"img\"",
        "aria-sort=\"ascending\"",
    ] {
        assert!(dom.contains(element), "rendered DOM has no {element}");
    }
    // The sorted table starts with the alphabetically first release.
    let releases = &dom[dom.find("id=\"releases\"").unwrap()..];
    let first_row = &releases[releases.find("<tbody>").unwrap()..];
    assert!(
        first_row[..400].contains("card-fraud-detector"),
        "releases not sorted by name: {}",
        &first_row[..400]
    );

    let screenshot = dir.path().join("report.png");
    let shot = format!("--screenshot={}", screenshot.display());
    // The unmodified page, as users see it.
    let (_, log) = headless(
        &browser,
        &profile,
        &dir.path().join("report.html"),
        &[&shot],
    );
    assert!(screenshot.is_file(), "no screenshot:\n{log}");
    let (width, height, coloured) = inked_share(&screenshot);
    assert_eq!((width, height), (1280, 2000));
    // A blank or unstyled page is almost all background; the report has
    // cards, bars and badges.
    assert!(
        coloured > 0.01,
        "the screenshot looks blank ({:.2}% coloured pixels)",
        coloured * 100.0
    );
    if std::env::var("RISKGATE_UPDATE_SCREENSHOT").is_ok_and(|v| v == "1") {
        let target = Path::new(ROOT).join("docs/images/report.png");
        std::fs::copy(&screenshot, target).unwrap();
    }
}

/// Width, height and the share of clearly coloured (saturated) pixels.
fn inked_share(path: &Path) -> (u32, u32, f64) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buffer = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buffer).unwrap();
    let channels = info.color_type.samples();
    let bytes = &buffer[..info.buffer_size()];
    let mut coloured = 0usize;
    let mut total = 0usize;
    for pixel in bytes.chunks(channels) {
        if channels < 3 {
            break;
        }
        let (r, g, b) = (
            i32::from(pixel[0]),
            i32::from(pixel[1]),
            i32::from(pixel[2]),
        );
        let spread = r.max(g).max(b) - r.min(g).min(b);
        coloured += usize::from(spread > 60);
        total += 1;
    }
    (
        info.width,
        info.height,
        coloured as f64 / total.max(1) as f64,
    )
}
