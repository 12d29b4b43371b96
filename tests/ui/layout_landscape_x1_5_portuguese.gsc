# Layout at landscape x1.5 in Portuguese, whose labels run longest of the kiosk's languages: the same walk
# as layout_landscape_x1_5 (refusals, the help over the keyboard, 51300's communes, to the receipt), with
# `expect-fits` after each step. Needs a local hub for the receipt.
# needs: local hub
tap "Português"
tap id:welcome.text_size
tap id:welcome.text_size
tap id:welcome.start
expect-screen catalog
expect-fits
tap id:catalog.more
tap id:procedure.change-of-address
expect-screen intro
expect-fits
tap id:intro.more
expect-fits
tap id:intro.more
expect-fits
tap id:intro.more
expect-fits
tap id:intro.start
expect-screen step
expect-fits
type "31"
type "02"
type "2025"
tap id:step.next
expect-fits
tap id:date.day
tap id:keyboard.key.clear
type "15"
tap id:step.next
expect-fits
tap id:step.next
expect-fits
tap id:step.help
expect-fits
tap id:step.close_help
expect-fits
type "12 avenue du Général de Gaulle"
tap id:address.postcode
expect-fits
type "01000"
expect-fits
tap id:step.next
expect-fits
tap id:address.postcode
tap id:keyboard.key.clear
type "38250"
expect-fits
tap id:address.postcode
tap id:keyboard.key.clear
type "51300"
expect-fits
tap id:address.more_communes
expect-fits
tap id:address.postcode
tap id:keyboard.key.clear
type "01000"
tap id:commune.01053.0
tap id:step.next
expect-fits
type "99999"
tap id:step.next
expect-fits
tap id:keyboard.key.clear
type "69001"
tap id:step.next
tap id:step.next
expect-fits
tap id:option.yes
tap id:step.next
expect-fits
type "2"
tap id:step.next
expect-fits
type "06 12 34 56 78"
tap id:step.next
expect-fits
tap id:option.caf
expect-fits
expect-fits
tap id:step.next
expect-fits
type "1234567"
tap id:step.next
expect-fits
type "1234567890123"
tap id:step.next
tap id:step.next
expect-fits
tap id:step.agree
tap id:step.next
expect-fits
tap id:step.next
expect-screen review
expect-fits
tap id:review.submit
expect-screen receipt
expect-fits
screenshot receipt.png
