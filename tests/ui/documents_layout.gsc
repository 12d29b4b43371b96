# The document step at the largest text size, landscape then portrait, with no page, one and two pages,
# and a scanner message: `expect-fits` each time (nothing outside the display, nothing overlapping, every
# control at least 64 pixels). The scanner is SANE's test backend (scripts/with-local-hub.sh).
# needs: local hub
tap id:welcome.text_size
tap id:welcome.text_size
tap id:welcome.start
expect-screen catalog
# the last card: the catalog pages round, so Previous from the first page shows it
tap id:catalog.previous
tap id:procedure.housing-certificate
tap id:intro.more
tap id:intro.more
tap id:intro.start
type "Yvonne Le Goff"
tap id:step.next
type "01"
type "09"
type "2024"
tap id:step.next
expect-text "Le justificatif de domicile de votre hébergeant"
expect-fits
tap id:step.next
expect-text "Numérisez ce document avant de continuer."
expect-fits
tap id:document.scan
expect-text "Page 1 numérisée"
expect-fits
screenshot landscape-one-page.png
tap id:document.scan
expect-text "Page 2 numérisée"
expect-fits
screenshot landscape-two-pages.png
resize 1080x1920
expect-fits
screenshot portrait-two-pages.png
tap id:document.remove.2
expect-fits
resize 1920x1080
expect-fits
tap id:step.next
expect-screen review
expect-fits
tap id:review.submit
expect-screen receipt
wait-sync
tap id:receipt.finish
expect-screen welcome
