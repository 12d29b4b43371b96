# Change of address by keys alone (Tab, Shift+Tab, arrows, Enter, F1, and typing on a physical keyboard;
# no tap), against a local hub: the date, the address with its postcode and commune, several bodies to inform.
expect-screen welcome
key Tab
key Return
expect-screen catalog
key Tab
key Tab
expect-focus procedure.change-of-address
key Return
expect-screen intro
key Tab
key Tab
expect-focus intro.start
key Return
expect-screen step
# moved_on: the day box takes the typing first; two digits move on to the month
expect-text "À quelle date avez-vous déménagé"
type "15"
type "03"
type "2025"
key Shift+Tab
key Shift+Tab
expect-focus step.next
key Return
# new_address: the street is typed; Enter on the postcode box makes it the one typed into, then a commune
expect-text "Quelle est votre nouvelle adresse"
type "12 avenue du Général de Gaulle"
key Tab
key Tab
key Tab
expect-focus address.postcode
key Return
type "01000"
expect-text "Choisissez votre commune"
key Tab
expect-focus commune.01053.0
key Return
key Right
expect-focus commune.01344.1
key Left
expect-focus commune.01053.0
key Tab
key Tab
key Tab
expect-focus step.next
key Return
# previous_postcode
expect-text "Quel était le code postal de votre ancienne adresse"
type "69001"
key Shift+Tab
key Shift+Tab
expect-focus step.next
key Return
# has_children: F1 opens the help over the step, Escape closes it and stays on the step; yes brings the
# question how many
expect-text "Des enfants de moins de 18 ans déménagent-ils avec vous"
key F1
expect-text "Fermer l’aide"
key Escape
expect-no-text "Fermer l’aide"
expect-text "Des enfants de moins de 18 ans déménagent-ils avec vous"
key Tab
key Tab
expect-focus option.yes
key Return
key Tab
key Tab
key Tab
expect-focus step.next
key Return
expect-text "Combien d’enfants de moins de 18 ans"
type "2"
key Shift+Tab
key Shift+Tab
expect-focus step.next
key Return
# phone: optional
expect-text "Quel est votre numéro de téléphone"
type "06 12 34 56 78"
key Shift+Tab
key Shift+Tab
expect-focus step.next
key Return
# inform: the CAF, the tax office and La Poste; Enter ticks and unticks
expect-text "Quels organismes voulez-vous prévenir"
key Tab
key Tab
expect-focus option.caf
key Return
key Tab
key Tab
key Tab
expect-focus option.impots
key Return
key Tab
key Tab
key Tab
expect-focus option.la_poste
key Return
key Tab
key Tab
expect-focus step.next
key Return
expect-text "Quel est votre numéro d’allocataire CAF"
type "1234567"
key Shift+Tab
key Shift+Tab
expect-focus step.next
key Return
expect-text "Quel est votre numéro fiscal"
type "1234567890123"
key Shift+Tab
key Shift+Tab
expect-focus step.next
key Return
# consent: I agree, Back, Next
expect-text "Êtes-vous d’accord"
key Tab
expect-focus step.agree
key Return
key Tab
key Tab
expect-focus step.next
key Return
expect-text "Pensez aussi à ces démarches"
key Shift+Tab
key Shift+Tab
expect-focus step.next
key Return
expect-screen review
expect-text "Bourg-en-Bresse"
key Shift+Tab
key Shift+Tab
expect-focus review.submit
key Return
expect-screen receipt
expect-text "Votre demande est enregistrée"
expect-text "Votre numéro de suivi"
key Shift+Tab
key Shift+Tab
expect-focus receipt.finish
key Return
expect-screen welcome
wait-sync
expect-no-text "en attente d’envoi"
