# Housing certificate, end to end in French: two questions, then the host's proof of address scanned
# through SANE (the test backend): Next without a page is refused, a page is scanned, a second added,
# the first scanned again, the second removed and added again; the review counts the pages.
expect-screen welcome
tap id:welcome.start
expect-screen catalog
# the last card: the catalog pages round, so Previous from the first page shows it
tap id:catalog.previous
tap id:procedure.housing-certificate
expect-screen intro
tap id:intro.start
expect-screen step

# host_name
expect-text "Quel est le nom de la personne qui vous héberge"
type "Yvonne Le Goff"
tap id:step.next

# hosted_since
expect-text "Depuis quand habitez-vous chez elle"
type "01"
type "09"
type "2024"
tap id:step.next

# host_proof: the document step
expect-text "Le justificatif de domicile de votre hébergeant"
expect-text "Une facture d’électricité"
expect-fits
tap id:step.next
expect-text "Numérisez ce document avant de continuer."
tap id:document.scan
expect-text "Page 1 numérisée"
expect-text "Page 1"
tap id:document.scan
expect-text "Page 2 numérisée"
expect-no-text "Ajouter une page"
screenshot document-two-pages.png
expect-fits
# one page a row at this width: the arrows turn to page 1, and back to page 2
tap id:document.previous_pages
tap id:document.retake.1
expect-text "Page 1 numérisée"
tap id:document.more_pages
tap id:document.remove.2
expect-no-text "Page 2"
tap id:document.scan
expect-text "Page 2 numérisée"
tap id:step.next

expect-screen review
expect-text "2 pages numérisées"
screenshot document-review.png
tap id:review.submit

expect-screen receipt
expect-text "Votre demande est enregistrée"
tap id:receipt.rating_ok
tap id:receipt.finish
expect-screen welcome
