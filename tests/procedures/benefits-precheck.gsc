# Benefits pre-check, end to end in French: a couple of tenants with two children and a low income.
# An age under 16 is refused with the procedure's own message, a social security number with a wrong
# key and an IBAN failing its mod-97 check are refused, then corrected. From the review the household
# turns out to be hosted: the rent question goes, and with it the housing aid on the receipt.
expect-screen welcome
tap id:welcome.start
expect-screen catalog
# At 1920x1080 the catalog shows two cards a page: this one is on the third.
tap id:catalog.more
tap id:catalog.more
tap id:procedure.benefits-precheck
expect-screen intro
expect-text "Faire le point sur les aides possibles"
tap id:intro.start
expect-screen step

# intro: information only
expect-text "Un premier point, sans engagement"
tap id:step.next

# age: 15 is too young for these questions.
expect-text "Quel âge avez-vous"
expect-text "ans"
tap id:keyboard.key.1
tap id:keyboard.key.5
tap id:step.next
expect-text "Ces questions sont pour les personnes de 16 ans ou plus."
tap id:keyboard.key.clear
tap id:keyboard.key.3
tap id:keyboard.key.4
tap id:step.next

# household
expect-text "Avec qui vivez-vous"
tap id:option.couple
tap id:step.next

# children_count: 0 is a valid answer too; this household has two.
expect-text "Combien d’enfants à charge vivent avec vous"
type "2"
tap id:step.next

# income
expect-text "Combien gagne votre foyer par mois, en tout"
tap id:option.from_700_to_1200
tap id:step.next

# housing: a tenant is asked the rent.
expect-text "Quelle est votre situation de logement"
tap id:option.tenant
tap id:step.next
expect-text "Quel est votre loyer par mois, sans les charges"
expect-text "€ par mois"
type "650"
tap id:step.next

# employment
expect-text "Quelle est votre situation aujourd’hui"
tap id:option.employed
tap id:step.next

# disability
expect-text "Dans votre foyer, une personne a-t-elle un handicap reconnu"
tap id:option.no
tap id:step.next

# optional_info: information only
expect-text "Trois questions facultatives"
tap id:step.next

# nir: the key 92 does not match the number; 91 does.
expect-text "Quel est votre numéro de sécurité sociale"
type "1 85 05 78 006 084 92"
tap id:step.next
expect-text "Ce numéro de sécurité sociale contient une erreur."
tap id:keyboard.key.backspace
tap id:keyboard.key.1
tap id:step.next

# tax_number: optional, skipped.
expect-text "Quel est votre numéro fiscal"
expect-text "Cette question est facultative."
tap id:step.next

# iban: one wrong digit fails the mod-97 check.
expect-text "quel est votre IBAN"
type "FR76 3000 6000 0112 3456 7890 188"
tap id:step.next
expect-text "Cet IBAN contient une erreur."
tap id:keyboard.key.backspace
tap id:keyboard.key.9
tap id:step.next

# consent
expect-text "Êtes-vous d’accord"
tap id:step.agree
tap id:step.next

# result_info: information only
expect-text "Un résultat seulement indicatif"
tap id:step.next

expect-screen review
expect-text "Vérifiez vos réponses"
expect-text "Page 1 sur"
tap id:review.more
expect-text "Locataire"
# Hosted by a relative after all: no rent.
tap id:review.change.housing
expect-screen step
tap id:option.hosted
tap id:step.next
expect-screen review
expect-no-text "Quel est votre loyer par mois"
tap id:review.submit

expect-screen receipt
expect-text "Votre demande est enregistrée"
expect-text "À demander à un médiateur"
expect-text "Revenu de solidarité active (RSA)"
expect-text "Prime d’activité"
expect-text "Complémentaire santé solidaire"
expect-text "Allocations familiales et complément familial"
expect-text "Faire le point avec un conseiller"
expect-no-text "Aide au logement (APL ou ALS)"
expect-no-text "Allocation aux adultes handicapés (AAH)"
expect-no-text "Chèque énergie"
expect-text "Ces pistes sont indicatives"
screenshot receipt-with-outcomes.png
tap id:receipt.rating_easy
tap id:receipt.finish
expect-screen welcome
