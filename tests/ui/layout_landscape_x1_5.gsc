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
tap id:date.day
tap id:keyboard.key.clear
type "15"
tap id:step.next
# new_address: the street with the keyboard, the postcode with the keypad, then the communes
expect-text "Quelle est votre nouvelle adresse"
expect-fits
tap id:step.next
expect-fits
# the help over a refusal and the keyboard: a card of its own
tap id:step.help
expect-text "Puis touchez le nom de votre commune"
expect-fits
tap id:step.close_help
expect-fits
type "12 avenue du Général de Gaulle"
tap id:address.postcode
expect-fits
type "01000"
expect-text "Choisissez votre commune"
expect-fits
screenshot address-communes.png
tap id:step.next
expect-text "Choisissez votre commune dans la liste."
expect-fits
# four communes share 38250, two rows of them
tap id:address.postcode
tap id:keyboard.key.clear
type "38250"
expect-text "Villard-de-Lans"
expect-fits
# 46 communes share 51300: a page at a time
tap id:address.postcode
tap id:keyboard.key.clear
type "51300"
expect-text "Bassuet"
expect-fits
tap id:address.more_communes
expect-no-text "Bassuet"
expect-fits
tap id:address.postcode
tap id:keyboard.key.clear
type "01000"
tap id:commune.01053.0
tap id:step.next
# previous_postcode: digits on the keypad, refused
expect-text "Quel était le code postal de votre ancienne adresse"
expect-fits
type "99999"
tap id:step.next
expect-text "Ce code postal n’existe pas."
expect-fits
tap id:keyboard.key.clear
type "69001"
tap id:step.next
# has_children: yes or no
expect-text "Des enfants de moins de 18 ans déménagent-ils avec vous"
tap id:step.next
expect-fits
tap id:option.yes
tap id:step.next
# children_count: a number on the keypad
expect-text "Combien d’enfants de moins de 18 ans"
expect-fits
type "2"
tap id:step.next
# phone: optional, the keypad
expect-text "Quel est votre numéro de téléphone"
expect-fits
type "06 12 34 56 78"
tap id:step.next
# inform: several choices
expect-text "Quels organismes voulez-vous prévenir"
expect-fits
tap id:option.caf
tap id:option.impots
# seven long labels at this size: a page at a time, the question and the choices in the body size
tap id:step.more_options
expect-fits
screenshot multi-choice.png
tap id:option.la_poste
tap id:step.next
# caf_number: free text, the keyboard with digits
expect-text "Quel est votre numéro d’allocataire CAF"
expect-fits
type "1234567"
tap id:step.next
expect-text "Quel est votre numéro fiscal"
expect-fits
type "1234567890123"
tap id:step.next
# consent
expect-text "Êtes-vous d’accord"
tap id:step.next
expect-text "il faut donner votre accord"
expect-fits
tap id:step.agree
tap id:step.next
expect-text "Pensez aussi à ces démarches"
expect-fits
tap id:step.next
expect-screen review
expect-fits
tap id:review.submit
expect-screen receipt
expect-fits
