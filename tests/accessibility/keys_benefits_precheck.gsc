# Benefits pre-check by keys alone (Tab, Shift+Tab, arrows, Enter, F1, and typing on a physical keyboard;
# no tap), against a local hub: a couple of tenants, two children; the receipt lists the aids to ask about.
expect-screen welcome
key Tab
key Return
expect-screen catalog
# Previous procedures from the first page is the last page
key Tab
key Tab
key Tab
key Tab
expect-focus catalog.previous
key Return
# The last page ends with the housing certificate (category "other"); the benefits card is just before it.
key Shift+Tab
key Shift+Tab
expect-focus procedure.housing-certificate
key Shift+Tab
expect-focus procedure.benefits-precheck
key Return
expect-screen intro
key Tab
key Tab
expect-focus intro.start
key Return
expect-screen step
expect-text "Un premier point, sans engagement"
key Shift+Tab
key Shift+Tab
expect-focus step.next
key Return
# age: 15 is refused, 34 is not
expect-text "Quel âge avez-vous"
type "15"
key Shift+Tab
key Shift+Tab
expect-focus step.next
key Return
expect-text "Ces questions sont pour les personnes de 16 ans ou plus."
key BackSpace
key BackSpace
type "34"
expect-focus step.next
key Return
expect-text "Avec qui vivez-vous"
key Tab
key Tab
key Tab
expect-focus option.couple
key Return
key Tab
key Tab
key Tab
expect-focus step.next
key Return
expect-text "Combien d’enfants à charge vivent avec vous"
type "2"
key Shift+Tab
key Shift+Tab
expect-focus step.next
key Return
expect-text "Combien gagne votre foyer par mois, en tout"
key Tab
key Tab
key Tab
expect-focus option.from_700_to_1200
key Return
key Tab
key Tab
key Tab
key Tab
key Tab
key Tab
expect-focus step.next
key Return
expect-text "Quelle est votre situation de logement"
key Tab
expect-focus option.tenant
key Return
key Tab
key Tab
key Tab
key Tab
key Tab
expect-focus step.next
key Return
expect-text "Quel est votre loyer par mois, sans les charges"
type "650"
key Shift+Tab
key Shift+Tab
expect-focus step.next
key Return
expect-text "Quelle est votre situation aujourd’hui"
key Tab
key Tab
expect-focus option.employed
key Return
key Tab
key Tab
key Tab
key Tab
key Tab
key Tab
key Tab
expect-focus step.next
key Return
expect-text "Dans votre foyer, une personne a-t-elle un handicap reconnu"
key Tab
key Tab
key Tab
expect-focus option.no
key Return
key Tab
key Tab
expect-focus step.next
key Return
expect-text "Trois questions facultatives"
key Shift+Tab
key Shift+Tab
expect-focus step.next
key Return
expect-text "Quel est votre numéro de sécurité sociale"
type "1 85 05 78 006 084 91"
key Shift+Tab
key Shift+Tab
expect-focus step.next
key Return
# tax_number: optional, left empty
expect-text "Quel est votre numéro fiscal"
key Shift+Tab
key Shift+Tab
expect-focus step.next
key Return
expect-text "quel est votre IBAN"
type "FR76 3000 6000 0112 3456 7890 189"
key Shift+Tab
key Shift+Tab
expect-focus step.next
key Return
expect-text "Êtes-vous d’accord"
key Tab
expect-focus step.agree
key Return
key Tab
key Tab
expect-focus step.next
key Return
expect-text "Un résultat seulement indicatif"
key Shift+Tab
key Shift+Tab
expect-focus step.next
key Return
expect-screen review
key Shift+Tab
key Shift+Tab
expect-focus review.submit
key Return
expect-screen receipt
expect-text "Votre demande est enregistrée"
expect-text "Votre numéro de suivi"
expect-text "Revenu de solidarité active (RSA)"
expect-text "Aide au logement (APL ou ALS)"
key Shift+Tab
key Shift+Tab
expect-focus receipt.finish
key Return
expect-screen welcome
wait-sync
expect-no-text "en attente d’envoi"
