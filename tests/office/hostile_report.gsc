# The browser test's citizen (test_office_browser.py): a street problem reported at the kiosk, with
# markup typed into each free-text answer. The back office must show it as text and run nothing.
expect-screen welcome
tap id:welcome.start
expect-screen catalog
tap id:catalog.more
tap id:procedure.public-space-report
expect-screen intro
tap id:intro.start
expect-screen step
tap id:option.other
tap id:step.next
expect-text "En quelques mots, quel est le problème"
type "<script>alert('problème')</script>"
tap id:step.next
expect-text "Où est le problème"
type "<img src=x onerror=alert(1)> rue de la Mairie"
tap id:step.next
# "Since when" is optional
tap id:step.next
tap id:option.no
tap id:step.next
expect-text "Voulez-vous ajouter une précision"
type "\"><svg onload=alert(2)>"
tap id:step.next
tap id:option.no
tap id:step.next
expect-screen review
tap id:review.submit
expect-screen receipt
expect-text "Votre demande est enregistrée"
wait-sync
tap id:receipt.rating_easy
tap id:receipt.finish
expect-screen welcome
