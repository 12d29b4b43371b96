# Another citizen of the browser test (test_office_browser.py), so the inbox has a few rows: a pothole.
expect-screen welcome
tap id:welcome.start
expect-screen catalog
tap id:catalog.more
tap id:procedure.public-space-report
expect-screen intro
tap id:intro.start
expect-screen step
tap id:option.pothole
tap id:step.next
type "Rue de la Mairie, devant l’école"
tap id:step.next
tap id:step.next
tap id:option.yes
tap id:step.next
expect-text "En cas d’urgence"
tap id:step.next
tap id:step.next
tap id:option.no
tap id:step.next
expect-screen review
tap id:review.submit
expect-screen receipt
wait-sync
tap id:receipt.rating_easy
tap id:receipt.finish
expect-screen welcome
