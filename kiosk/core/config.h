// The kiosk's configuration: a TOML file whose every key has a documented default
// (assets/config/guichet.toml). Unknown keys and bad values are errors that name the key.
#pragma once
#include "kiosk/core/result.h"

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace guichet {

// The place name heads the welcome screen on one line; the id names the kiosk at the hub.
inline constexpr std::size_t max_place_name_characters = 80;
inline constexpr std::size_t max_kiosk_id_characters = 64;

struct KioskSection {
    std::string id = "demo-kiosk";
    std::string place_name = "France Services";
    std::string default_language = "fr";
    std::vector<std::string> languages = { "fr", "en", "pt", "es" };
    // The service point's opening hours and phone, printed at the foot of the take-home receipt (issue 19).
    std::string opening_hours;
    std::string phone;
};

struct DisplaySection {
    bool fullscreen = true;
    int width = 1920; // used when not full-screen, and by the headless renderer
    int height = 1080;
    bool hide_cursor = true;
    // "auto": the GPU's renderer when there is one. "software": SDL's own software renderer straight
    // into the window, which on a machine without GPU drivers spares Mesa's llvmpipe (measured under
    // Xvfb: 38 MB peak RSS instead of 130 MB).
    std::string renderer = "auto";
};

struct SessionSection {
    int idle_timeout_s = 120; // quiet time before the "are you still there?" warning
    int warning_s = 30;       // time to answer the warning; WCAG 2.2.1 asks for at least 20 s
    int max_extensions = 0;   // 0: unlimited; otherwise at least 10 (WCAG 2.2.1)
};

struct UiSection {
    std::string assets_dir = GUICHET_DEFAULT_ASSETS_DIR;
    std::string font_regular = "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf";
    std::string font_bold = "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf";
    std::string theme = "default";
    std::string high_contrast_theme = "high-contrast";
};

struct SyncSection {
    std::string hub_url;               // empty: submissions are queued but not sent
    std::string token_file;            // holds the kiosk's token from `guichet-hub enroll`
    std::string submission_public_key; // base64 X25519 key from `guichet-hub keygen`; empty: no submissions
    std::string ca_file;               // pin a CA bundle; TLS verification is always on
    int batch_max_items = 100;
    int batch_max_kib = 256;
    int chunk_kib = 256;               // one PUT of a scanned page (issue 18), in KiB: a page in one request; the hub takes up to 256
    int retention_days = 30;           // sealed bytes kept this long after the hub's acknowledgement
    int heartbeat_interval_s = 900;    // how often the kiosk tells the hub how it is
};

// Voice guidance (espeak-ng through SDL audio). The citizen may turn it off, slow it down or change
// its volume for their session; these are the kiosk's defaults.
struct SpeechSection {
    bool enabled = true;
    std::string rate = "normal"; // "slow", "normal", "fast"
    int volume = 80;             // 10 to 100
    std::string audio_device;    // an SDL output device name; empty: the default device
    std::string espeak_data;     // a folder holding espeak-ng's phontab; empty: espeak-ng's default
    std::string recordings_dir;  // <dir>/<language>/<string id>.wav replaces synthesis; empty: none
};

// The EZ-Access keys of a kiosk keypad, as SDL key names ("Keypad 8", "F13"); empty: not mapped.
// A keyboard's Tab, arrows, Enter, Escape and F1 always work.
struct KeysSection {
    std::string up, down, enter, back, help;
};

struct StorageSection {
    std::string outbox = "/var/lib/guichet/outbox.sqlite";
    std::string staff = "/var/lib/guichet/staff.sqlite"; // staff PIN hashes and the audit log
};

// Signed content packs (DESIGN.md): procedures, strings, themes, images and recordings that replace the
// built-in assets once verified.
struct ContentSection {
    std::string packs_dir = "/var/lib/guichet/packs"; // staged, active and previous packs; empty: no updates
    std::string channel = "stable";                   // the hub channel this kiosk follows
    std::vector<std::string> signing_keys;            // base64 Ed25519 public keys whose packs are accepted
    int check_interval_s = 21600;                     // how often to ask the hub for a newer pack
};

// Staff entry: a long press in the top-left corner (or Ctrl+Alt+S) opens the PIN pad.
struct StaffSection {
    int long_press_s = 3;   // how long the corner must be held
    int lockout_after = 5;  // wrong PINs in a row before the pad locks
    int lockout_s = 900;    // how long it stays locked
    std::string usb_dir = "/media"; // where USB sticks appear: packs are installed and logs exported from there
};

// The document scanner (issue 18), through SANE: docs/documents.md.
struct ScannerSection {
    std::string device;      // a SANE device name ("test:0", "genesys:libusb:001:004"); empty: the first SANE finds
    int resolution_dpi = 150; // 75 to 600; an A4 page at 150 dpi is about 150-300 KB of JPEG
    int max_page_kib = 300;  // a page still larger at the lowest JPEG quality is refused
    int jpeg_quality = 80;   // 30 to 95; lowered step by step for a page over max_page_kib
    std::vector<std::pair<std::string, std::string>> options; // [scanner.options] name = "value": other SANE options
};

// The receipt printer (issue 19): docs/printing.md.
struct PrinterSection {
    std::string kind = "none"; // "none", "escpos" (a thermal receipt printer), "cups" (any printer, an A4 PDF)
    std::string device;        // escpos: "/dev/usb/lp0", or a file; empty: the CUPS `queue`
    std::string queue;         // a CUPS queue (raw for escpos); empty: CUPS's default
    std::string cups_server;   // empty: libcups's default (/run/cups/cups.sock)
    int paper_mm = 80;         // escpos: 58 or 80
    std::string qr = "native"; // escpos: "native" (the printer's QR command) or "raster" (a bitmap)
};

struct Config {
    KioskSection kiosk;
    DisplaySection display;
    SessionSection session;
    UiSection ui;
    SyncSection sync;
    StorageSection storage;
    SpeechSection speech;
    KeysSection keys;
    ContentSection content;
    StaffSection staff;
    ScannerSection scanner;
    PrinterSection printer;
};

// `source` names the text in error messages (usually the file's path).
Result<Config> parse_config(std::string_view text, std::string_view source);
Result<Config> load_config(const std::filesystem::path& path);

// The kiosk's bearer token: the first line of `sync.token_file`.
Result<std::string> read_kiosk_token(const SyncSection&);

}
