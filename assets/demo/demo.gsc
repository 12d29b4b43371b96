# The demo journey: a citizen reports a problem in the street, from the welcome screen to the receipt,
# and the submission reaches the local hub; another asks for a housing certificate with a scanned page.
# Then the reading-comfort options, and portrait.
expect-screen welcome
# The kiosk reaches the local hub and says so at the bottom of the welcome screen.
wait-sync
expect-text "En ligne"
screenshot 01-welcome.png
tap id:welcome.start
expect-screen catalog
screenshot 02-catalog.png
tap id:catalog.more
screenshot 02b-catalog-page-2.png
tap id:procedure.public-space-report
expect-screen intro
screenshot 03-intro.png
tap id:intro.start
expect-screen step
tap id:option.pothole
screenshot 04-step-choice.png
tap id:step.next
type "Rue de la Mairie, devant l’école"
screenshot 05-step-text.png
tap id:step.next
# "Since when" is optional: Next without an answer.
tap id:step.next
tap id:option.no
tap id:step.next
tap id:step.next
tap id:option.no
tap id:step.next
expect-screen review
screenshot 06-review.png
tap id:review.change.danger
tap id:option.yes
tap id:step.next
expect-text "En cas d’urgence"
tap id:step.next
expect-screen review
tap id:review.submit
expect-screen receipt
expect-text "Votre demande est enregistrée"
screenshot 07-receipt.png
# The take-home paper (docs/printing.md): the demo's printer is a file, drawn by guichetctl print-render.
tap id:receipt.print
expect-text "Le récapitulatif est imprimé"
screenshot 07a-receipt-printed.png
wait-sync
tap id:receipt.rating_easy
tap id:receipt.finish
expect-screen welcome
# A procedure with a document: the host's proof of address, scanned on SANE's test scanner
# (scripts/with-local-hub.sh sets it up), sealed with the answers, and sent page by page after them.
tap id:welcome.start
# the last card: the catalog pages round, so Previous from the first page shows it
tap id:catalog.previous
tap id:procedure.housing-certificate
tap id:intro.start
type "Yvonne Le Goff"
tap id:step.next
type "01"
type "09"
type "2024"
tap id:step.next
expect-text "Le justificatif de domicile de votre hébergeant"
screenshot 07b-document-step.png
tap id:document.scan
expect-text "Page 1 numérisée"
screenshot 07c-document-scanned.png
tap id:step.next
expect-screen review
tap id:review.submit
expect-screen receipt
wait-sync
tap id:receipt.finish
expect-screen welcome
expect-text "Bienvenue"
tap "English"
tap id:welcome.text_size
tap id:welcome.text_size
tap id:welcome.contrast
screenshot 08-welcome-larger-text-high-contrast.png
resize 1080x1920
screenshot 09-welcome-portrait.png
tap id:welcome.start
screenshot 10-catalog-portrait.png
tap id:catalog.finish
expect-screen welcome
