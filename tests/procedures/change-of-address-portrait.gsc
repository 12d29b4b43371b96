# Change of address, end to end in French, portrait (1080x1920, a totem kiosk): the journey of
# change-of-address.gsc, with the same screenshots, so the two orientations can be compared.
# A citizen moved to Bourg-en-Bresse with two children, mistypes a date and a postcode, informs the CAF,
# the tax office and La Poste, then says from the review that no children moved after all.
resize 1080x1920
expect-screen welcome
expect-text "Bienvenue"
screenshot 01-welcome.png
tap id:welcome.start
expect-screen catalog
screenshot 02-catalog.png
tap id:procedure.change-of-address
expect-screen intro
expect-text "Signaler un changement d’adresse"
screenshot 03-intro.png
tap id:intro.start
expect-screen step

# moved_on: 31 February does not exist. The day box is active first; two digits move on to the month.
expect-text "À quelle date avez-vous déménagé"
tap id:keyboard.key.3
tap id:keyboard.key.1
tap id:keyboard.key.0
tap id:keyboard.key.2
type "2025"
tap id:step.next
expect-screen step
expect-text "Cette date n’existe pas. Vérifiez le jour, le mois et l’année (4 chiffres)."
screenshot 04-date-error.png
tap id:date.day
tap id:keyboard.key.clear
type "15"
screenshot 05-date.png
tap id:step.next
expect-no-text "Cette date n’existe pas. Vérifiez le jour, le mois et l’année (4 chiffres)."

# new_address: the street typed on a physical keyboard, the postcode on the keypad, then the commune.
expect-text "Quelle est votre nouvelle adresse"
tap id:address.street
type "12 avenue du Général de Gaulle"
tap id:address.postcode
tap id:keyboard.key.0
tap id:keyboard.key.1
tap id:keyboard.key.0
tap id:keyboard.key.0
tap id:keyboard.key.0
expect-text "Choisissez votre commune"
# Two communes share 01000: nothing is chosen for the citizen, and Next says so.
tap id:step.next
expect-text "Choisissez votre commune dans la liste."
tap id:commune.01053.0
screenshot 06-address.png
tap id:step.next

# previous_postcode: 99999 is well formed but not a French postcode.
expect-text "Quel était le code postal de votre ancienne adresse"
type "99999"
tap id:step.next
expect-text "Ce code postal n’existe pas. Vérifiez-le."
screenshot 07-postcode-error.png
tap id:keyboard.key.clear
type "69001"
tap id:step.next

# has_children, then children_count, which only shows when the answer is yes.
expect-text "Des enfants de moins de 18 ans déménagent-ils avec vous"
tap id:option.yes
screenshot 08-yes-no.png
tap id:step.next
expect-text "Combien d’enfants de moins de 18 ans"
type "2"
screenshot 09-number.png
tap id:step.next

# phone (optional)
expect-text "Quel est votre numéro de téléphone"
expect-text "Cette question est facultative."
type "06 12 34 56 78"
tap id:step.next

# inform: three bodies; the CAF and the tax office each bring a question of their own.
expect-text "Quels organismes voulez-vous prévenir"
tap id:option.caf
tap id:option.impots
tap id:option.la_poste
screenshot 10-multi-choice.png
tap id:step.next
expect-text "Quel est votre numéro d’allocataire CAF"
type "1234567"
tap id:step.next
expect-text "Quel est votre numéro fiscal"
type "1234567890123"
screenshot 11-text.png
tap id:step.next

# consent
expect-text "Êtes-vous d’accord"
tap id:step.agree
screenshot 12-consent.png
tap id:step.next

# also_think: information only
expect-text "Pensez aussi à ces démarches"
screenshot 13-info.png
tap id:step.next

expect-screen review
expect-text "Vérifiez vos réponses"
expect-text "Bourg-en-Bresse"
screenshot 14-review.png
# No children moved after all: the question about how many disappears from the review.
tap id:review.change.has_children
expect-screen step
tap id:option.no
tap id:step.next
expect-screen review
expect-no-text "Combien d’enfants de moins de 18 ans"
screenshot 15-review-changed.png
tap id:review.submit

expect-screen receipt
expect-text "Votre demande est enregistrée"
screenshot 16-receipt.png
tap id:receipt.rating_easy
expect-text "Merci pour votre avis."
tap id:receipt.finish
expect-screen welcome
expect-text "Bienvenue"
