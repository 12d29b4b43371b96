# Housing certificate by keys alone (Tab, Shift+Tab, Enter, Escape, typing on a physical keyboard; no
# tap), against a local hub whose kiosk scans on SANE's test backend: the document step's Scan, Retake and
# Remove are reached and pressed by keys, and the scanner's state is shown (and said) after each.
expect-screen welcome
key Tab
expect-focus welcome.start
key Return
expect-screen catalog
# the last card: Previous from the first page goes round to it
key Shift+Tab
key Shift+Tab
key Shift+Tab
key Shift+Tab
expect-focus catalog.previous
key Return
key Shift+Tab
key Shift+Tab
expect-focus procedure.housing-certificate
key Return
expect-screen intro
key Tab
key Tab
expect-focus intro.start
key Return
expect-screen step
# host_name: typed on the physical keyboard
expect-text "Quel est le nom de la personne qui vous héberge"
type "Yvonne Le Goff"
key Shift+Tab
key Shift+Tab
expect-focus step.next
key Return
# hosted_since
expect-text "Depuis quand habitez-vous chez elle"
type "01"
type "09"
type "2024"
key Shift+Tab
key Shift+Tab
expect-focus step.next
key Return
# host_proof: Help, then Scan
expect-text "Le justificatif de domicile de votre hébergeant"
key Tab
expect-focus step.help
key Tab
expect-focus document.scan
key Return
expect-text "Page 1 numérisée"
expect-focus document.scan
key Return
expect-text "Page 2 numérisée"
# Two pages, one shown at a time with arrows: back to page 1 and scan it again, then on to page 2 and
# remove it, all by keys
key Tab
expect-focus step.help
key Tab
expect-focus document.retake.2
key Tab
expect-focus document.remove.2
key Tab
expect-focus document.previous_pages
key Return
expect-text "Pages 1 à 1 sur 2"
key Shift+Tab
key Shift+Tab
expect-focus document.retake.1
key Return
expect-text "Page 1 numérisée"
key Tab
key Tab
key Tab
expect-focus document.more_pages
key Return
key Shift+Tab
key Shift+Tab
expect-focus document.remove.2
key Return
expect-no-text "Page 2 numérisée"
key Shift+Tab
key Shift+Tab
expect-focus step.next
key Return
expect-screen review
expect-text "1 page numérisée"
key Shift+Tab
key Shift+Tab
expect-focus review.submit
key Return
expect-screen receipt
key Shift+Tab
key Shift+Tab
expect-focus receipt.finish
key Return
expect-screen welcome
wait-sync
