# Layout at landscape x1.5: change of address from the catalog to the receipt, every step type on the way
# (date, address with communes, postcode and number on the keypad, yes/no, several choices, text with the
# keyboard, consent, information), with their refusals; `expect-fits` after each: nothing outside the
# display, nothing overlapping, every control at least 64 pixels. Needs a local hub for the receipt.
# needs: local hub
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
screenshot intro-data-use-2.png
tap id:intro.start
expect-screen step
# moved_on: a date, with its keypad, then with its refusal
expect-text "À quelle date avez-vous déménagé"
expect-fits
type "31"
type "02"
type "2025"
tap id:step.next
expect-text "Cette date n’existe pas"
expect-fits
screenshot date-error.png
tap id:date.day
tap id:keyboard.key.clear
type "15"
tap id:step.next
# Open: the address step's full keyboard is still taller than the display at this size, even
# with 64-pixel keys; the layout test stops here until it gives way (docs/decisions.md, issue 5).
