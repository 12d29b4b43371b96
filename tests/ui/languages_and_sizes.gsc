# Each language names itself; the welcome screen follows the choice; text sizes and contrast apply.
tap "Português"
expect-text "Bem-vindo"
tap "Español"
expect-text "Bienvenido"
tap "English"
expect-text "Welcome"
expect-text "Text size: normal"
tap id:welcome.text_size
expect-text "Text size: large"
screenshot large.png
tap id:welcome.text_size
expect-text "Text size: very large"
screenshot larger.png
tap id:welcome.contrast
screenshot larger-high-contrast.png
resize 1080x1920
screenshot portrait-larger-high-contrast.png
tap id:welcome.text_size
expect-text "Text size: normal"
