# The demo journey: every screen of the kiosk as a citizen meets it, in landscape and portrait.
expect-screen welcome
# The kiosk reaches the local hub and says so at the bottom of the welcome screen.
wait-sync
expect-text "En ligne"
screenshot 01-welcome.png
tap "English"
screenshot 02-welcome-english.png
tap "Start"
expect-screen catalog
screenshot 03-catalog.png
advance 120
expect-text "Are you still there?"
screenshot 04-inactivity-warning.png
tap "I need more time"
tap "Back"
tap id:welcome.text_size
tap id:welcome.text_size
tap id:welcome.contrast
screenshot 05-welcome-larger-text-high-contrast.png
resize 1080x1920
screenshot 06-welcome-portrait.png
tap id:welcome.start
screenshot 07-catalog-portrait.png
tap id:catalog.finish
expect-screen welcome
expect-text "Bienvenue"
