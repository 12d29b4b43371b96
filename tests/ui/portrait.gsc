# Portrait 1080x1920 (a totem kiosk): the same journey, laid out for a tall screen.
resize 1080x1920
expect-screen welcome
screenshot welcome-portrait.png
tap "Commencer"
expect-screen catalog
screenshot catalog-portrait.png
advance 120
screenshot warning-portrait.png
tap "Terminer maintenant"
expect-screen welcome
